"""Loading a dataset, choosing columns, splitting and preprocessing."""
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .protocol import DataError


def load_frame(dataset):
    path, fmt = dataset["path"], dataset["format"]
    try:
        if fmt == "csv":
            return pd.read_csv(path)
        if fmt == "jsonl":
            return pd.read_json(path, lines=True)
    except (ValueError, pd.errors.ParserError) as error:
        raise DataError(f"cannot read {fmt} dataset: {error}") from error
    raise DataError(f"unknown dataset format {fmt!r}")


def select(frame, target, features):
    missing = [c for c in [target, *features] if c not in frame.columns]
    if missing:
        raise DataError(f"columns not in the dataset: {', '.join(missing)}")
    frame = frame[frame[target].notna()]
    if len(frame) < 10:
        raise DataError(f"only {len(frame)} rows have a value for {target!r}; at least 10 are needed")
    return frame[features], frame[target]


def feature_kinds(x):
    numeric = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c]) and not pd.api.types.is_bool_dtype(x[c])]
    categorical = [c for c in x.columns if c not in numeric]
    return numeric, categorical


def preprocessor(x):
    numeric, categorical = feature_kinds(x)
    steps = []
    if numeric:
        steps.append(("numeric", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric))
    if categorical:
        steps.append(
            (
                "categorical",
                Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]),
                categorical,
            )
        )
    return ColumnTransformer(steps)


def encode_target(y, task):
    if task == "classification":
        classes = sorted(pd.unique(y.astype(str)))
        if len(classes) < 2:
            raise DataError("the target has a single class; classification needs at least two")
        index = {c: i for i, c in enumerate(classes)}
        return np.array([index[v] for v in y.astype(str)]), classes
    if not pd.api.types.is_numeric_dtype(y):
        raise DataError(f"regression needs a numeric target; {y.name!r} holds text")
    return y.to_numpy(dtype=float), None


def splits(x, y, task, validation, seed):
    """Yields (train_index, test_index) pairs: one for a holdout, k for k folds."""
    n = len(x)
    indices = np.arange(n)
    stratify = y if task == "classification" and _can_stratify(y, validation) else None
    if "folds" in validation:
        k = int(validation["folds"])
        if k > n:
            raise DataError(f"{k} folds need at least {k} rows; the dataset has {n}")
        splitter = StratifiedKFold(k, shuffle=True, random_state=seed) if stratify is not None else KFold(k, shuffle=True, random_state=seed)
        return list(splitter.split(x, stratify if stratify is not None else y))
    fraction = float(validation.get("holdout", 0.2))
    train, test = train_test_split(indices, test_size=fraction, random_state=seed, stratify=stratify)
    return [(train, test)]


def _can_stratify(y, validation):
    counts = np.bincount(y)
    needed = int(validation["folds"]) if "folds" in validation else 2
    return counts.min() >= needed
