"""`python3 -m mcp_hub_adapter hpo`: Optuna's samplers and pruners for the hub's hyper-parameter search.

The hub drives Optuna with its ask-and-tell interface; studies live in Optuna's RDB storage in the hub's
PostgreSQL (schema `optuna`, URL in MCP_HUB_OPTUNA_STORAGE), so this process keeps no state of its own
and any hub process may run one. Requests arrive one per line on stdin, answers leave one per line:
  {"id": 1, "op": "create", "study": {...}}                     -> {"id": 1, "ok": true, "result": {}}
  {"id": 2, "op": "ask", "study": {...}}                        -> {"id": 2, "ok": true, "result": {"number": 0, "trialId": 1, "params": {...}}}
  {"id": 3, "op": "report", "study": {...}, "trialId": 1, "step": 3, "value": 0.8} -> {..., "result": {"prune": false}}
  {"id": 4, "op": "tell", "study": {...}, "number": 0, "state": "complete", "value": 0.91}
  {"id": 5, "op": "running", "study": {...}}                    -> {..., "result": {"trials": [{"number": 4, "trialId": 5, "params": {...}}]}}
  {"id": 6, "op": "importances", "study": {...}}                -> {..., "result": {"importances": {"learning_rate": 0.8, ...}}}
A study is {"name", "direction", "sampler", "pruner", "seed", "searchSpace"}: samplers and pruners are
not stored by Optuna, so every request names them. A failure answers {"id": n, "ok": false, "error": "..."}.
"""
import json
import os
import platform
import sys
import traceback

from .protocol import write_line as write


def distributions(optuna, space):
    result = {}
    for name, param in space.items():
        if param["type"] == "int":
            result[name] = optuna.distributions.IntDistribution(param["low"], param["high"], log=bool(param.get("log")), step=param.get("step") or 1)
        elif param["type"] == "float":
            result[name] = optuna.distributions.FloatDistribution(param["low"], param["high"], log=bool(param.get("log")), step=param.get("step"))
        else:
            result[name] = optuna.distributions.CategoricalDistribution(param["choices"])
    return result


def grid(space):
    """Every value of each parameter (the hub checked that each one has finitely many)."""
    values = {}
    for name, param in space.items():
        if param["type"] == "categorical":
            values[name] = list(param["choices"])
        elif param["type"] == "int":
            values[name] = list(range(param["low"], param["high"] + 1, param.get("step") or 1))
        else:
            # the same count as the hub's check (a step that does not divide the range stops below high)
            low, high, step = param["low"], param["high"], param["step"]
            count = int((high - low) / step + 1e-9) + 1
            values[name] = [min(high, round(low + i * step, 12)) for i in range(count)]
    return values


def grid_sampler(optuna):
    class HubGridSampler(optuna.samplers.GridSampler):
        """Optuna's grid, without stopping the study when it is used up: outside optimize() that stop
        raises, and the hub ends a grid study itself (its maxTrials is the grid's size)."""

        def after_trial(self, study, trial, state, values):
            pass

    return HubGridSampler


def sampler(optuna, study, trials_so_far):
    # a sampler is rebuilt for every ask: seeding it with the number of trials so far keeps the
    # sequence reproducible without two asks drawing the same values
    seed = study["seed"] + trials_so_far
    kind = study["sampler"]
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind == "grid":
        return grid_sampler(optuna)(grid(study["searchSpace"]), seed=seed)
    return optuna.samplers.TPESampler(seed=seed)


def pruner(optuna, study):
    spec = study.get("pruner")
    if not spec:
        return optuna.pruners.NopPruner()
    if spec["kind"] == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=spec.get("startupTrials", 5), n_warmup_steps=spec.get("warmupSteps", 0))
    return optuna.pruners.SuccessiveHalvingPruner(min_resource=spec.get("minResource", "auto"), reduction_factor=spec.get("reductionFactor", 4))


def load(optuna, storage, study, trials_so_far=0):
    return optuna.load_study(study_name=study["name"], storage=storage, sampler=sampler(optuna, study, trials_so_far), pruner=pruner(optuna, study))


def handle(optuna, storage, request):
    op, study = request["op"], request["study"]
    if op == "create":
        optuna.create_study(study_name=study["name"], storage=storage, direction=study["direction"], load_if_exists=True)
        return {}
    if op == "ask":
        loaded = load(optuna, storage, study)
        loaded.sampler = sampler(optuna, study, len(loaded.get_trials(deepcopy=False)))
        trial = loaded.ask(distributions(optuna, study["searchSpace"]))
        return {"number": trial.number, "trialId": trial._trial_id, "params": trial.params}
    if op == "report":
        trial = optuna.trial.Trial(load(optuna, storage, study), request["trialId"])
        trial.report(float(request["value"]), int(request["step"]))
        return {"prune": bool(trial.should_prune())}
    if op == "tell":
        states = {"complete": optuna.trial.TrialState.COMPLETE, "pruned": optuna.trial.TrialState.PRUNED, "failed": optuna.trial.TrialState.FAIL}
        value = request.get("value")
        load(optuna, storage, study).tell(request["number"], value if request["state"] == "complete" else None, state=states[request["state"]], skip_if_finished=True)
        return {}
    if op == "running":
        trials = load(optuna, storage, study).get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
        return {"trials": [{"number": t.number, "trialId": t._trial_id, "params": t.params} for t in trials]}
    if op == "importances":
        loaded = load(optuna, storage, study)
        if len(loaded.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))) < 2:
            return {"importances": None}
        # Optuna's default evaluator (fANOVA); its seed makes the figures the same on every run
        evaluator = optuna.importance.FanovaImportanceEvaluator(seed=study["seed"])
        return {"importances": {k: float(v) for k, v in optuna.importance.get_param_importances(loaded, evaluator=evaluator).items()}}
    raise ValueError(f"unknown op {op!r}")


def storage_with_retry(optuna):
    url = os.environ["MCP_HUB_OPTUNA_STORAGE"]
    try:
        rdb = optuna.storages.RDBStorage(url, engine_kwargs={"pool_pre_ping": True})
    except Exception:  # noqa: BLE001 - two processes creating Optuna's tables at once: the second one retries
        rdb = optuna.storages.RDBStorage(url, engine_kwargs={"pool_pre_ping": True})
    # Optuna's own cache over the RDB storage, kept for the life of the process (load_study would wrap
    # the storage in a new, empty one every time): finished trials are read once, running ones every time
    return optuna.storages._CachedStorage(rdb)


def run():
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    storage = storage_with_retry(optuna)
    write({"type": "ready", "python": platform.python_version(), "pid": os.getpid(), "modules": {"optuna": True}, "optuna": optuna.__version__})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            write({"id": request["id"], "ok": True, "result": handle(optuna, storage, request)})
        except Exception as error:  # noqa: BLE001 - every failure goes back to the hub with its request id
            traceback.print_exc(file=sys.stderr)
            write({"id": request["id"], "ok": False, "error": f"{type(error).__name__}: {error}"})
    return 0
