"""One worker process of a study: claim a trial under the study's lock, run it, tell the result, repeat.

Any number of workers (on one machine with a journal file, on many with PostgreSQL) may run the same study.
Each one registers itself (index = order of arrival, sampler seed = base seed + index, both stored as study
user attributes), then loops:

1. under the lock: fail stale trials (heartbeat on RDB storages; a dead local process on journal/SQLite) and
   re-queue them; stop if the study's counted trials reached ``n_trials``; ``study.ask()`` (which runs a
   WAITING trial first: the paper's default configuration, re-queued trials) and record this process on it;
2. without the lock: run the objective (with Optuna's heartbeat thread on RDB storages) and ``study.tell``.

When the remaining budget is held only by trials RUNNING in other workers, a worker waits (polling every
``poll_interval`` seconds) instead of leaving: if one of those workers dies, its trial is failed, re-queued
and run here, so the study still ends with exactly ``n_trials`` finished trials.

Because claiming happens under the lock, workers started at the same moment never overshoot ``n_trials``.
"""

from __future__ import annotations

import datetime as _dt
import math
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from ._builder import GENERATION_TIME_LIMIT
from ._counts import TrialCounts, count_trials, requeued_numbers
from ._errors import TrialFailed
from ._handle import StudyHandle
from ._objective import FAIL_ATTR, METRICS_ATTR, ProxyObjective
from ._process import ProcessIdentity
from ._storage import HeartbeatOptions

WORKER_ATTR = "codesearch.worker"  # trial user attribute: which worker runs it
WORKER_PREFIX = "codesearch.worker."  # study user attributes codesearch.worker.<index>: one per worker


class StopRequested(KeyboardInterrupt):
    """Raised by the worker itself (never from a signal handler) once :meth:`Worker.request_stop` was called.

    ``requeued`` is the number of the trial that was failed and re-queued, or None when the worker stopped
    between trials."""

    def __init__(self, requeued: int | None = None):
        super().__init__(requeued)
        self.requeued = requeued


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class WorkerOptions:
    n_trials: int | None = None  # stop once the study counts this many trials (None: no limit)
    timeout: float | None = None  # start no new trial after this many seconds (None: no limit)
    seed: int = 0  # base seed: this worker's sampler seed is seed + worker index
    device: str = "cpu"  # torch device of the proxy runs
    data_root: str | None = None  # data folder for cifar/imagefolder datasets on this machine
    generation_time_limit: float = GENERATION_TIME_LIMIT  # soft cap (s) for generating one code
    heartbeat: HeartbeatOptions = field(
        default_factory=HeartbeatOptions
    )  # RDB heartbeat interval, grace period, max re-queues
    poll_interval: float = 1.0  # seconds between checks while the last trials run in other workers


@dataclass(frozen=True)
class TrialOutcome:
    """How one trial that a worker ran ended (the ``finish`` event's payload is its ``to_json()``)."""

    number: int
    state: str  # Optuna TrialState name: COMPLETE, PRUNED or FAIL
    values: list[float] | None  # the objective value(s) of a COMPLETE trial
    reason: str | None  # why it was pruned or failed

    def to_json(self) -> dict:
        return {"number": self.number, "state": self.state, "values": self.values, "reason": self.reason}


@dataclass
class WorkerReport:
    index: int  # worker index in the study
    seed: int  # sampler seed used
    trials: list[TrialOutcome] = field(default_factory=list)  # per trial this worker ran
    requeued_stale: list[int] = field(default_factory=list)  # stale trials this worker failed and re-queued
    counts: TrialCounts | None = None  # the study's counts when the worker stopped
    stopped_by: str = ""  # "n_trials", "timeout", "interrupted"


def make_sampler(definition, seed: int):
    import optuna

    # constant_liar: running trials of other workers count as bad guesses, so workers spread out
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=5, constant_liar=True)


def make_pruner(definition):
    import optuna

    if not definition.prunable:
        return optuna.pruners.NopPruner()
    if definition.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=definition.epochs, reduction_factor=3
        )
    return optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=0, interval_steps=1)


def registered_workers(study) -> list[dict]:
    attrs = study.user_attrs
    out = [v for k, v in attrs.items() if k.startswith(WORKER_PREFIX) and isinstance(v, dict)]
    return sorted(out, key=lambda w: w.get("index", 0))


