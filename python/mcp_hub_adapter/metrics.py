"""Holdout metrics: the same names the Node adapter reports."""
import math

import numpy as np
from sklearn import metrics as m


def classification(y_true, y_pred, proba, n_classes):
    result = {
        "accuracy": m.accuracy_score(y_true, y_pred),
        "precision_macro": m.precision_score(y_true, y_pred, average="macro", zero_division=0, labels=list(range(n_classes))),
        "recall_macro": m.recall_score(y_true, y_pred, average="macro", zero_division=0, labels=list(range(n_classes))),
        "f1_macro": m.f1_score(y_true, y_pred, average="macro", zero_division=0, labels=list(range(n_classes))),
    }
    if proba is not None:
        proba = np.clip(proba, 1e-15, 1 - 1e-15)
        result["log_loss"] = m.log_loss(y_true, proba, labels=list(range(n_classes)))
        if n_classes == 2 and len(set(y_true.tolist())) == 2:
            result["roc_auc"] = m.roc_auc_score(y_true, proba[:, 1])
    return {k: float(v) for k, v in result.items()}


def regression(y_true, y_pred):
    return {
        "rmse": float(math.sqrt(m.mean_squared_error(y_true, y_pred))),
        "mae": float(m.mean_absolute_error(y_true, y_pred)),
        "r2": float(m.r2_score(y_true, y_pred)),
    }


def mean_over_folds(per_fold):
    keys = set.intersection(*(set(f) for f in per_fold))
    return {k: float(np.mean([f[k] for f in per_fold])) for k in sorted(keys)}
