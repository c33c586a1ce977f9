import json

import pytest

from codesearch.train import (
    CHECKPOINT_NAME,
    METRICS_NAME,
    RunResult,
    TrainConfig,
    TrainConfigError,
    TrainingFailed,
    check_succeeded,
    read_metrics,
    run_training,
)

TINY = {
    "dataset": "digits",
    "preset": "proxy-s",
    "epochs": 1,
    "batch_size": 32,
    "subset": 96,
    "eval_batch_size": 64,
}


def _strip_times(m: RunResult) -> dict:
    return {k: v for k, v in m.to_json().items() if k not in ("seconds", "train_seconds", "eval_seconds")}


def test_one_epoch_run_writes_complete_metrics(tmp_path, scheme10):
    m = run_training(TrainConfig(**TINY), scheme10, out_dir=tmp_path / "run")
    on_disk = read_metrics(tmp_path / "run")
    assert isinstance(m, RunResult) and on_disk == RunResult.from_json(json.loads(json.dumps(m.to_json())))
    text = (tmp_path / "run" / METRICS_NAME).read_text()
    assert text == json.dumps(m.to_json(), indent=2) + "\n"
    assert (
        list(json.loads(text))[:2] == ["schema", "status"] and json.loads(text)["schema"] == RunResult.SCHEMA
    )
    assert m.status == "ok" and m.reason is None
    for key in (
        "top1",
        "history",
        "early_decoding",
        "binary",
        "specialization",
        "seconds",
        "device",
        "seed",
        "scheme",
        "config",
        "dataset",
        "model",
    ):
        assert key in m.to_json()
    assert 0 <= m.top1 <= 1 and m.device == "cpu" and m.seed == 0
    assert m.config["epochs"] == 1 and m.scheme["num_classes"] == 10
    (h,) = m.history
    assert set(h) >= {"epoch", "train_loss", "coding_loss", "test_top1"} and h["epoch"] == 1
    blocks = m.model["coded_blocks"]
    assert [b["code"] for b in blocks] == ["5/10", "5/10", "3/10", "3/10"]
    assert len(m.early_decoding) == 4
    for e in m.early_decoding:
        assert 0 <= e["accuracy"] <= 1
        assert len(e["mean_energies"]) == 10 and len(e["mean_energies"][0]) == 10
    b = m.binary
    assert len(b.classes) == 10 and 0 <= b.mean_f1 <= 1 and 0 < b.param_fraction < 1
    for c in b.classes:
        assert set(c) >= {"threshold", "precision", "recall", "f1", "parameters", "fraction"}
        assert 0 < c["fraction"] < 1 and c["parameters"] < m.model["parameters"]
    s = m.specialization
    assert s["stage"] == "c3" and s["index"] == 2  # last block of the middle coded stage
    assert [e["k"] for e in s["active"]] == [1, 2, 3, 4, 5]
    assert [e["k"] for e in s["inactive"]] == [1, 2, 3, 4, 5]
    assert (tmp_path / "run" / CHECKPOINT_NAME).exists()
    assert check_succeeded(m) is m


def test_existing_run_needs_resume_or_overwrite(tmp_path, scheme10):
    cfg = TrainConfig(**{**TINY, "binary": False})
    run_training(cfg, scheme10, out_dir=tmp_path)
    with pytest.raises(FileExistsError):
        run_training(cfg, scheme10, out_dir=tmp_path)
    assert run_training(cfg, scheme10, out_dir=tmp_path, overwrite=True).status == "ok"


def test_resume_equals_uninterrupted_and_same_seed_same_metrics(tmp_path, scheme10):
    cfg = TrainConfig(**{**TINY, "epochs": 2, "binary": False})
    full = run_training(cfg, scheme10, out_dir=tmp_path / "a")

    seen = []

    def stop_after_first(epoch, record):
        seen.append((epoch, record["test_top1"]))
        if epoch == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_training(cfg, scheme10, out_dir=tmp_path / "b", callback=stop_after_first)
    assert seen == [(1, full.history[0]["test_top1"])]
    half = read_metrics(tmp_path / "b")
    assert half.status == "interrupted" and half.epochs_done == 1
    resumed = run_training(cfg, scheme10, out_dir=tmp_path / "b", resume=True)
    assert _strip_times(resumed) == _strip_times(full)

    again = run_training(cfg, scheme10)  # no run folder at all
    assert _strip_times(again) == _strip_times(full)


def test_callback_exception_propagates_after_checkpoint(tmp_path, scheme10):
    class Pruned(Exception):
        pass

    def prune(epoch, record):
        raise Pruned(f"epoch {epoch}")

    with pytest.raises(Pruned):
        run_training(TrainConfig(**{**TINY, "epochs": 2}), scheme10, out_dir=tmp_path, callback=prune)
    m = read_metrics(tmp_path)
    assert m.status == "stopped" and "Pruned" in m.reason and m.epochs_done == 1
    assert (tmp_path / CHECKPOINT_NAME).exists()


def test_resume_with_other_settings_is_refused(tmp_path, scheme10):
    run_training(TrainConfig(**{**TINY, "binary": False}), scheme10, out_dir=tmp_path)
    with pytest.raises(TrainConfigError, match="lr"):
        run_training(
            TrainConfig(**{**TINY, "binary": False, "lr": 0.05}), scheme10, out_dir=tmp_path, resume=True
        )


@pytest.mark.parametrize("bad", [{"lr": 1e30}, {"mu": 1e300}])
def test_non_finite_loss_fails_cleanly(tmp_path, scheme10, bad):
    m = run_training(TrainConfig(**{**TINY, **bad, "epochs": 2}), scheme10, out_dir=tmp_path)
    assert m.status == "failed" and "non-finite loss" in m.reason
    assert read_metrics(tmp_path).status == "failed"
    assert m.top1 is None
    with pytest.raises(TrainingFailed, match="non-finite"):
        check_succeeded(m)
    json.loads((tmp_path / METRICS_NAME).read_text())  # strict JSON, no NaN


def test_control_run_has_no_coded_measurements(scheme10):
    m = run_training(TrainConfig(**{**TINY, "control": True, "binary": False}), scheme10)
    assert m.status == "ok" and m.early_decoding == () and m.specialization is None
    assert m.model["coded_blocks"] == []


def test_bad_inputs_raise_one_sentence(scheme10):
    with pytest.raises(TrainConfigError, match="100"):
        run_training(TrainConfig(**{**TINY, "dataset": "digit-pairs"}), scheme10)
    with pytest.raises(TrainConfigError, match="proxy-s100"):
        run_training(TrainConfig(**{**TINY, "preset": "proxy-s100"}), scheme10)
    with pytest.raises(TrainConfigError, match="Unknown preset"):
        run_training(TrainConfig(**{**TINY, "preset": "nope"}), scheme10)
    with pytest.raises(TrainConfigError, match="Unknown dataset"):
        run_training(TrainConfig(**{**TINY, "dataset": "nope"}), scheme10)
    with pytest.raises(TrainConfigError, match="batch_size"):
        TrainConfig(batch_size=0)
