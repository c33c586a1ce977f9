"""Read-only views of a study: status, best trials (or the Pareto front), one trial as a summary.

:class:`TrialSummary` (one trial) and :class:`StudyStatus` (``study status``) are frozen; ``to_json()`` is
what ``--json`` prints. The trial's proxy metrics (``metrics``), its parameters and the workers' records stay
JSON-ready dicts: they are the Optuna user attributes as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._counts import TrialCounts, count_trials
from ._handle import PAPER_DEFAULT_ATTR, StudyHandle
from ._objective import FAIL_ATTR, METRICS_ATTR, SCHEME_ATTR
from ._process import ProcessIdentity
from ._worker import WORKER_ATTR, registered_workers

TRIAL_SCHEMA = "codesearch.study-trial/v1"
STATUS_SCHEMA = "codesearch.study-status/v1"


@dataclass(frozen=True)
class TrialSummary:
    """One trial as ``study status``, ``study best`` and the exported provenance show it."""

    number: int
    state: str  # Optuna TrialState name: COMPLETE, PRUNED, FAIL, RUNNING, WAITING
    values: dict | None  # objective name -> value (None: no value reported)
    params: dict  # the sampled parameters
    metrics: dict | None  # the proxy metrics stored with the trial (ProxyObjective.summarize / combine)
    paper_default: bool  # the paper's default configuration (or a retry of it)
    fail_reason: str | None
    retry_of: int | None  # number of the failed trial this one retries
    worker: int | None  # index of the worker that ran it
    has_scheme: bool  # whether the trial stored the scheme it trained with
    seconds: float | None  # duration (None while running)

    SCHEMA = TRIAL_SCHEMA

    def to_json(self) -> dict:
        """The JSON record (embedded in other documents, so without a schema key)."""
        return {
            "number": self.number,
            "state": self.state,
            "values": self.values,
            "params": self.params,
            "metrics": self.metrics,
            "paper_default": self.paper_default,
            "fail_reason": self.fail_reason,
            "retry_of": self.retry_of,
            "worker": self.worker,
            "has_scheme": self.has_scheme,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, d: Mapping) -> TrialSummary:
        schema = d.get("schema")
        if schema is not None and schema != TRIAL_SCHEMA:
            raise ValueError(f"Unknown trial schema {schema!r}; this version reads {TRIAL_SCHEMA!r}.")
        return cls(
            number=int(d["number"]),
            state=str(d["state"]),
            values=d.get("values"),
            params=dict(d.get("params") or {}),
            metrics=d.get("metrics"),
            paper_default=bool(d.get("paper_default", False)),
            fail_reason=d.get("fail_reason"),
            retry_of=d.get("retry_of"),
            worker=d.get("worker"),
            has_scheme=bool(d.get("has_scheme", False)),
            seconds=d.get("seconds"),
        )


def trial_record(trial, definition) -> TrialSummary:
    """The :class:`TrialSummary` of one Optuna trial of a study defined by ``definition``."""
    values = None
    if trial.values is not None:
        values = dict(zip(definition.value_names, trial.values))
    return TrialSummary(
        number=trial.number,
        state=trial.state.name,
        values=values,
        params=dict(trial.params),
        metrics=trial.user_attrs.get(METRICS_ATTR),
        paper_default=bool(trial.user_attrs.get(PAPER_DEFAULT_ATTR, False)),
        fail_reason=trial.user_attrs.get(FAIL_ATTR),
        retry_of=trial.system_attrs.get("failed_trial"),
        worker=(trial.user_attrs.get(WORKER_ATTR) or {}).get("index"),
        has_scheme=SCHEME_ATTR in trial.user_attrs,
        seconds=trial.duration.total_seconds() if trial.duration is not None else None,
    )


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


@dataclass(frozen=True)
class FailedTrial:
    number: int
    reason: str  # the stored fail reason, or "worker heartbeat stopped"

    def to_json(self) -> dict:
        return {"number": self.number, "reason": self.reason}


@dataclass(frozen=True)
class ValidationSummary:
    """What ``study status`` shows of a stored validation (``study validate``)."""

    seeds: tuple[int, ...]
    trials: tuple[int, ...]  # validated trial numbers, the paper's default first
    statement: str  # the winner's verdict in one sentence
    date: str  # ISO date of the validation

    def to_json(self) -> dict:
        return {
            "seeds": list(self.seeds),
            "trials": list(self.trials),
            "statement": self.statement,
            "date": self.date,
        }


@dataclass(frozen=True)
class StudyStatus:
    """``study status``: the definition, trials by state, best value(s), workers, running trials, the last
    failures, the noise floor and the validation."""

    study: str
    storage: str  # the storage as displayed (password hidden)
    definition: object  # the StudyDefinition
    counts: TrialCounts
    best: TrialSummary | None  # single objective: the best COMPLETE trial
    pareto_front: tuple[TrialSummary, ...] | None  # several objectives: the front
    paper_default: TrialSummary | None
    running: tuple[TrialSummary, ...]
    workers: tuple[dict, ...]  # registered workers (index, seed, host, pid, started, ...) with their "state"
    recent_failures: tuple[FailedTrial, ...]
    noise_floor: dict | None  # see codesearch.study.noise_floor
    validation: ValidationSummary | None

    SCHEMA = STATUS_SCHEMA

    @property
    def objectives(self) -> list[tuple[str, str]]:
        """(name, direction) of each objective value, in order."""
        d = self.definition
        return list(zip(d.value_names, d.directions))

    def to_json(self) -> dict:
        """What ``study status --json`` prints."""
        return {
            "schema": STATUS_SCHEMA,
            "study": self.study,
            "storage": self.storage,
            "definition": {
                k: v for k, v in self.definition.to_dict().items() if k not in ("schema", "space")
            },
            "objectives": [{"name": n, "direction": dr} for n, dr in self.objectives],
            "counts": self.counts.to_dict(),
            "best": None if self.best is None else self.best.to_json(),
            "pareto_front": None if self.pareto_front is None else [t.to_json() for t in self.pareto_front],
            "paper_default": None if self.paper_default is None else self.paper_default.to_json(),
            "running": [t.to_json() for t in self.running],
            "workers": list(self.workers),
            "recent_failures": [f.to_json() for f in self.recent_failures],
            "noise_floor": self.noise_floor,
            "validation": None if self.validation is None else self.validation.to_json(),
        }


def study_status(handle: StudyHandle, *, failures: int = 5) -> StudyStatus:
    """Trials by state, best value(s) so far, workers, running trials and the last failures."""
    from optuna.trial import TrialState

    study = handle.study
    d = handle.definition
    trials = study.get_trials(deepcopy=False)
    best = [trial_record(t, d) for t in best_trials(handle)]
    # the paper default, or its last retry when its first run was re-queued
    paper = [trial_record(t, d) for t in trials if t.user_attrs.get(PAPER_DEFAULT_ATTR)]
    paper = [p for p in paper if p.state == "COMPLETE"] or paper[-1:]
    failed = [t for t in trials if t.state == TrialState.FAIL]
    from ._validate import noise_floor, stored_validation

    validation = stored_validation(handle)
    return StudyStatus(
        study=d.name,
        storage=handle.spec.display(),
        definition=d,
        counts=count_trials(trials),
        best=best[0] if d.single and best else None,
        pareto_front=tuple(best) if not d.single else None,
        paper_default=paper[-1] if paper else None,
        running=tuple(trial_record(t, d) for t in trials if t.state == TrialState.RUNNING),
        workers=tuple({**w, "state": _worker_state(w)} for w in registered_workers(study)),
        recent_failures=tuple(
            FailedTrial(t.number, t.user_attrs.get(FAIL_ATTR) or "worker heartbeat stopped")
            for t in failed[-failures:]
        ),
        noise_floor=noise_floor(handle),
        validation=None
        if validation is None
        else ValidationSummary(
            tuple(validation["seeds"]),
            tuple(validation["trials"]),
            validation["statement"],
            validation["date"],
        ),
    )
