"""scikit-learn estimators, fitted with progress that follows the real work (trees, boosting stages)."""
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC, SVR

from .protocol import DataError

PROGRESS_STEPS = 20


def build(algorithm, task, hp, seed):
    classification = task == "classification"
    if algorithm == "random_forest":
        cls = RandomForestClassifier if classification else RandomForestRegressor
        return cls(
            n_estimators=hp.get("n_estimators", 100),
            max_depth=hp.get("max_depth"),
            min_samples_split=hp.get("min_samples_split", 2),
            min_samples_leaf=hp.get("min_samples_leaf", 1),
            max_features=hp.get("max_features", "sqrt" if classification else 1.0),
            random_state=seed,
            n_jobs=1,
        )
    if algorithm == "gradient_boosting":
        cls = GradientBoostingClassifier if classification else GradientBoostingRegressor
        return cls(
            n_estimators=hp.get("n_estimators", 100),
            learning_rate=hp.get("learning_rate", 0.1),
            max_depth=hp.get("max_depth", 3),
            subsample=hp.get("subsample", 1.0),
            random_state=seed,
        )
    if algorithm == "logistic_regression":
        _require(classification, algorithm, "classification")
        return LogisticRegression(C=hp.get("C", 1.0), max_iter=hp.get("max_iter", 1000), random_state=seed)
    if algorithm == "linear_regression":
        _require(not classification, algorithm, "regression")
        return LinearRegression(fit_intercept=hp.get("fit_intercept", True))
    if algorithm == "ridge":
        _require(not classification, algorithm, "regression")
        return Ridge(alpha=hp.get("alpha", 1.0), random_state=seed)
    if algorithm == "svm":
        common = dict(C=hp.get("C", 1.0), kernel=hp.get("kernel", "rbf"), gamma=hp.get("gamma", "scale"))
        return SVC(probability=True, random_state=seed, **common) if classification else SVR(**common)
    if algorithm == "knn":
        cls = KNeighborsClassifier if classification else KNeighborsRegressor
        return cls(n_neighbors=hp.get("n_neighbors", 5), weights=hp.get("weights", "uniform"))
    raise DataError(f"unknown sklearn algorithm {algorithm!r}")


def fit(model, x, y, report, on_step=None):
    """report(fraction_of_this_fit, message) is called as the fit advances; on_step(step, model) after
    each batch of trees or boosting stages (the model then predicts with what it has so far)."""
    boosting = isinstance(model, (GradientBoostingClassifier, GradientBoostingRegressor))
    if _is_forest(model) or (boosting and on_step):
        total = model.n_estimators
        model.set_params(warm_start=True)
        for step in range(1, PROGRESS_STEPS + 1):
            model.set_params(n_estimators=max(1, round(total * step / PROGRESS_STEPS)))
            model.fit(x, y)
            report(step / PROGRESS_STEPS, f"{'stage' if boosting else 'tree'} {model.n_estimators}/{total}")
            if on_step:
                on_step(step, model)
        model.set_params(warm_start=False)
        return model
    if isinstance(model, (GradientBoostingClassifier, GradientBoostingRegressor)):
        total = model.n_estimators
        every = max(1, total // PROGRESS_STEPS)

        def monitor(stage, _model, _locals):
            if (stage + 1) % every == 0 or stage + 1 == total:
                report((stage + 1) / total, f"stage {stage + 1}/{total}")
            return False

        return model.fit(x, y, monitor=monitor)
    report(0.0, f"fitting {type(model).__name__}")
    model.fit(x, y)
    report(1.0, f"fitted {type(model).__name__}")
    return model


def predict(model, x, task):
    prediction = model.predict(x)
    proba = model.predict_proba(x) if task == "classification" and hasattr(model, "predict_proba") else None
    return np.asarray(prediction), proba


def _is_forest(model):
    return isinstance(model, (RandomForestClassifier, RandomForestRegressor))


def _require(ok, algorithm, task):
    if not ok:
        raise DataError(f"{algorithm} supports only {task}")
