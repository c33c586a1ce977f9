"""Real worker processes on a journal file: concurrency, SIGKILL, stop and resume."""

from ._multi import kill_mid_trial, stop_and_resume, two_workers_at_once


def test_two_workers_started_together_run_exactly_n_trials(tmp_path):
    two_workers_at_once(tmp_path, "pair", str(tmp_path / "j.log"))


def test_killed_worker_leaves_a_readable_study_and_its_trial_is_requeued(tmp_path):
    h, killed = kill_mid_trial(tmp_path, "kill", str(tmp_path / "j.log"))
    reason = h.study.get_trials()[killed].user_attrs["fail_reason"]
    assert "died during the trial" in reason
    h.close()


def test_stop_and_resume_loses_nothing(tmp_path):
    stop_and_resume(tmp_path, "resume", str(tmp_path / "j.log"))
