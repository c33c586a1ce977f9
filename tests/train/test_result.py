"""RunResult: metrics.json as a frozen dataclass; files of earlier versions (no schema key) still load."""

import dataclasses
import json

import pytest

from codesearch.train import (
    METRICS_NAME,
    BinaryResult,
    RunResult,
    SchemeMetrics,
    read_metrics,
    scheme_metrics,
)

#: A metrics.json as the loop wrote it before the schema key existed (keys in the loop's order).
OLD = {
    "status": "ok",
    "reason": None,
    "top1": 0.75,
    "epochs_done": 2,
    "history": [{"epoch": 1, "test_top1": 0.5}, {"epoch": 2, "test_top1": 0.75}],
    "early_decoding": [
        {"block": 0, "stage": "c2", "index": 1, "code": "5/10", "accuracy": 0.5, "mean_energies": [[1.0]]},
        {"block": 1, "stage": "c3", "index": 2, "code": "3/10", "accuracy": 0.7, "mean_energies": None},
    ],
    "binary": {
        "classes": [{"class": 0, "precision": 1.0, "recall": 0.5, "f1": 0.66, "fraction": 0.3}],
        "mean_f1": 0.66,
        "mean_precision": 1.0,
        "mean_recall": 0.5,
        "mean_fraction": 0.3,
        "full_parameters": 1000,
    },
    "specialization": {
        "n": 4,
        "w": 2,
        "baseline": 0.75,
        "active": [{"k": 1, "accuracy": 0.6}, {"k": 2, "accuracy": 0.2}],
        "inactive": [{"k": 1, "accuracy": 0.74}, {"k": 2, "accuracy": 0.7}],
    },
    "seconds": 3.5,
    "train_seconds": 3.0,
    "eval_seconds": 0.5,
    "device": "cpu",
    "seed": 0,
    "torch": "2.14.0",
    "config": {"epochs": 2, "lr": 0.1},
    "scheme": {"schema": "codesearch.scheme/v1", "num_classes": 10},
    "dataset": {"name": "digits", "num_classes": 10},
    "model": {"preset": "proxy-s", "parameters": 1000, "coded_blocks": []},
    "world_size": 1,
    "scheme_metrics": {
        "top1": 0.75,
        "early": 0.6,
        "gap": 0.5,
        "f1": 0.66,
        "fraction": 0.3,
        "early.0": 0.5,
        "early.1": 0.7,
    },
}


def test_an_old_file_loads_and_writes_back_with_only_the_schema_added():
    r = RunResult.from_json(OLD)
    assert r.status == "ok" and r.ok and r.top1 == 0.75 and r.epochs_done == 2 and r.seconds == 3.5
    assert r.binary.mean_f1 == 0.66 and r.binary.param_fraction == 0.3 and len(r.binary.classes) == 1
    assert r.scheme_metrics.gap == 0.5 and r.scheme_metrics.get("early.1") == 0.7
    assert r.scheme_metrics.get("early.2") is None and r.scheme_metrics.get("nope") is None
    assert r.history[1]["test_top1"] == 0.75 and r.model["preset"] == "proxy-s"
    doc = r.to_json()
    assert doc == {"schema": RunResult.SCHEMA, **OLD}
    assert list(doc) == ["schema", *OLD]  # the same keys in the same order: the same file bytes
    assert RunResult.from_json(doc) == r


def test_the_stored_figures_match_the_recomputed_ones():
    r = RunResult.from_json(OLD)
    fresh = scheme_metrics(r, per_block=True)
    assert fresh.top1 == 0.75 and fresh.early == pytest.approx(0.6) and fresh.gap == pytest.approx(0.5)
    assert fresh.f1 == 0.66 and fresh.fraction == 0.3 and fresh.early_blocks == (0.5, 0.7)
    assert scheme_metrics(r).early_blocks is None and "early.0" not in scheme_metrics(r).to_json()
    assert dataclasses.replace(r, scheme_metrics=None).figures == scheme_metrics(r)
    assert SchemeMetrics.from_json(fresh.to_json()) == fresh


def test_a_sparse_dict_takes_empty_values_and_keeps_unknown_keys():
    r = RunResult.from_json({"status": "failed", "reason": "non-finite loss", "note": {"x": 1}})
    assert not r.ok and r.top1 is None and r.history == () and r.binary is None and r.seconds is None
    assert r.extra == {"note": {"x": 1}} and r.to_json()["note"] == {"x": 1}
    assert "world_size" not in r.to_json() and "scheme_metrics" not in r.to_json()
    assert BinaryResult.from_json({"mean_f1": 0.5}).to_json() == {"mean_f1": 0.5}


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ({**OLD, "schema": "codesearch.train-metrics/v9"}, "Unknown metrics schema"),
        ({"top1": 0.5}, "status"),
        ({"status": 3}, "status"),
        ({"status": "ok", "top1": "high"}, "top1 must be a number"),
        ({"status": "ok", "early_decoding": 5}, "early_decoding must be a list"),
        ({"status": "ok", "binary": [1]}, "binary must be a JSON object"),
        ({"status": "ok", "history": [1, 2]}, "history must be a list of JSON objects"),
        ({"status": "ok", "epochs_done": True}, "epochs_done must be a whole number"),
    ],
)
def test_bad_documents_are_one_clear_value_error(doc, match):
    with pytest.raises(ValueError, match=match):
        RunResult.from_json(doc)


def test_read_metrics_names_the_file(tmp_path):
    (tmp_path / METRICS_NAME).write_text(json.dumps(OLD))
    assert read_metrics(tmp_path) == RunResult.from_json(OLD)
    (tmp_path / METRICS_NAME).write_text(json.dumps({**OLD, "schema": "other/v1"}))
    with pytest.raises(ValueError, match=r"metrics.json is not a metrics file: Unknown metrics schema"):
        read_metrics(tmp_path)


def test_frozen_and_compact():
    r = RunResult.from_json(OLD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.top1 = 1.0
    c = r.compact()
    assert c.history == () and c.config is None and c.model is None and c.binary.classes is None
    assert all("mean_energies" not in row for row in c.early_decoding)
    assert "mean_energies" in r.early_decoding[0]  # the original is untouched
    assert scheme_metrics(c, per_block=True) == scheme_metrics(r, per_block=True)
