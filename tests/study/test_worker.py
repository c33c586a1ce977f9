"""In-process study tests with a stand-in trainer (fast): definition records, the worker loop, reliability."""

import subprocess
import sys
import threading

import pytest

from codesearch.codes import get_preset
from codesearch.schemefile import read_scheme
from codesearch.study import (
    FAIL_ATTR,
    PAPER_DEFAULT_ATTR,
    SCHEME_ATTR,
    StudyDefinition,
    StudyUsageError,
    TrialOutcome,
    Worker,
    WorkerOptions,
    best_trials,
    build_space,
    count_trials,
    create_or_check,
    export_schemes,
    open_study,
    registered_workers,
    study_status,
    trial_record,
    write_study_plots,
)
from codesearch.study._worker import WORKER_ATTR
from codesearch.train import RunResult

from .conftest import fake_train

#: fast generators only (the annealer costs ~1 s a code); 1 epoch unless a test needs pruning
FAST = {"methods": ["lexicode", "random"]}


def definition(name="s", objective="accuracy", epochs=1, space=None, pruner="median"):
    sp = build_space(get_preset("proxy-s"), 10, space if space is not None else FAST)
    return StudyDefinition(
        name,
        10,
        "digits",
        "proxy-s",
        objective,
        epochs,
        pruner if objective == "accuracy" else None,
        sp.to_dict(),
        {"seed": 0},
    ), sp


def create(storage, **kw):
    d, sp = definition(**kw)
    handle, created = create_or_check(d, storage, paper_params=sp.paper_params())
    return handle, created


def states(handle):
    return [t.state.name for t in handle.study.get_trials()]


def test_create_is_idempotent_and_refuses_other_settings(journal):
    h, created = create(journal)
    assert created
    h2, created2 = create(journal)
    assert not created2 and h2.definition == h.definition
    assert states(h2) == ["WAITING"]  # the paper default was enqueued once
    with pytest.raises(StudyUsageError, match=r"epochs 1 \(stored\) vs 3 \(given\)"):
        create(journal, epochs=3)
    with pytest.raises(StudyUsageError, match="objective"):
        create(journal, objective="pareto")


def test_concurrent_creates_enqueue_the_paper_default_once(journal):
    results, errors = [], []

    def go():
        try:
            h, created = create(journal)
            results.append(created)
            h.close()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(results) == [False, False, False, True]
    h = open_study("s", journal)
    waiting = h.study.get_trials()
    assert len(waiting) == 1 and waiting[0].user_attrs[PAPER_DEFAULT_ATTR]


def test_worker_runs_exactly_n_trials_paper_default_first(journal):
    h, _ = create(journal)
    rep = Worker(h, WorkerOptions(n_trials=5, seed=7), train_fn=fake_train()).run()
    c = count_trials(h.study.get_trials())
    assert (c.complete, c.counted, c.waiting) == (5, 5, 0)
    first = h.study.trials[0]
    _, sp = definition()
    assert first.params == sp.paper_params() and first.user_attrs[PAPER_DEFAULT_ATTR]
    assert (
        [w["seed"] for w in registered_workers(h.study)] == [7]
        and rep.seed == 7
        and rep.stopped_by == "n_trials"
    )
    assert [t.number for t in rep.trials] == [0, 1, 2, 3, 4] and {t.state for t in rep.trials} == {"COMPLETE"}
    assert rep.trials[0] == TrialOutcome(0, "COMPLETE", [first.value], None)
    # a second worker with the same target finds nothing to do; a larger target continues the study
    rep2 = Worker(h, WorkerOptions(n_trials=5, seed=7), train_fn=fake_train()).run()
    assert rep2.trials == [] and rep2.index == 1 and rep2.seed == 8
    Worker(h, WorkerOptions(n_trials=7), train_fn=fake_train()).run()
    assert count_trials(h.study.get_trials()).complete == 7
    # every trial carries the scheme it trained with
    assert all(SCHEME_ATTR in t.user_attrs for t in h.study.trials)


