"""Shared helpers of the study tests: tiny definitions, a fast stand-in trainer, subprocess workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("CODESEARCH_TEST_PG")


def fake_train(top1_of=None, fail_when=None, epochs_hook=None):
    """A stand-in for codesearch.train.run_training with its contract (RunResult, per-epoch callback).

    top1 = top1_of(config, scheme) (default: a smooth function of lr and mu, so the best is known);
    fail_when(config) -> reason makes the run return status "failed" (like a NaN loss)."""

    from codesearch.train import BinaryResult, RunResult

    def default_top1(config, scheme):
        return max(0.0, 0.9 - abs(config.lr - 0.1) - abs(config.mu - 6.0) / 40)

    top1_of = top1_of or default_top1

    def train(config, scheme, *, callback=None, **_):
        reason = fail_when(config) if fail_when else None
        final = top1_of(config, scheme)
        history = []
        for e in range(1, config.epochs + 1):
            acc = final * e / config.epochs
            rec = {
                "test_top1": acc,
                "train_loss": 1.0 / e,
                "coding_loss": 0.1,
                "ce_loss": 0.9,
                "train_top1": acc,
                "lr": config.lr,
            }
            if epochs_hook:
                epochs_hook(e, rec)
            if reason:
                return RunResult(status="failed", reason=reason, history=tuple(history), epochs_done=e - 1)
            history.append(rec)
            if callback:
                callback(e, dict(rec))
        return RunResult(
            status="ok",
            top1=final,
            history=tuple(history),
            epochs_done=config.epochs,
            binary=BinaryResult(mean_f1=final * 0.9, param_fraction=0.2 + 0.05 * scheme.codes[-1].code.w),
            seconds=0.01,
            device="cpu",
            seed=config.seed,
        )

    return train


@pytest.fixture
def journal(tmp_path):
    return str(tmp_path / "study" / "journal.log")


def spawn(*args) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from codesearch.cli import main; sys.exit(main())", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def wait_for(predicate, timeout: float = 120.0, interval: float = 0.2):
    """Poll ``predicate()`` until it returns something truthy; AssertionError after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not reached in time")


#: create-flags of the tiny real proxy study used by the end-to-end and multi-process tests.
TINY = [
    "--classes",
    "10",
    "--dataset",
    "digits",
    "--preset",
    "proxy-s",
    "--subset",
    "120",
    "--batch-size",
    "32",
]
