"""The same reliability scenarios on a real PostgreSQL server (CI sets CODESEARCH_TEST_PG; skipped without)."""

import threading
import time
import uuid

import pytest

from ._multi import kill_mid_trial, stop_and_resume, two_workers_at_once
from .conftest import PG_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="set CODESEARCH_TEST_PG=postgresql+psycopg://... to run"),
]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_concurrent_creates_on_postgres_enqueue_the_default_once():
    from codesearch.codes import get_preset
    from codesearch.study import StudyDefinition, build_space, create_or_check, open_study

    name = unique("create")
    sp = build_space(get_preset("proxy-s"), 10)
    d = StudyDefinition(name, 10, "digits", "proxy-s", "accuracy", 1, "median", sp.to_dict(), {"seed": 0})
    created = []

    def go():
        h, c = create_or_check(d, PG_URL, paper_params=sp.paper_params())
        created.append(c)
        h.close()

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created) == [False, False, True]
    h = open_study(name, PG_URL)
    assert [t.state.name for t in h.study.get_trials()] == ["WAITING"]
    h.close()


def test_two_workers_on_postgres_run_exactly_n_trials(tmp_path):
    two_workers_at_once(tmp_path, unique("pair"), PG_URL)


def test_heartbeat_fails_and_requeues_the_trial_of_a_killed_worker(tmp_path):
    t0 = time.monotonic()
    h, killed = kill_mid_trial(
        tmp_path, unique("kill"), PG_URL, "--heartbeat-interval", "1", "--grace-period", "3"
    )
    trial = h.study.get_trials()[killed]
    # failed by the RDB heartbeat (no codesearch reason: the process check is for journal files only)
    assert "fail_reason" not in trial.user_attrs
    assert time.monotonic() - t0 > 3
    h.close()


def test_stop_and_resume_on_postgres(tmp_path):
    stop_and_resume(tmp_path, unique("resume"), PG_URL)
