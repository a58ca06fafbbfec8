"""MCP Hub's Python training adapter: a spec arrives as one JSON line on stdin, events leave as JSON lines on stdout."""

PROTOCOL_VERSION = 1
