"""Scenarios with real worker processes, shared by the journal-file and the PostgreSQL tests."""

from __future__ import annotations

import os
import signal

from codesearch.cli import main
from codesearch.study import PAPER_DEFAULT_ATTR, count_trials, open_study, registered_workers
from codesearch.study._worker import WORKER_ATTR

from .conftest import TINY, spawn, wait_for

FAST_SPACE = '{"methods": ["lexicode", "random"], "seeds": 3}'


def create(tmp_path, name, storage, *extra):
    space = tmp_path / f"{name}-space.json"
    space.write_text(FAST_SPACE)
    assert main(["study", "create", name, "--storage", storage, *TINY, "--space", str(space), *extra]) == 0


def finish(proc, timeout=300):
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def two_workers_at_once(tmp_path, name, storage, n_trials=4):
    """Two workers started at the same moment on a fresh study: no collision, exactly n_trials trials."""
    create(tmp_path, name, storage, "--epochs", "1")
    args = ["study", "run", name, "--storage", storage, "--n-trials", str(n_trials), "--seed", "10"]
    procs = [spawn(*args), spawn(*args)]
    results = [finish(p) for p in procs]
    assert [rc for rc, _ in results] == [0, 0], [err for _, err in results]
    h = open_study(name, storage)
    trials = h.study.get_trials()
    c = count_trials(trials)
    assert (c.finished, c.complete + c.pruned, c.running, c.waiting, c.failed) == (
        n_trials,
        n_trials,
        0,
        0,
        0,
    )
    assert sum(1 for t in trials if t.user_attrs.get(PAPER_DEFAULT_ATTR)) == 1
    workers = [(w["index"], w["seed"]) for w in registered_workers(h.study)]
    assert workers == [(0, 10), (1, 11)]
    assert {t.user_attrs[WORKER_ATTR]["pid"] for t in trials} <= {p.pid for p in procs}
    h.close()


def running_trial_of(handle, pid):
    """Number of the trial that process ``pid`` is training (its scheme is stored: params are complete)."""
    for t in handle.study.get_trials(deepcopy=False):
        w = t.user_attrs.get(WORKER_ATTR) or {}
        if t.state.name == "RUNNING" and w.get("pid") == pid and "scheme" in t.user_attrs:
            return t.number
    return None


def kill_mid_trial(tmp_path, name, storage, *run_extra, n_trials=3):
    """SIGKILL one of two workers during a trial; the other one finishes the study, re-queueing that trial.

    Returns the handle and the killed trial's number."""
    create(tmp_path, name, storage, "--epochs", "3", "--subset", "400")
    args = ["study", "run", name, "--storage", storage, "--n-trials", str(n_trials), *run_extra]
    victim = spawn(*args)
    h = open_study(name, storage)
    killed = wait_for(lambda: running_trial_of(h, victim.pid), timeout=180, interval=0.05)
    survivor = spawn(*args)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    # the study stays readable while the dead worker's trial is still marked RUNNING
    assert h.study.get_trials()[killed].state.name == "RUNNING"
    rc, err = finish(survivor)
    assert rc == 0, err
    trials = h.study.get_trials()
    c = count_trials(trials)
    assert trials[killed].state.name == "FAIL"
    assert (c.finished, c.running, c.requeued) == (n_trials, 0, 1)
    retries = [t for t in trials if t.system_attrs.get("failed_trial") == killed]
    assert (
        len(retries) == 1
        and retries[0].state.name == "COMPLETE"
        and retries[0].params == trials[killed].params
    )
    return h, killed


def stop_and_resume(tmp_path, name, storage, n_trials=3):
    """SIGTERM a worker during its second trial, then resume: nothing finished is lost, the stopped trial reruns."""
    create(tmp_path, name, storage, "--epochs", "3", "--subset", "400")
    args = ["study", "run", name, "--storage", storage, "--n-trials", str(n_trials)]
    w = spawn(*args)
    h = open_study(name, storage)
    stopped = wait_for(
        lambda: count_trials(h.study.get_trials()).complete >= 1 and running_trial_of(h, w.pid),
        timeout=180,
        interval=0.05,
    )
    done_before = [(t.number, t.values, t.params) for t in h.study.get_trials() if t.state.name == "COMPLETE"]
    w.send_signal(signal.SIGTERM)
    rc, err = finish(w)
    assert rc == 130 and "re-queued" in err, err
    trials = h.study.get_trials()
    assert trials[stopped].state.name == "FAIL" and "interrupted" in trials[stopped].user_attrs["fail_reason"]
    assert main(["study", "run", name, "--storage", storage, "--n-trials", str(n_trials)]) == 0
    trials = h.study.get_trials()
    c = count_trials(trials)
    assert (c.complete, c.finished, c.requeued, c.waiting) == (n_trials, n_trials, 1, 0)
    assert [
        (t.number, t.values, t.params) for t in trials if t.number in {n for n, _, _ in done_before}
    ] == done_before
    assert any(t.system_attrs.get("failed_trial") == stopped and t.state.name == "COMPLETE" for t in trials)
    h.close()
