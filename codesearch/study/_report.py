"""Read-only views of a study: status, best trials (or the Pareto front), one trial as a record."""

from __future__ import annotations

from ._counts import count_trials
from ._handle import PAPER_DEFAULT_ATTR, StudyHandle
from ._objective import FAIL_ATTR, METRICS_ATTR, SCHEME_ATTR
from ._process import ProcessIdentity
from ._worker import WORKER_ATTR, registered_workers


def trial_record(trial, definition) -> dict:
    """JSON-ready summary of one trial."""
    values = None
    if trial.values is not None:
        values = dict(zip(definition.value_names, trial.values))
    return {
        "number": trial.number,
        "state": trial.state.name,
        "values": values,
        "params": dict(trial.params),
        "metrics": trial.user_attrs.get(METRICS_ATTR),
        "paper_default": bool(trial.user_attrs.get(PAPER_DEFAULT_ATTR, False)),
        "fail_reason": trial.user_attrs.get(FAIL_ATTR),
        "retry_of": trial.system_attrs.get("failed_trial"),
        "worker": (trial.user_attrs.get(WORKER_ATTR) or {}).get("index"),
        "has_scheme": SCHEME_ATTR in trial.user_attrs,
        "seconds": trial.duration.total_seconds() if trial.duration is not None else None,
    }


def _sort_key(definition):
    sign = -1.0 if definition.directions[0] == "maximize" else 1.0
    return lambda t: (sign * t.values[0], t.number)


def best_trials(handle: StudyHandle) -> list:
    """Single objective: the COMPLETE trials by value, best first. Several objectives: the Pareto front, by
    the first objective (best first) then number."""
    from optuna.trial import TrialState

    study = handle.study
    if handle.definition.single:
        done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        return sorted(done, key=_sort_key(handle.definition))
    return sorted(study.best_trials, key=_sort_key(handle.definition))


def _worker_state(record: dict) -> str:
    if record.get("ended"):
        return f"ended ({record.get('stopped_by', '?')})"
    alive = ProcessIdentity.from_dict(record)
    state = alive.is_alive() if alive is not None else None
    return {True: "running", False: "dead", None: "running (other host)"}[state]


def study_status(handle: StudyHandle, *, failures: int = 5) -> dict:
    """Trials by state, best value(s) so far, workers, running trials and the last failures."""
    from optuna.trial import TrialState

    study = handle.study
    d = handle.definition
    trials = study.get_trials(deepcopy=False)
    counts = count_trials(trials)
    best = [trial_record(t, d) for t in best_trials(handle)]
    # the paper default, or its last retry when its first run was re-queued
    paper = [trial_record(t, d) for t in trials if t.user_attrs.get(PAPER_DEFAULT_ATTR)]
    paper = [p for p in paper if p["state"] == "COMPLETE"] or paper[-1:]
    workers = [{**w, "state": _worker_state(w)} for w in registered_workers(study)]
    failed = [t for t in trials if t.state == TrialState.FAIL]
    from ._validate import noise_floor, stored_validation

    validation = stored_validation(handle)
    return {
        "study": d.name,
        "storage": handle.spec.display(),
        "definition": {k: v for k, v in d.to_dict().items() if k not in ("schema", "space")},
        "objectives": [{"name": n, "direction": dr} for n, dr in zip(d.value_names, d.directions)],
        "counts": counts.to_dict(),
        "best": best[0] if d.single and best else None,
        "pareto_front": best if not d.single else None,
        "paper_default": paper[-1] if paper else None,
        "running": [trial_record(t, d) for t in trials if t.state == TrialState.RUNNING],
        "workers": workers,
        "recent_failures": [
            {"number": t.number, "reason": t.user_attrs.get(FAIL_ATTR) or "worker heartbeat stopped"}
            for t in failed[-failures:]
        ],
        "noise_floor": noise_floor(handle),
        "validation": None
        if validation is None
        else {
            "seeds": validation["seeds"],
            "trials": validation["trials"],
            "statement": validation["statement"],
            "date": validation["date"],
        },
    }
