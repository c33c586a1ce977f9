"""run_repeats: seeds trained in lockstep give exactly the runs trained alone, and the per-epoch means."""

import dataclasses

import pytest

from codesearch.train import RunResult, TrainConfig, run_repeats, run_training


def test_lockstep_runs_equal_separate_runs(scheme10):
    config = TrainConfig(
        dataset="digits", preset="proxy-s", epochs=2, subset=120, batch_size=32, binary=False
    )
    means = []
    together = run_repeats(config, scheme10, [0, 1, 2], on_epoch_mean=lambda e, r: means.append((e, r)))
    alone = [run_training(dataclasses.replace(config, seed=s), scheme10) for s in (0, 1, 2)]
    for a, b in zip(together, alone):
        assert a.top1 == b.top1 and a.seed == b.seed
        assert [h["train_loss"] for h in a.history] == [h["train_loss"] for h in b.history]
        assert a.specialization == b.specialization
    assert [e for e, _ in means] == [1, 2] and all(r["runs"] == 3 for _, r in means)
    for e, r in means:
        assert r["test_top1"] == pytest.approx(sum(m.history[e - 1]["test_top1"] for m in alone) / 3)


def test_an_error_in_one_run_stops_the_others(scheme10):
    calls = []

    def train(config, scheme, *, callback=None):
        for e in range(1, 4):
            calls.append((config.seed, e))
            if config.seed == 1 and e == 2:
                raise RuntimeError("boom")
            callback(e, {"test_top1": 0.5})
        return RunResult(status="ok")

    config = TrainConfig(dataset="digits", preset="proxy-s", epochs=3)
    with pytest.raises(RuntimeError, match="boom"):
        run_repeats(config, scheme10, [0, 1, 2], train_fn=train)
    assert (0, 3) not in calls and (2, 3) not in calls

    def failing(config, scheme, *, callback=None):  # seed 1 returns "failed" after epoch 1, the others go on
        for e in range(1, 3):
            callback(e, {"test_top1": 0.1 * config.seed + e})
            if config.seed == 1:
                return RunResult(status="failed")
        return RunResult(status="ok")

    means = []
    out = run_repeats(
        config, scheme10, [0, 1, 2], train_fn=failing, on_epoch_mean=lambda e, r: means.append(r)
    )
    assert [m.status for m in out] == ["ok", "failed", "ok"]
    assert [m["runs"] for m in means] == [3, 2] and means[1]["test_top1"] == pytest.approx(2.1)
