"""Counting a study's trials the way ``--n-trials`` means them.

A worker asked for T trials keeps the study's *counted* trials at T: COMPLETE + PRUNED + FAIL + RUNNING,
where a FAIL that was re-queued (its worker died or was stopped; the retry carries its number in
``retry_history``) is replaced by its retry and so not counted twice. WAITING trials (the paper's default
configuration enqueued at creation, re-queued trials) are run before any new one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrialCounts:
    complete: int  # COMPLETE trials
    pruned: int  # PRUNED trials
    failed: int  # FAIL trials, re-queued ones included
    requeued: int  # FAIL trials that were re-queued (a retry took their place)
    running: int  # RUNNING trials
    waiting: int  # WAITING trials (enqueued, not started)

    @property
    def finished(self) -> int:
        """COMPLETE + PRUNED + FAIL, a re-queued failure not counted (its retry counts once it finishes)."""
        return self.complete + self.pruned + self.failed - self.requeued

    @property
    def counted(self) -> int:
        """What ``--n-trials`` is compared with: finished + running."""
        return self.finished + self.running

    def to_dict(self) -> dict:
        return {
            "complete": self.complete,
            "pruned": self.pruned,
            "failed": self.failed,
            "requeued": self.requeued,
            "running": self.running,
            "waiting": self.waiting,
            "finished": self.finished,
        }


def requeued_numbers(trials) -> set[int]:
    """Numbers of the trials that some other trial retries."""
    out: set[int] = set()
    for t in trials:
        out.update(int(n) for n in t.system_attrs.get("retry_history", []) or [])
    return out


def count_trials(trials) -> TrialCounts:
    from optuna.trial import TrialState

    by_state = {s: 0 for s in TrialState}
    for t in trials:
        by_state[t.state] += 1
    retried = requeued_numbers(trials)
    requeued = sum(1 for t in trials if t.state == TrialState.FAIL and t.number in retried)
    return TrialCounts(
        by_state[TrialState.COMPLETE],
        by_state[TrialState.PRUNED],
        by_state[TrialState.FAIL],
        requeued,
        by_state[TrialState.RUNNING],
        by_state[TrialState.WAITING],
    )
