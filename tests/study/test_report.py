"""study status / trial summaries as frozen dataclasses: attributes, to_json with the status schema."""

import dataclasses
import json

import pytest

from codesearch.cli import main
from codesearch.study import (
    FailedTrial,
    StudyStatus,
    TrialSummary,
    Worker,
    WorkerOptions,
    best_trials,
    study_status,
    trial_record,
)

from .conftest import fake_train
from .test_worker import create

STATUS_KEYS = [
    "schema",
    "study",
    "storage",
    "definition",
    "objectives",
    "counts",
    "best",
    "pareto_front",
    "paper_default",
    "running",
    "workers",
    "recent_failures",
    "noise_floor",
    "validation",
]


def test_status_and_trial_summaries_are_typed_and_serialise_as_before(journal, capsys):
    h, _ = create(journal)
    # trial 1 fails like a NaN loss (mu 6 is the paper default of trial 0, which succeeds)
    fails = fake_train(fail_when=lambda c: "non-finite loss" if abs(c.mu - 6.0) > 1e-9 else None)
    Worker(h, WorkerOptions(n_trials=2, seed=3), train_fn=fails).run()
    st = study_status(h)
    assert isinstance(st, StudyStatus) and st.study == "s" and st.counts.complete == 1
    assert st.best.number == 0 and st.best.paper_default and st.paper_default == st.best
    assert st.recent_failures == (FailedTrial(1, "proxy run failed: non-finite loss"),)
    assert st.pareto_front is None and st.running == () and st.validation is None
    assert st.objectives == [("top1", "maximize")]
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.study = "x"
    doc = st.to_json()
    assert list(doc) == STATUS_KEYS and doc["schema"] == StudyStatus.SCHEMA
    assert doc["definition"]["classes"] == 10 and "space" not in doc["definition"]
    assert doc["counts"] == st.counts.to_dict() and doc["objectives"] == [
        {"name": "top1", "direction": "maximize"}
    ]
    assert doc["recent_failures"] == [{"number": 1, "reason": "proxy run failed: non-finite loss"}]
    assert doc["workers"][0]["state"] == "ended (n_trials)"

    best = trial_record(best_trials(h)[0], h.definition)
    assert isinstance(best, TrialSummary) and best.values == {"top1": pytest.approx(0.9)}
    assert best.metrics["param_fraction"] == best.metrics["fraction"] and best.has_scheme
    rec = best.to_json()
    assert list(rec) == [f.name for f in dataclasses.fields(TrialSummary)]
    assert TrialSummary.from_json(json.loads(json.dumps(rec))) == best
    with pytest.raises(ValueError, match="Unknown trial schema"):
        TrialSummary.from_json({**rec, "schema": "other/v1"})
    h.close()

    assert main(["study", "status", "s", "--storage", journal, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["schema"] == StudyStatus.SCHEMA and printed["best"] == rec
    assert main(["study", "best", "s", "--storage", journal, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"study": "s", "best": rec}
