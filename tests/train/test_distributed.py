"""torchrun + DistributedDataParallel on CPU (gloo), with 2 real processes.

The reference is computed here from the same pieces: with SyncBatchNorm and DropSubNNs off, a 2-process step
over a global batch equals a 1-process step over the same batch taken as 2 micro-batches with averaged
gradients (each rank normalises over its own half)."""

import json
import os
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from codesearch.cli import main
from codesearch.train import TrainConfig, load_dataset, read_metrics
from codesearch.train._loop import (
    build_model,
    derived_seed,
    load_training_checkpoint,
    lr_factor,
    seed_everything,
)

B = 64


@pytest.fixture(scope="module")
def scheme_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ddp") / "s.json"
    assert main(["generate", "--preset", "proxy-s", "--out", str(path)]) == 0
    return path


def _torchrun(args, out, nproc=2):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc-per-node",
        str(nproc),
        "-m",
        "codesearch",
        "train",
        *args,
        "--out",
        str(out),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)


def _train_args(scheme_file, *extra):
    return [
        "--scheme",
        str(scheme_file),
        "--preset",
        "proxy-s",
        "--dataset",
        "digits",
        "--subset",
        str(B),
        "--batch-size",
        str(B),
        "--p-drop",
        "0",
        "--no-binary",
        *extra,
    ]


def test_two_processes_match_one_process_with_the_same_global_batch(tmp_path, scheme_file):
    from codesearch.schemefile import read_scheme

    out = tmp_path / "run"
    res = _torchrun(_train_args(scheme_file, "--epochs", "1"), out)
    assert res.returncode == 0, res.stderr[-3000:]
    # one job: one checkpoint and one metrics.json, which records the world size
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "checkpoint.pt",
        "metrics.json",
    ]
    metrics = read_metrics(out)
    assert metrics.world_size == 2 and metrics.status == "ok"
    ddp_state = load_training_checkpoint(out / "checkpoint.pt")["state_dict"]

    # the reference: same seed, same first-epoch order, the global batch as 2 micro-batches
    scheme = read_scheme(scheme_file)
    config = TrainConfig(
        preset="proxy-s", dataset="digits", subset=B, batch_size=B, p_drop=0.0, binary=False, epochs=1
    )
    bundle = load_dataset(config)
    seed_everything(config.seed)
    model = build_model(config, scheme, bundle.num_classes, bundle.input_shape[0])
    opt = torch.optim.SGD(
        model.parameters(),
        lr=config.lr * lr_factor(0, 1, 0),
        momentum=config.momentum,
        nesterov=True,
        weight_decay=config.weight_decay,
    )
    seed_everything(derived_seed(config.seed, 0, 1))
    order = torch.randperm(
        len(bundle.train), generator=torch.Generator().manual_seed(derived_seed(config.seed, 0, 2))
    )
    model.train()
    losses = []
    for idx in torch.tensor_split(order, 2):
        o = model(bundle.train.x[idx], bundle.train.y[idx])
        loss = F.cross_entropy(o.logits, bundle.train.y[idx]) + config.mu * o.coding_loss
        (loss / 2).backward()
        losses.append(float(loss.detach()))
    opt.step()
    assert metrics.history[0]["train_loss"] == pytest.approx(sum(losses) / 2, rel=1e-5)
    ref = model.state_dict()
    params = {n for n, _ in model.named_parameters()}
    assert params
    for name in params:
        assert torch.allclose(ddp_state[name], ref[name], rtol=1e-4, atol=1e-6), name


def test_resume_under_another_world_size_and_rank_checks(tmp_path, scheme_file):
    out = tmp_path / "run"
    res = _torchrun(_train_args(scheme_file, "--epochs", "1"), out)
    assert res.returncode == 0, res.stderr[-3000:]
    first = read_metrics(out)
    # the checkpoint holds the plain module: a 1-process resume picks it up (training is done; it re-evaluates)
    assert main(["train", *_train_args(scheme_file, "--epochs", "1"), "--out", str(out), "--resume"]) == 0
    again = read_metrics(out)
    assert again.world_size == 1 and again.history == first.history and again.top1 == first.top1
    # a global batch that 2 processes cannot split evenly is refused on every rank, before anything is written
    bad = _torchrun(_train_args(scheme_file, "--epochs", "1", "--batch-size", "63"), tmp_path / "bad")
    # each rank says it in one line (torchrun then adds its own report of the failed children)
    assert bad.returncode != 0 and bad.stderr.count("codesearch train: error: The global batch size 63") == 2
    assert (
        "codesearch/train/" not in bad.stderr and "codesearch/cli/" not in bad.stderr
    )  # no traceback of ours
    assert not (tmp_path / "bad" / "metrics.json").exists()
    assert json.loads((out / "metrics.json").read_text())["status"] == "ok"
