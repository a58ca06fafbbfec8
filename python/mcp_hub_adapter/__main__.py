"""Entry point: `python3 -m mcp_hub_adapter` trains one model; `serve` predicts with registered models; `hpo` drives Optuna; `--check torch` reports the runtime."""
import json
import os
import pickle
import platform
import sys
import time
import traceback

from . import PROTOCOL_VERSION
from .protocol import DataError, emit, exit_when_parent_goes, log, metric, progress, read_spec

EXIT_DATA_ERROR = 2


def check(frameworks):
    """Prints the versions of the modules the frameworks need; exit 1 naming what is missing."""
    import importlib

    needed = ["numpy", "pandas", "sklearn"] + (["torch"] if "torch" in frameworks else [])
    found, missing = {}, []
    for name in needed:
        try:
            found[name] = importlib.import_module(name).__version__
        except ImportError:
            missing.append(name)
    print(json.dumps({"python": platform.python_version(), "modules": found, "missing": missing}))
    return 1 if missing else 0


def train(spec):
    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.pipeline import Pipeline

    from . import data, metrics

    framework, algorithm, task = spec["framework"], spec["algorithm"], spec["task"]
    hp, seed, validation = spec.get("hyperparameters", {}), int(spec.get("seed", 0)), spec["validation"]
    started = time.monotonic()
    progress(0.01, "loading", f"reading {os.path.basename(spec['dataset']['path'])}")
    frame = data.load_frame(spec["dataset"])
    x, y_raw = data.select(frame, spec["target"], spec["features"])
    y, classes = data.encode_target(y_raw, task)
    numeric, categorical = data.feature_kinds(x)
    log(f"{len(x)} rows, {len(numeric)} numeric and {len(categorical)} categorical features, task {task}")
    if framework == "torch":
        import torch

        torch.set_num_threads(int(os.environ.get("ADAPTER_THREADS", "1")))
        from .torch_models import MlpModel
    else:
        from . import sklearn_models

    watched = spec.get("intermediateMetric")

    def score(truth, prediction, proba):
        return metrics.classification(truth, prediction, proba, len(classes)) if task == "classification" else metrics.regression(truth, prediction)

    folds = data.splits(x, y, task, validation, seed)
    fits = folds + ([(np.arange(len(x)), None)] if "folds" in validation else [])
    per_fold, final = [], None
    for index, (train_rows, test_rows) in enumerate(fits):
        stage = "training" if test_rows is not None and len(fits) == 1 else ("final fit" if test_rows is None else f"fold {index + 1}/{len(folds)}")

        def report(fraction, message, index=index, stage=stage):
            progress(0.05 + 0.9 * (index + fraction) / len(fits), stage, message)

        prep = data.preprocessor(x)
        x_train = prep.fit_transform(x.iloc[train_rows])
        x_test = prep.transform(x.iloc[test_rows]) if test_rows is not None else None

        def predict(fitted):
            return fitted.predict(x_test) if framework == "torch" else sklearn_models.predict(fitted, x_test, task)

        on_step = None
        if watched and test_rows is not None and len(fits) == 1:
            # a holdout: the watched metric after every step of the fit (a pruner's intermediate values)
            def on_step(step, fitted, test_rows=test_rows):
                value = score(y[test_rows], *predict(fitted)).get(watched)
                if value is not None:
                    metric(watched, value, step)

        if framework == "torch":
            model = MlpModel(task, hp, seed, len(classes) if classes else 0)
            final_fit = test_rows is None or len(fits) == 1

            def on_epoch(epoch, loss, model=model, on_step=on_step, final_fit=final_fit):
                if final_fit:
                    metric("loss", loss, epoch)
                if on_step:
                    on_step(epoch, model)

            model.fit(x_train, y[train_rows], report, on_epoch)
        else:
            model = sklearn_models.build(algorithm, task, hp, seed)
            sklearn_models.fit(model, x_train, y[train_rows], report, on_step)
        if test_rows is not None:
            per_fold.append(score(y[test_rows], *predict(model)))
            if watched and len(fits) > 1 and watched in per_fold[-1]:
                # k folds: the mean over the folds done so far, one step per fold
                metric(watched, float(np.mean([f[watched] for f in per_fold if watched in f])), len(per_fold))
        final = (prep, model)

    scores = metrics.mean_over_folds(per_fold)
    for name, value in scores.items():
        metric(name, value)
    progress(0.97, "saving", "writing the model")
    prep, model = final
    os.makedirs(spec["outputDir"], exist_ok=True)
    libraries = {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__, "sklearn": sklearn.__version__}
    if framework == "torch":
        import torch

        libraries["torch"] = torch.__version__
        path = os.path.join(spec["outputDir"], "model.pt")
        torch.save({"format": "mcp-hub/torch-mlp", "preprocessor": prep, "model": model, "classes": classes}, path)
    else:
        path = os.path.join(spec["outputDir"], "model.pkl")
        with open(path, "wb") as out:
            pickle.dump({"format": "mcp-hub/sklearn-pipeline", "pipeline": Pipeline([("prep", prep), ("model", model)]), "classes": classes}, out)
    emit("artifact", path=path, name=os.path.basename(path), contentType="application/octet-stream")
    emit(
        "result",
        metrics=scores,
        classes=classes,
        features=[_feature_info(x, c, numeric) for c in x.columns],
        rows={"total": int(len(x)), "train": int(len(fits[0][0])), "validation": int(sum(len(t) for _, t in folds))},
        libraries=libraries,
        durationMs=int((time.monotonic() - started) * 1000),
    )
    progress(1.0, "done")


# Past this many distinct values a category's list is left out of the result (and of the signature).
MAX_CATEGORIES = 1000


def _feature_info(x, column, numeric):
    if column in numeric:
        return {"name": column, "type": "number"}
    values = sorted({str(v) for v in x[column].dropna().unique()})
    return {"name": column, "type": "category", **({"categories": values} if len(values) <= MAX_CATEGORIES else {})}


def main(argv):
    if len(argv) >= 1 and argv[0] == "serve":
        from .serve import serve

        return serve(int(argv[argv.index("--cache-size") + 1]) if "--cache-size" in argv else 8)
    if len(argv) >= 1 and argv[0] == "drift":
        from .drift import run

        return run()
    if len(argv) >= 1 and argv[0] == "hpo":
        from .hpo import run

        return run()
    if len(argv) >= 1 and argv[0] == "--check":
        return check(argv[1:])
    if len(argv) >= 1 and argv[0] == "--version":
        print(PROTOCOL_VERSION)
        return 0
    try:
        spec = read_spec()
        exit_when_parent_goes()
        if spec.get("mode") == "importance":
            from .importance import run

            run(spec)
        else:
            train(spec)
        return 0
    except DataError as error:
        emit("error", kind="data", message=str(error))
        return EXIT_DATA_ERROR
    except (ValueError, KeyError, TypeError) as error:
        emit("error", kind="data", message=f"{type(error).__name__}: {error}")
        log(traceback.format_exc(), "debug")
        return EXIT_DATA_ERROR
    except Exception as error:  # noqa: BLE001 - every other failure is reported, then the hub decides on a retry
        emit("error", kind="internal", message=f"{type(error).__name__}: {error}")
        log(traceback.format_exc(), "error")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
