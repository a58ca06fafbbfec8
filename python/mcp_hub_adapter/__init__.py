"""MCP Hub's Python training adapter: a spec arrives as one JSON line on stdin, events leave as JSON lines on stdout."""
import sys

PROTOCOL_VERSION = 1

if sys.version_info < (3, 12):
    # joblib (under scikit-learn) imports distutils, and setuptools' stand-in for it, put in place at start-up,
    # imports pkg_resources: importing the stack took 1.77 s of CPU with it and 1.45 s without (Debian bookworm).
    # The standard library still has distutils before 3.12, so the stand-in goes (as SETUPTOOLS_USE_DISTUTILS=stdlib).
    try:
        import _distutils_hack

        _distutils_hack.remove_shim()
    except (ImportError, AttributeError):
        pass
