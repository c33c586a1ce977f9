"""train --compile: the compiled training step gives the eager results (checked on CPU with the aot_eager
backend, which traces and differentiates the graph like inductor but generates no code, so the test is quick)."""

import pytest

from codesearch.cli import main
from codesearch.schemefile import read_scheme
from codesearch.train import TrainConfig, TrainConfigError, run_training


@pytest.fixture(scope="module")
def scheme(tmp_path_factory):
    path = tmp_path_factory.mktemp("compile") / "s.json"
    assert main(["generate", "--preset", "proxy-s", "--out", str(path)]) == 0
    return read_scheme(path)


def test_compiled_training_matches_eager(scheme):
    base = {
        "preset": "proxy-s",
        "dataset": "digits",
        "epochs": 1,
        "subset": 96,
        "batch_size": 32,
        "binary": False,
    }
    eager = run_training(TrainConfig(**base), scheme)
    compiled = run_training(TrainConfig(**base, compile="default", compile_backend="aot_eager"), scheme)
    assert eager.status == compiled.status == "ok"
    for a, b in zip(eager.history, compiled.history):
        assert b["train_loss"] == pytest.approx(a["train_loss"], rel=1e-4)
        assert b["coding_loss"] == pytest.approx(a["coding_loss"], rel=1e-3, abs=1e-6)
    assert compiled.top1 == pytest.approx(eager.top1, abs=1 / 96 + 1e-9)


def test_compile_modes_are_checked():
    with pytest.raises(TrainConfigError, match="compile must be one of"):
        TrainConfig(compile="fastest")
    assert TrainConfig(compile="reduce-overhead").compile == "reduce-overhead"
