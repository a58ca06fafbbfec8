"""Permutation importance of a trained model on its validation rows, with scikit-learn's
sklearn.inspection.permutation_importance: each column's values are shuffled `repeats` times and the
drop of the metric is its importance (Breiman 2001; Fisher, Rudin & Dominici 2019)."""
import os
import pickle

from .protocol import DataError, emit, progress

# the hub's metric names as scikit-learn scorers; errors are negated there (greater is better)
SCORERS = {
    "accuracy": "accuracy",
    "f1_macro": "f1_macro",
    "precision_macro": "precision_macro",
    "recall_macro": "recall_macro",
    "roc_auc": "roc_auc",
    "log_loss": "neg_log_loss",
    "rmse": "neg_root_mean_squared_error",
    "mae": "neg_mean_absolute_error",
    "r2": "r2",
}


class TorchEstimator:
    """A saved torch MLP with its preprocessing, as much of an estimator as the scorers need."""

    def __init__(self, saved, task):
        self.preprocessor, self.model = saved["preprocessor"], saved["model"]
        self._estimator_type = "classifier" if task == "classification" else "regressor"
        if saved["classes"]:
            import numpy as np

            self.classes_ = np.arange(len(saved["classes"]))

    def fit(self, x, y):
        return self

    def predict(self, x):
        return self.model.predict(self.preprocessor.transform(x))[0]

    def predict_proba(self, x):
        return self.model.predict(self.preprocessor.transform(x))[1]


def load_estimator(path, task):
    if path.endswith(".pt"):
        import torch

        return TorchEstimator(torch.load(path, weights_only=False), task)
    with open(path, "rb") as handle:
        return pickle.load(handle)["pipeline"]


def run(spec):
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import get_scorer

    from . import data

    metric, repeats, seed = spec["metric"], int(spec["repeats"]), int(spec.get("seed", 0))
    if metric not in SCORERS:
        raise DataError(f"no scorer for metric {metric!r}")
    progress(0.05, "loading", f"reading {os.path.basename(spec['dataset']['path'])}")
    frame = data.load_frame(spec["dataset"])
    x, y_raw = data.select(frame, spec["target"], spec["features"])
    y, _classes = data.encode_target(y_raw, spec["task"])
    # the same split as training: the holdout, or with folds the first fold's rows
    _train_rows, test_rows = data.splits(x, y, spec["task"], spec["validation"], seed)[0]
    x_valid, y_valid = x.iloc[test_rows], y[test_rows]
    estimator = load_estimator(spec["modelPath"], spec["task"])
    scorer = get_scorer(SCORERS[metric])
    sign = -1.0 if SCORERS[metric].startswith("neg_") else 1.0
    progress(0.2, "permuting", f"{len(x.columns)} columns × {repeats} repeats on {len(test_rows)} rows")
    result = permutation_importance(estimator, x_valid, y_valid, scoring=scorer, n_repeats=repeats, random_state=seed)
    emit(
        "importance",
        metric=metric,
        baseline=float(sign * scorer(estimator, x_valid, y_valid)),
        rows=int(len(test_rows)),
        importances={
            column: {"mean": float(result.importances_mean[i]), "std": float(result.importances_std[i]), "values": [float(v) for v in result.importances[i]]}
            for i, column in enumerate(x.columns)
        },
    )
    progress(1.0, "done")
