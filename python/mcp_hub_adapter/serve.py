"""`python3 -m mcp_hub_adapter serve`: a long-lived prediction process speaking JSON Lines.

Requests arrive one per line on stdin, answers leave one per line on stdout, matched by `id`:
  {"id": 7, "op": "predict", "model": {"sha256": "...", "path": "/cache/<sha>.pkl", "format": "sklearn"},
   "columns": {"petal_length": [1.4, 5.1], ...}}
  -> {"id": 7, "ok": true, "predictions": ["setosa", "virginica"], "classes": [...], "probabilities": [[...], ...]}
  {"id": 8, "op": "load", "model": {...}}     -> {"id": 8, "ok": true, "loadMs": 41.2}
  {"id": 9, "op": "status"}                    -> {"id": 9, "ok": true, "loaded": ["<sha256>", ...]}
A failure answers {"id": n, "ok": false, "kind": "data" | "integrity" | "internal", "message": "..."}.
Loaded models stay in an LRU cache; a model file is loaded only when its SHA-256 equals the one the
request names (the registry's record). EOF on stdin ends the process.
"""
import hashlib
import io
import json
import os
import pickle
import platform
import sys
import time
from collections import OrderedDict

from . import PROTOCOL_VERSION
from .protocol import write_line as write

FORMATS = {"sklearn": "mcp-hub/sklearn-pipeline", "torch": "mcp-hub/torch-mlp"}


class ServeError(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class LoadedModel:
    """A registered model ready to predict: its preprocessing and estimator, and the class labels."""

    def __init__(self, kind, preprocessor, estimator, classes):
        self.kind = kind
        self.preprocessor = preprocessor
        self.estimator = estimator
        self.classes = classes

    def predict(self, frame):
        import numpy as np

        if self.kind == "torch":
            x = self.preprocessor.transform(frame)
            prediction, proba = self.estimator.predict(x)
            columns = list(range(proba.shape[1])) if proba is not None else None
        else:
            prediction, proba, columns = _sklearn_predict(self.estimator, frame, self.classes is not None)
        if self.classes is None:
            return [float(v) for v in np.asarray(prediction, dtype=float)], None, None
        labels = [self.classes[int(v)] for v in prediction]
        if proba is None:
            return labels, None, None
        return labels, [self.classes[int(c)] for c in columns], np.asarray(proba, dtype=float).tolist()


# Estimators whose predict() is the argmax of predict_proba(), so one call gives both (SVC's is not).
_ARGMAX_OF_PROBA = ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier", "GradientBoostingClassifier", "KNeighborsClassifier", "LogisticRegression")


def _sklearn_predict(pipeline, frame, classification):
    import numpy as np

    final = pipeline.steps[-1][1]
    if not classification or not hasattr(final, "predict_proba"):
        return pipeline.predict(frame), None, None
    proba = pipeline.predict_proba(frame)
    if type(final).__name__ in _ARGMAX_OF_PROBA:
        prediction = np.asarray(final.classes_)[np.argmax(proba, axis=1)]
    else:
        prediction = pipeline.predict(frame)
    return prediction, proba, list(final.classes_)


class ModelCache:
    """Loaded models by SHA-256, least recently used first out."""

    def __init__(self, size):
        self.size = max(1, size)
        self.models = OrderedDict()

    def get(self, ref):
        sha = ref["sha256"]
        if sha in self.models:
            self.models.move_to_end(sha)
            return self.models[sha]
        model = load(ref)
        self.models[sha] = model
        while len(self.models) > self.size:
            self.models.popitem(last=False)
        return model


def load(ref):
    path, expected, kind = ref["path"], str(ref["sha256"]).lower(), ref["format"]
    if kind not in FORMATS:
        raise ServeError("data", f"unknown model format {kind!r}; this process loads {', '.join(FORMATS)}")
    try:
        with open(path, "rb") as handle:
            body = handle.read()
    except OSError as error:
        raise ServeError("integrity", f"cannot read the model file {path}: {error.strerror}") from error
    actual = hashlib.sha256(body).hexdigest()
    if actual != expected:
        raise ServeError("integrity", f"the model file {os.path.basename(path)} has SHA-256 {actual}, the registry records {expected}; refusing to load it")
    if kind == "torch":
        import torch

        torch.set_num_threads(int(os.environ.get("ADAPTER_THREADS", "1")))
        try:
            # the file holds pickled Python objects (the preprocessor, the model class), not only tensors
            saved = torch.load(io.BytesIO(body), weights_only=False)
        except TypeError:  # torch before 1.13 has no weights_only and always unpickles
            saved = torch.load(io.BytesIO(body))
    else:
        saved = pickle.loads(body)
    if not isinstance(saved, dict) or saved.get("format") != FORMATS[kind]:
        raise ServeError("data", f"the model file is not an {FORMATS[kind]} file")
    if kind == "torch":
        return LoadedModel(kind, saved["preprocessor"], saved["model"], saved.get("classes"))
    return LoadedModel(kind, None, saved["pipeline"], saved.get("classes"))


def frame_of(columns):
    """The rows as a DataFrame; missing values become NaN, as pandas reads them from a file."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(columns)
    for name in frame.columns:
        if frame[name].dtype == object:
            frame[name] = frame[name].where(frame[name].notna(), np.nan)
    return frame


def handle(request, cache):
    op = request.get("op")
    if op == "predict":
        model = cache.get(request["model"])
        predictions, classes, probabilities = model.predict(frame_of(request["columns"]))
        return {"predictions": predictions, "classes": classes, "probabilities": probabilities}
    if op == "load":
        started = time.monotonic()
        cache.get(request["model"])
        return {"loadMs": round((time.monotonic() - started) * 1000, 2)}
    if op == "status":
        return {"loaded": list(cache.models.keys())}
    raise ServeError("data", f"unknown op {op!r}")


def serve(cache_size):
    cache = ModelCache(cache_size)
    import importlib.util

    # imported now, so a worker is ready to predict when it says so rather than on its first request
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    modules = {name: importlib.util.find_spec(name) is not None for name in ("numpy", "pandas", "sklearn", "torch")}
    write({"type": "ready", "protocol": PROTOCOL_VERSION, "python": platform.python_version(), "pid": os.getpid(), "modules": modules})
    for line in sys.stdin:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            write({"id": request_id, "ok": True, **handle(request, cache)})
        except ServeError as error:
            write({"id": request_id, "ok": False, "kind": error.kind, "message": str(error)})
        except (ValueError, KeyError, TypeError, IndexError) as error:
            write({"id": request_id, "ok": False, "kind": "data", "message": f"{type(error).__name__}: {error}"})
        except Exception as error:  # noqa: BLE001 - the process keeps serving; the hub reports the failure
            write({"id": request_id, "ok": False, "kind": "internal", "message": f"{type(error).__name__}: {error}"})
    return 0