def test_failed_trials_are_recorded_with_reason_and_the_study_goes_on(journal):
    h, _ = create(journal)
    calls = {"n": 0}

    def flaky(config, scheme, *, callback=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        if calls["n"] == 3:
            return RunResult(status="failed", reason="non-finite loss (nan) at epoch 1")
        return fake_train()(config, scheme, callback=callback)

    Worker(h, WorkerOptions(n_trials=5), train_fn=flaky).run()
    trials = h.study.get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE", "FAIL", "FAIL", "COMPLETE", "COMPLETE"]
    assert trials[1].user_attrs[FAIL_ATTR] == "proxy run error: RuntimeError: boom"
    assert "non-finite loss" in trials[2].user_attrs[FAIL_ATTR]
    assert [f.number for f in study_status(h).recent_failures] == [1, 2]


def test_pruning_stops_weak_trials_early(journal):
    h, _ = create(journal, epochs=4)
    seen = []

    def top1(config, scheme):  # the learning rate decides: far from 0.1 is bad
        return max(0.05, 0.95 - 2 * abs(config.lr - 0.1))

    Worker(
        h,
        WorkerOptions(n_trials=14, seed=1),
        train_fn=fake_train(top1, epochs_hook=lambda e, r: seen.append(e)),
    ).run()
    c = count_trials(h.study.get_trials())
    assert c.pruned >= 1 and c.counted == 14
    pruned = [t for t in h.study.get_trials() if t.state.name == "PRUNED"]
    assert all(max(t.intermediate_values) < 4 for t in pruned)  # stopped before the last epoch
    assert len(seen) < 14 * 4


def test_interrupted_trial_is_requeued_and_resume_loses_nothing(journal):
    h, _ = create(journal)
    calls = {"n": 0}

    def interrupt_third(config, scheme, *, callback=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return fake_train()(config, scheme, callback=callback)

    with pytest.raises(KeyboardInterrupt):
        Worker(h, WorkerOptions(n_trials=5), train_fn=interrupt_third).run()
    trials = h.study.get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE", "FAIL", "WAITING"]
    assert "interrupted" in trials[2].user_attrs[FAIL_ATTR] and trials[3].params == trials[2].params
    kept = [(t.number, t.values, t.params) for t in trials[:2]]
    Worker(h, WorkerOptions(n_trials=5), train_fn=fake_train()).run()
    trials = h.study.get_trials()
    c = count_trials(trials)
    assert (c.complete, c.counted, c.requeued, c.waiting) == (5, 5, 1, 0)
    assert [(t.number, t.values, t.params) for t in trials[:2]] == kept
    assert trials[3].state.name == "COMPLETE" and trials[3].system_attrs["failed_trial"] == 2
    assert trials[3].user_attrs[FAIL_ATTR] is None  # not inherited from the interrupted run


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_trials_of_dead_local_workers_are_failed_and_requeued(journal):
    import socket

    h, _ = create(journal)
    orphan = h.study.ask()  # the paper default, claimed by a "worker" that died mid-trial
    orphan.set_user_attr(
        WORKER_ATTR, {"index": 9, "host": socket.gethostname(), "pid": _dead_pid(), "start": 1}
    )
    claimless = h.study.ask()  # claimed by a worker that died before recording itself
    rep = Worker(h, WorkerOptions(n_trials=3), train_fn=fake_train()).run()
    assert sorted(rep.requeued_stale) == [0, 1]
    trials = h.study.get_trials()
    assert "died during the trial" in trials[0].user_attrs[FAIL_ATTR]
    assert "died while claiming" in trials[1].user_attrs[FAIL_ATTR]
    assert trials[0].user_attrs[PAPER_DEFAULT_ATTR] and claimless.number == 1
    paper = study_status(h).paper_default  # the completed retry of the paper default
    assert paper.state == "COMPLETE" and paper.retry_of == 0 and paper.fail_reason is None
    c = count_trials(trials)
    assert (c.complete, c.requeued, c.counted) == (3, 2, 3)
    retried = {t.system_attrs.get("failed_trial") for t in trials if t.state.name == "COMPLETE"}
    assert {0, 1} <= retried


def test_live_local_workers_are_left_alone(journal):
    import os
    import socket

    from codesearch.study import ProcessIdentity

    h, _ = create(journal)
    t = h.study.ask()
    t.set_user_attr(WORKER_ATTR, {"index": 9, **ProcessIdentity.current().to_dict()})
    assert (
        socket.gethostname() == ProcessIdentity.current().host
        and os.getpid() == ProcessIdentity.current().pid
    )
    events = []
    opts = WorkerOptions(n_trials=3, timeout=1.5, poll_interval=0.1)
    rep = Worker(h, opts, train_fn=fake_train(), on_event=lambda k, i: events.append(k)).run()
    assert rep.requeued_stale == [] and len(rep.trials) == 2
    assert h.study.get_trials()[0].state.name == "RUNNING"
    # the budget is full only because of that running trial: the worker waited for it until its timeout
    assert "wait" in events and rep.stopped_by == "timeout"


def test_export_writes_exactly_the_trained_scheme_with_provenance(journal, tmp_path):
    h, _ = create(journal)
    Worker(h, WorkerOptions(n_trials=4), train_fn=fake_train()).run()
    out = tmp_path / "best"
    paths = export_schemes(h, out, top=2)
    best = best_trials(h)[:2]
    assert [p.name for p in paths] == [f"s-trial{t.number:04d}.json" for t in best]
    for path, trial in zip(paths, best):
        scheme = read_scheme(path)
        stored = trial.user_attrs[SCHEME_ATTR]
        assert [c.code.codewords for c in scheme.codes] == [c["codewords"] for c in stored["codes"]]
        assert [c.method for c in scheme.codes] == [c["generator"]["method"] for c in stored["codes"]]
        assert list(scheme.blocks) == stored["blocks"] and scheme.preset == "proxy-s"
        prov = scheme.provenance
        assert prov["study"] == "s" and prov["trial"] == trial.number
        assert prov["proxy_metrics"]["top1"] == trial.values[0] and prov["params"] == trial.params
    before = paths[0].read_bytes()
    with pytest.raises(FileExistsError):
        export_schemes(h, out, top=2)
    assert paths[0].read_bytes() == before
    export_schemes(h, out, top=2, force=True)
    assert paths[0].read_bytes() == before  # deterministic bytes


def test_pareto_study_front_export_and_plots(journal, tmp_path):
    h, _ = create(journal, objective="pareto")
    assert h.definition.pruner is None and h.study.directions[2].name == "MINIMIZE"
    Worker(h, WorkerOptions(n_trials=6), train_fn=fake_train()).run()
    front = best_trials(h)
    assert front and all(len(t.values) == 3 for t in front)
    st = study_status(h)
    assert st.best is None and len(st.pareto_front) == len(front)
    assert st.to_json()["pareto_front"] == [trial_record(t, h.definition).to_json() for t in front]
    paths, _ = write_study_plots(h, tmp_path / "plots")
    names = sorted(p.name for p in paths)
    assert "pareto-front.png" in names and "history-top1.png" in names
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)


def test_accuracy_plots_and_sqlite_storage(tmp_path):
    url = f"sqlite:///{tmp_path / 'st.db'}"
    h, _ = create(url)
    Worker(h, WorkerOptions(n_trials=4), train_fn=fake_train()).run()
    h2 = open_study("s", url)
    assert count_trials(h2.study.get_trials()).complete == 4
    paths, notes = write_study_plots(h2, tmp_path / "plots")
    assert sorted(p.name for p in paths) == ["history.png", "param-importances.png"], notes


def test_open_missing_study_is_a_clear_error(journal, tmp_path):
    from codesearch.study import StudyError

    with pytest.raises(StudyError, match="No study"):
        open_study("nope", str(tmp_path / "missing.log"))
    create(journal)
    with pytest.raises(StudyError, match="No study 'other'"):
        open_study("other", journal)


def test_request_stop_mid_trial_requeues_it_at_the_next_epoch(journal):
    """Issue 12 item 6: a stop request only sets a flag; the worker acts on it after the current epoch."""
    from codesearch.study import StopRequested

    h, _ = create(journal)
    holder = {}
    epochs = []

    def hook(e, rec):
        epochs.append(e)
        if len(epochs) == 2:  # "SIGTERM" lands during the second trial's first epoch
            holder["w"].request_stop()

    w = holder["w"] = Worker(h, WorkerOptions(n_trials=5), train_fn=fake_train(epochs_hook=hook))
    with pytest.raises(StopRequested) as info:
        w.run()
    assert info.value.requeued == 1
    trials = h.study.get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE", "FAIL", "WAITING"]
    assert "interrupted" in trials[1].user_attrs[FAIL_ATTR]
    assert registered_workers(h.study)[0]["stopped_by"] == "interrupted"


def test_request_stop_between_trials_claims_nothing_more(journal):
    from codesearch.study import StopRequested

    h, _ = create(journal)
    w = Worker(h, WorkerOptions(n_trials=5), train_fn=fake_train())
    w.request_stop()
    with pytest.raises(StopRequested) as info:
        w.run()
    assert info.value.requeued is None
    assert count_trials(h.study.get_trials()).complete == 0
