import pytest

from codesearch.study import StudyUsageError, resolve_storage
from codesearch.study._counts import count_trials


def test_default_storage_is_a_journal_in_runs():
    spec = resolve_storage(None, "demo")
    assert spec.kind == "journal" and spec.path.endswith("runs/demo/journal.log")


def test_paths_and_urls():
    assert resolve_storage("x/j.log", "s").kind == "journal"
    s = resolve_storage("sqlite:///tmp/a.db", "s")
    assert (s.kind, s.path) == ("sqlite", "tmp/a.db")
    assert resolve_storage("sqlite:///:memory:", "s").path is None
    pg = resolve_storage("postgresql+psycopg://u:secret@h:5432/db", "s")
    assert pg.kind == "postgres" and "secret" not in pg.display() and "u:***@h:5432/db" in pg.display()


@pytest.mark.parametrize(
    "url, needle", [("postgresql://u@h/db", "psycopg"), ("mysql://u@h/db", "Unsupported")]
)
def test_unsupported_urls(url, needle):
    with pytest.raises(StudyUsageError, match=needle):
        resolve_storage(url, "s")


def test_counts_replace_requeued_failures():
    import optuna
    from optuna.trial import TrialState, create_trial

    study = optuna.create_study()
    dist = {"x": optuna.distributions.FloatDistribution(0, 1)}
    study.add_trial(create_trial(state=TrialState.COMPLETE, value=1.0, params={"x": 0.5}, distributions=dist))
    study.add_trial(create_trial(state=TrialState.FAIL))  # trial 1: its worker died, re-queued as trial 2
    study.add_trial(
        create_trial(state=TrialState.WAITING, system_attrs={"failed_trial": 1, "retry_history": [1]})
    )
    study.add_trial(create_trial(state=TrialState.FAIL))  # a real failure: counted
    study.add_trial(create_trial(state=TrialState.PRUNED, value=0.2, intermediate_values={1: 0.2}))
    c = count_trials(study.get_trials())
    assert (c.complete, c.pruned, c.failed, c.requeued, c.running, c.waiting) == (1, 1, 2, 1, 0, 1)
    assert c.finished == 3 and c.counted == 3
