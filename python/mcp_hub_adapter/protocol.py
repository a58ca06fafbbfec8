"""The JSON Lines protocol shared with the Node adapter (see README, "Adapter protocol")."""
import json
import os
import sys
import threading

_lock = threading.Lock()
_out = sys.stdout


class DataError(Exception):
    """The dataset or the spec cannot be trained on; retrying will not help."""


def write_line(message):
    """One JSON object as one line on stdout, flushed; safe from several threads."""
    line = json.dumps(message, default=json_default, allow_nan=False)
    with _lock:
        _out.write(line + "\n")
        _out.flush()


def emit(event_type, **fields):
    write_line({"type": event_type, **fields})


def progress(fraction, stage, message=None):
    emit("progress", fraction=round(max(0.0, min(1.0, float(fraction))), 4), stage=stage, **({"message": message} if message else {}))


def metric(name, value, step=None):
    emit("metric", name=name, value=float(value), **({"step": int(step)} if step is not None else {}))


def log(message, level="info"):
    emit("log", level=level, message=str(message))


def read_spec():
    line = sys.stdin.readline()
    if not line:
        raise DataError("no spec on stdin: the adapter expects one JSON line")
    return json.loads(line)


def exit_when_parent_goes():
    """The hub keeps stdin open while it wants the adapter alive; EOF means it died or gave up."""

    def watch():
        while sys.stdin.read(65536):
            pass
        os._exit(3)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def json_default(value):
    """numpy scalars and arrays as plain JSON values."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