class Worker:
    """Runs trials of one study until ``n_trials``/``timeout`` (see the module docstring)."""

    def __init__(
        self,
        handle: StudyHandle,
        options: WorkerOptions,
        *,
        train_fn: Callable | None = None,
        on_event: Callable[[str, dict], None] | None = None,
    ):
        self.handle = handle
        self.options = options
        self.train_fn = train_fn
        self.on_event = on_event or (lambda event, info: None)
        self.identity = ProcessIdentity.current()
        self.index: int | None = None
        self.seed: int | None = None
        self._stop = threading.Event()

    # -- stopping --------------------------------------------------------------------------------------------
    def request_stop(self) -> None:
        """Ask the worker to stop at its next safe point (safe to call from a signal handler: it only sets a
        flag). The running trial stops after its current epoch and is failed and re-queued; between trials the
        worker stops before claiming the next one. :meth:`run` then raises :class:`StopRequested`."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise StopRequested()

    # -- registration --------------------------------------------------------------------------------------
    def register(self) -> tuple[int, int]:
        """Take the next worker index under the lock and record it; returns ``(index, sampler seed)``."""
        study = self.handle.study
        with self.handle.lock:
            index = len(registered_workers(study))
            seed = self.options.seed + index
            study.set_user_attr(
                f"{WORKER_PREFIX}{index}",
                {
                    "index": index,
                    "seed": seed,
                    "base_seed": self.options.seed,
                    **self.identity.to_dict(),
                    "device": self.options.device,
                    "started": _now(),
                    "ended": None,
                },
            )
        self.index, self.seed = index, seed
        study.sampler = make_sampler(self.handle.definition, seed)
        study.pruner = make_pruner(self.handle.definition)
        return index, seed

    def _mark_ended(self, stopped_by: str) -> None:
        key = f"{WORKER_PREFIX}{self.index}"
        record = dict(self.handle.study.user_attrs.get(key, {}))
        record.update(ended=_now(), stopped_by=stopped_by)
        self.handle.study.set_user_attr(key, record)

    # -- stale trials --------------------------------------------------------------------------------------
    def _requeue(self, trial) -> None:
        import optuna

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            callback = optuna.storages.RetryHeartbeatStaleTrialCallback(
                max_retry=self.options.heartbeat.max_retry
            )
            callback(self.handle.study, trial)

    def recover_stale(self) -> list[int]:
        """Fail and re-queue trials whose worker is gone. Call under the lock. Returns their numbers."""
        import optuna
        from optuna.trial import TrialState

        study = self.handle.study
        before = {t.number for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optuna.storages.fail_stale_trials(study)  # RDB heartbeats (no-op for journal storages)
        recovered = [
            t.number
            for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
            if t.number not in before
        ]
        heartbeat = self.handle.spec.kind == "postgres"
        for t in study.get_trials(deepcopy=True, states=(TrialState.RUNNING,)):
            owner = ProcessIdentity.from_dict(t.user_attrs.get(WORKER_ATTR))
            if owner is None:
                # Claimed trials get their owner inside the lock, so an owner-less RUNNING trial was
                # abandoned by a worker that died while holding it.
                reason = "worker died while claiming the trial"
            elif heartbeat or owner.is_alive() is not False:
                continue
            else:
                reason = f"worker process {owner.pid} on {owner.host} died during the trial"
            storage = study._storage
            trial_id = t._trial_id
            storage.set_trial_user_attr(trial_id, FAIL_ATTR, reason)
            try:
                if not storage.set_trial_state_values(trial_id, TrialState.FAIL):
                    continue
            except optuna.exceptions.UpdateFinishedTrialError:
                continue
            self._requeue(storage.get_trial(trial_id))
            recovered.append(t.number)
        return recovered

    # -- the loop --------------------------------------------------------------------------------------------
    def _claim(self, report: WorkerReport):
        """Under the lock: recover stale trials, check the budget, ask for a trial.

        Returns ``(trial, counts)``; trial is None when the budget is used up, or "wait" when it is used up
        only counting RUNNING trials of other workers (they may still die and be re-queued)."""
        study = self.handle.study
        with self.handle.lock:
            stale = self.recover_stale()
            report.requeued_stale.extend(stale)
            for n in stale:
                self.on_event("requeued", {"number": n})
            counts = count_trials(study.get_trials(deepcopy=False))
            if self.options.n_trials is not None and counts.counted >= self.options.n_trials:
                if counts.finished < self.options.n_trials and counts.running > 0:
                    return "wait", counts
                return None, counts
            with (
                warnings.catch_warnings()
            ):  # Optuna warns that heartbeats are meant for optimize(); we run them
                warnings.filterwarnings("ignore", message="Heartbeat of storage")
                trial = study.ask()
            trial.set_user_attr(WORKER_ATTR, {"index": self.index, **self.identity.to_dict()})
            inherited = trial.user_attrs  # a re-queued trial starts with the failed one's attributes
            for key in (FAIL_ATTR, METRICS_ATTR):
                if inherited.get(key) is not None:
                    trial.set_user_attr(key, None)
            return trial, counts

    def _on_epoch(self, number: int, epoch: int, record: dict) -> None:
        self._check_stop()  # a safe point: between two epochs, outside any storage call
        self.on_event("epoch", {"number": number, "epoch": epoch, **record})

    def run(self, objective: ProxyObjective | None = None) -> WorkerReport:
        """Register (if not yet) and run trials; KeyboardInterrupt re-queues the running trial and propagates.

        After :meth:`request_stop` the worker raises :class:`StopRequested` (a KeyboardInterrupt) at its next
        safe point: before claiming a trial, or after an epoch of the running one (which is re-queued)."""
        from optuna.storages._heartbeat import get_heartbeat_thread
        from optuna.trial import TrialState

        if self.index is None:
            self.register()
        study = self.handle.study
        opts = self.options
        objective = objective or ProxyObjective(
            self.handle.definition,
            device=opts.device,
            data_root=opts.data_root,
            train_fn=self.train_fn,
            generation_time_limit=opts.generation_time_limit,
            on_epoch=self._on_epoch,
        )
        report = WorkerReport(self.index, self.seed)
        t0 = time.monotonic()
        try:
            while True:
                if self._stop.is_set():
                    report.stopped_by = "interrupted"
                    raise StopRequested()
                if opts.timeout is not None and time.monotonic() - t0 >= opts.timeout:
                    report.stopped_by = "timeout"
                    break
                trial, counts = self._claim(report)
                if trial is None:
                    report.stopped_by = "n_trials"
                    break
                if (
                    trial == "wait"
                ):  # the last trials run elsewhere: wait for them (or for their worker to die)
                    self.on_event("wait", {"counts": counts})
                    self._stop.wait(opts.poll_interval)
                    continue
                self.on_event("start", {"number": trial.number, "counts": counts})
                state, values, reason = TrialState.COMPLETE, None, None
                try:
                    with get_heartbeat_thread(trial._trial_id, study._storage):
                        values = objective(trial)
                except KeyboardInterrupt:
                    with self.handle.lock:  # fail + re-queue as one step for the other workers' counting
                        trial.set_user_attr(FAIL_ATTR, "interrupted: the worker was stopped")
                        study.tell(trial, state=TrialState.FAIL)
                        self._requeue(study._storage.get_trial(trial._trial_id))
                    report.trials.append(TrialOutcome(trial.number, "FAIL", None, "interrupted (re-queued)"))
                    report.stopped_by = "interrupted"
                    raise StopRequested(trial.number) from None
                except Exception as exc:  # noqa: BLE001 - any failure of one trial is recorded, the study goes on
                    import optuna

                    if isinstance(exc, optuna.TrialPruned):
                        state = TrialState.PRUNED
                        reason = str(exc)
                    else:
                        state = TrialState.FAIL
                        reason = str(exc) if isinstance(exc, TrialFailed) else f"{type(exc).__name__}: {exc}"
                        if not isinstance(exc, TrialFailed):
                            trial.set_user_attr(FAIL_ATTR, reason)
                if state == TrialState.COMPLETE:
                    vals = values if isinstance(values, list) else [values]
                    if not all(isinstance(v, float) and math.isfinite(v) for v in vals):
                        state, reason = TrialState.FAIL, f"objective returned {values!r}"
                        trial.set_user_attr(FAIL_ATTR, reason)
                frozen = study.tell(trial, values if state == TrialState.COMPLETE else None, state=state)
                outcome = TrialOutcome(trial.number, frozen.state.name, frozen.values, reason)
                report.trials.append(outcome)
                self.on_event("finish", outcome.to_json())
        finally:
            if not report.stopped_by:
                report.stopped_by = "error"
            try:
                report.counts = count_trials(study.get_trials(deepcopy=False))
                self._mark_ended(report.stopped_by)
            except Exception:  # noqa: BLE001, S110 - a dead storage connection must not hide the original error
                pass
        return report


__all__ = [
    "StopRequested",
    "Worker",
    "WorkerOptions",
    "WorkerReport",
    "registered_workers",
    "requeued_numbers",
]
