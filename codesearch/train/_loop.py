"""The training loop: SGD Nesterov + cosine schedule, per-epoch checkpoints, resume, then every evaluation.

Reproducibility: the weights are initialised after ``torch.manual_seed(seed)``; at the start of every epoch
all RNGs (torch, numpy, random) and the data-order generator are re-seeded from ``(seed, epoch)``. So an
epoch depends only on the weights and optimizer state it starts from, which the checkpoint stores: a resumed
run equals an uninterrupted one. On CPU, ``torch.use_deterministic_algorithms`` is on while a run lasts.

Failure contract: a non-finite loss stops training and the run *returns* a :class:`RunResult` with
``status == "failed"`` and a ``reason`` (also written to metrics.json); nothing is raised. An exception raised by the
per-epoch ``callback`` (e.g. ``optuna.TrialPruned``) or a KeyboardInterrupt propagates after metrics.json
records ``"status": "stopped"`` / ``"interrupted"``; the checkpoint of the last finished epoch stays usable.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..model import batch_to_device, model_to_device
from ._config import RESUME_FIELDS, TrainConfig, TrainConfigError, config_to_dict
from ._data import (
    DataBundle,
    dataset_labels,
    dataset_num_classes,
    iter_batches,
    load_dataset,
    train_batch_count,
)
from ._distributed import (
    check_batch,
    global_batch_count,
    iter_rank_batches,
    rank_device,
    step_seed_parts,
    wrap_model,
)
from ._evaluate import (
    accuracy,
    binary_classifiers,
    default_specialization_block,
    test_pass,
)
from ._fasteval import specialization_shared_prefix
from ._result import SCHEMA as METRICS_SCHEMA
from ._result import RunResult
from ._run_lock import run_folder_lock
from ._summary import scheme_metrics

CHECKPOINT_FORMAT = "codesearch.train-checkpoint/v1"
CHECKPOINT_NAME = "checkpoint.pt"
METRICS_NAME = "metrics.json"

EpochCallback = Callable[[int, dict], None]
ProgressFn = Callable[[str, dict], None]  # (event, info): "start", "batch", "epoch", "eval", "done"


class TrainingFailed(RuntimeError):
    """Raised by :func:`check_succeeded` for a run whose status is not "ok"; carries its RunResult."""

    def __init__(self, metrics: RunResult):
        self.metrics = metrics
        super().__init__(metrics.reason or f"training {metrics.status}")


def check_succeeded(metrics: RunResult) -> RunResult:
    """Return ``metrics`` when the run finished; raise :class:`TrainingFailed` otherwise."""
    if metrics.status != "ok":
        raise TrainingFailed(metrics)
    return metrics


# -- small file helpers (the only places this package writes) ---------------------------------------
def write_metrics(out_dir: Path, metrics: RunResult) -> Path:
    """metrics.json (``metrics.to_json()``) in ``out_dir``, written atomically (replaces an older one)."""
    from .._atomic import write_text_atomic

    text = json.dumps(metrics.to_json(), indent=2) + "\n"
    return write_text_atomic(Path(out_dir) / METRICS_NAME, text, force=True)


def save_training_checkpoint(path: Path, model, extra: dict) -> Path:
    """The model package's checkpoint (loadable by ``load_model_from_checkpoint``) plus the training state
    in ``extra``; written atomically, replacing the previous epoch's."""
    from ..model import save_checkpoint

    return save_checkpoint(path, model, extra={"train_format": CHECKPOINT_FORMAT, **extra}, force=True)


def load_training_checkpoint(path: Path) -> dict:
    from ..model import CheckpointError, load_checkpoint

    try:
        state = load_checkpoint(path, map_location="cpu")
    except CheckpointError as exc:
        raise TrainConfigError(str(exc)) from None
    if state.get("train_format") != CHECKPOINT_FORMAT:
        raise TrainConfigError(f"{path} is a model checkpoint without training state; it cannot be resumed.")
    return state


def read_metrics(run_dir) -> RunResult:
    """The :class:`RunResult` in the metrics.json of a run folder (ValueError when absent, not JSON or not a
    metrics file; a file written before the schema key existed reads the same)."""
    path = Path(run_dir) / METRICS_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path} does not exist; is {run_dir} a training run folder?") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"Cannot read {path} ({exc}).") from None
    except (RecursionError, ValueError):  # nested too deep, an integer of too many digits
        raise ValueError(f"Cannot read {path} (JSON nested too deep or a number too long).") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a metrics file (a JSON {type(data).__name__}, not an object).")  # noqa: TRY004 - callers catch ValueError
    try:
        return RunResult.from_json(data)
    except ValueError as exc:
        raise ValueError(f"{path} is not a metrics file: {exc}") from None


def run_exists(out_dir) -> bool:
    """Whether ``out_dir`` already holds a run (a checkpoint or metrics.json)."""
    p = Path(out_dir)
    return (p / CHECKPOINT_NAME).exists() or (p / METRICS_NAME).exists()


def remove_stale_temps(out_dir) -> list[Path]:
    """Remove the temporary files (``.checkpoint.pt.*.tmp``, ``.metrics.json.*.tmp``) that a run killed while
    writing leaves in ``out_dir``; call only while holding the folder's lock. Returns the removed paths."""
    removed = []
    for name in (CHECKPOINT_NAME, METRICS_NAME):
        for p in Path(out_dir).glob(f".{name}.*.tmp"):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def clear_run(out_dir) -> None:
    """Remove the files a run writes (checkpoint, metrics) from ``out_dir``; nothing else."""
    for name in (CHECKPOINT_NAME, METRICS_NAME):
        (Path(out_dir) / name).unlink(missing_ok=True)


# -- seeding, devices ---------------------------------------------------------------------------------
def derived_seed(*parts: int) -> int:
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1, dtype=np.uint64)[0] >> 1)


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


def resolve_device(name: str) -> torch.device:
    """The model package's select_device, with its ValueError turned into TrainConfigError."""
    from ..model import select_device

    try:
        return select_device(name)
    except ValueError as exc:
        raise TrainConfigError(str(exc)) from None


def _amp_factory(device: torch.device, enabled: bool) -> Callable[[], contextlib.AbstractContextManager]:
    from ..model import autocast_context

    return lambda: autocast_context(device, enabled)


@contextlib.contextmanager
def _deterministic(device: torch.device):
    """Deterministic kernels on CPU for the duration of a run (the previous setting is restored)."""
    if device.type != "cpu":
        yield
        return
    before = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before)


def lr_factor(step: int, total_steps: int, warmup_steps: int) -> float:
    """Linear warm-up to 1, then cosine decay to 0 over the remaining steps (per optimizer step)."""
    if warmup_steps and step < warmup_steps:
        return (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps)
    return 0.5 * (1.0 + math.cos(math.pi * min(1.0, (step - warmup_steps) / span)))


# -- model construction and checks --------------------------------------------------------------------
def build_model(config: TrainConfig, scheme, num_classes: int, in_channels: int):
    """``create_model`` for the run; TrainConfigError (one sentence) when preset and scheme do not fit."""
    from ..codes import get_preset
    from ..model import create_model

    try:
        get_preset(config.preset)
    except ValueError as exc:
        raise TrainConfigError(str(exc)) from None
    kwargs = {
        "plain": config.control,
        "p_drop": config.p_drop,
        "loss_power": config.loss_power,
        "loss_threshold": config.loss_threshold,
        "in_chans": in_channels,
        "zero_init_last_bn": config.zero_init_last_bn,
    }
    if scheme is None:
        if not config.control:
            raise TrainConfigError("A coded run needs a scheme (only --control can train without one).")
        kwargs["num_classes"] = num_classes
    try:
        return create_model(config.preset, scheme, **kwargs)
    except (ValueError, KeyError) as exc:
        msg = exc.args[0] if exc.args else str(exc)
        raise TrainConfigError(f"The scheme does not fit preset {config.preset!r}: {msg}") from None


def check_inputs(config: TrainConfig, scheme) -> None:
    """Cheap checks before any data is read: preset and dataset names and the scheme's number of classes."""
    from ..codes import PRESETS
    from ._data import DATASETS, DatasetError

    if config.preset not in PRESETS:
        raise TrainConfigError(f"Unknown preset {config.preset!r}; choose one of: {', '.join(PRESETS)}.")
    if config.dataset not in DATASETS:
        raise DatasetError(f"Unknown dataset {config.dataset!r}; choose one of: {', '.join(DATASETS)}.")
    k = dataset_num_classes(config.dataset)
    if scheme is not None and k is not None and scheme.num_classes != k:
        raise TrainConfigError(
            f"The scheme has {scheme.num_classes} classes but dataset {config.dataset} has {k}."
        )
    if scheme is not None:
        from ..model import resolve_plan

        try:
            resolve_plan(config.preset, scheme, plain=config.control)
        except (ValueError, KeyError) as exc:
            msg = exc.args[0] if exc.args else str(exc)
            raise TrainConfigError(f"The scheme does not fit preset {config.preset!r}: {msg}") from None


# -- the run --------------------------------------------------------------------------------------------
def _empty_metrics(config: TrainConfig, scheme, device: torch.device) -> dict:
    from ..schemefile import scheme_to_dict

    return {
        "schema": METRICS_SCHEMA,
        "status": "running",
        "reason": None,
        "top1": None,
        "epochs_done": 0,
        "history": [],
        "early_decoding": [],
        "binary": None,
        "specialization": None,
        "seconds": 0.0,
        "train_seconds": 0.0,
        "eval_seconds": 0.0,
        "device": str(device),
        "seed": config.seed,
        "torch": torch.__version__,
        "config": config_to_dict(config),
        "scheme": scheme_to_dict(scheme) if scheme is not None else None,
        "dataset": None,
        "model": None,
    }


def _model_info(model) -> dict:
    from ..model import count_parameters

    blocks = []
    for i, b in enumerate(model.coded_blocks):
        blocks.append(
            {
                "block": i,
                "index": b.index,
                "stage": b.stage,
                "code": b.code_id,
                "n": b.n,
                "w": b.w,
                "codewords": model.code_matrix(i).round().int().tolist(),
            }
        )
    return {
        "preset": model.preset.name,
        "num_classes": model.num_classes,
        "parameters": count_parameters(model),
        "coded_blocks": blocks,
    }


def run_training(
    config: TrainConfig,
    scheme=None,
    *,
    out_dir: str | Path | None = None,
    callback: EpochCallback | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: ProgressFn | None = None,
    distributed=None,
) -> RunResult:
    """Train ``config.preset`` with ``scheme`` on ``config.dataset``, evaluate it, return its :class:`RunResult`.

    ``out_dir``: run folder for checkpoint.pt (every epoch), metrics.json and model.pt; None keeps all in
    memory (no checkpoint, no resume). An existing run there raises FileExistsError unless ``resume``
    (continue from checkpoint.pt; a fresh start when there is none) or ``overwrite`` (start again).
    ``callback(epoch, record)`` runs after each epoch (epoch counts from 1; record has ``test_top1``,
    ``train_loss``, ``ce_loss``, ``coding_loss``, ``train_top1``, ``lr``); whatever it raises propagates
    after the checkpoint and metrics.json are written. A non-finite loss returns ``status "failed"``.
    Bad inputs raise TrainConfigError (a ValueError) with one sentence.

    ``distributed``: the :class:`~codesearch.train.DistributedContext` of a torchrun job
    (:func:`~codesearch.train.init_distributed`); every rank calls this with the same arguments, and only
    rank 0 writes ``out_dir`` and runs the final evaluations (see ``codesearch.train._distributed``).
    """
    t_start = time.perf_counter()
    ctx = distributed
    check_inputs(config, scheme)
    if ctx is not None:
        check_batch(config.batch_size, ctx)
    device = resolve_device(rank_device(config.device, ctx) if ctx is not None else config.device)
    out = Path(out_dir) if out_dir is not None else None
    writer = ctx is None or ctx.is_main
    if writer and out is not None and run_exists(out) and not resume and not overwrite:
        if ctx is not None:
            ctx.agree(False)
        raise FileExistsError(f"{out} already holds a run; resume it or overwrite it")

    metrics = _empty_metrics(config, scheme, device)
    with _deterministic(device):
        # Everything is checked (data, scheme fit, model, specialization block) before the run folder is
        # touched: a bad setting with overwrite=True leaves the old run in place.
        bundle = load_dataset(config)
        if scheme is not None and scheme.num_classes != bundle.num_classes:
            raise TrainConfigError(
                f"The scheme has {scheme.num_classes} classes but dataset {config.dataset} has {bundle.num_classes}."
            )
        seed_everything(config.seed)
        model = model_to_device(
            build_model(config, scheme, bundle.num_classes, bundle.input_shape[0]), device
        )
        specialization_block_index(config, model)
        if config.channels_last:
            model = model.to(memory_format=torch.channels_last)
        metrics["dataset"] = {"name": bundle.name, "num_classes": bundle.num_classes, **bundle.info}
        metrics["model"] = _model_info(model)
        metrics["world_size"] = ctx.world_size if ctx is not None else 1
        if out is None or not writer:
            state = None
            if ctx is not None:  # follow rank 0: it checks the folder, then every rank starts
                if not ctx.agree(True):
                    raise TrainConfigError(f"rank 0 could not start the run in {out} (see its error).")
                ckpt = out / CHECKPOINT_NAME if out is not None else None
                if resume and ckpt is not None and ckpt.exists():
                    state = load_training_checkpoint(ckpt)
            return _train_and_evaluate(
                config, model, bundle, device, metrics, state, None, callback, progress, t_start, ctx
            )
        with run_folder_lock(out):  # one writer per run folder (RunFolderBusy for a second one)
            try:
                ckpt_path = out / CHECKPOINT_NAME
                state = None
                remove_stale_temps(
                    out
                )  # left by a process killed mid-write; no other writer can hold them now
                if run_exists(out) and not resume and not overwrite:  # again, now under the lock
                    raise FileExistsError(f"{out} already holds a run; resume it or overwrite it")
                if resume and ckpt_path.exists():
                    state = load_training_checkpoint(ckpt_path)
                    _check_resume(state, config, scheme, ckpt_path)
                if overwrite and not resume:
                    clear_run(out)
            except BaseException:
                if ctx is not None:
                    ctx.agree(False)
                raise
            if ctx is not None:
                ctx.agree(True)
            return _train_and_evaluate(
                config, model, bundle, device, metrics, state, out, callback, progress, t_start, ctx
            )


def specialization_block_index(config: TrainConfig, model) -> int | None:
    """The coded-block index of the removal test (None: the model has no coded block); TrainConfigError when
    ``config.specialization_block`` is out of range."""
    if not model.coded_blocks:
        return None
    block = config.specialization_block
    if block is None:
        block = default_specialization_block(model)
    if not -len(model.coded_blocks) <= block < len(model.coded_blocks):
        raise TrainConfigError(
            f"specialization_block {block} is out of range: the model has {len(model.coded_blocks)} coded blocks."
        )
    return block % len(model.coded_blocks)


def _check_resume(state: dict, config: TrainConfig, scheme, path: Path) -> None:
    from ..schemefile import scheme_to_dict

    old = state["train_config"]
    new = config_to_dict(config)
    # a field added after the checkpoint was written counts as its default
    diffs = [
        f"{k} {old.get(k, getattr(TrainConfig, k))!r} -> {new[k]!r}"
        for k in RESUME_FIELDS
        if old.get(k, getattr(TrainConfig, k)) != new[k]
    ]
    if diffs:
        raise TrainConfigError(
            f"{path} was made with other settings ({'; '.join(diffs)}); use --force to start again."
        )
    if (scheme_to_dict(scheme) if scheme is not None else None) != state["train_scheme"]:
        raise TrainConfigError(f"{path} was trained with another scheme; use --force to start again.")


def _train_and_evaluate(
    config, model, bundle: DataBundle, device, metrics, state, out, callback, progress, t_start, ctx=None
):
    amp = _amp_factory(device, config.amp)
    optimizer = torch.optim.SGD(
        model.parameters(),
        lr=config.lr,
        momentum=config.momentum,
        nesterov=config.nesterov and config.momentum > 0,
        weight_decay=config.weight_decay,
    )
    if ctx is None:
        steps_per_epoch = train_batch_count(len(bundle.train), config.batch_size)
        train_model = compile_model(model, config)
    else:  # the same parameters behind DistributedDataParallel; `model` stays the plain module
        steps_per_epoch = global_batch_count(len(bundle.train), config.batch_size, ctx)
        train_model = compile_model(wrap_model(model, ctx, device, config.sync_bn), config)
    if steps_per_epoch == 0:
        raise TrainConfigError(f"The training set has {len(bundle.train)} sample(s); at least 2 are needed.")
    total_steps = steps_per_epoch * config.epochs
    warmup_steps = steps_per_epoch * config.warmup_epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, total_steps, warmup_steps)
    )
    history: list[dict] = []
    start_epoch = 0
    prior_seconds = 0.0
    if state is not None:
        model.load_state_dict(state["state_dict"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history = list(state["history"])
        start_epoch = int(state["epoch"])
        prior_seconds = float(state.get("train_seconds", 0.0))
    metrics["history"] = history
    metrics["epochs_done"] = start_epoch
    if progress:
        progress(
            "start",
            {
                "epochs": config.epochs,
                "start_epoch": start_epoch,
                "batches": steps_per_epoch,
                "device": str(device),
                "train_size": len(bundle.train),
                "test_size": len(bundle.test),
            },
        )

    def finish(status: str, reason: str | None, t_train_end: float) -> RunResult:
        metrics["status"], metrics["reason"] = status, reason
        metrics["train_seconds"] = prior_seconds + (t_train_end - t_start)
        metrics["seconds"] = metrics["train_seconds"] + metrics["eval_seconds"]
        result = RunResult.from_json(metrics)
        if out is not None:
            write_metrics(out, result)
        return result

    epoch = start_epoch
    try:
        for epoch in range(start_epoch, config.epochs):
            record = _train_epoch(
                config,
                train_model,
                bundle,
                device,
                amp,
                optimizer,
                scheduler,
                epoch,
                steps_per_epoch,
                progress,
                ctx,
            )
            if "failure" in record:
                return finish("failed", record["failure"], time.perf_counter())
            record["test_top1"] = accuracy(model, bundle.test, config.eval_batch_size, device, amp)
            history.append(record)
            metrics["epochs_done"] = epoch + 1
            if out is not None:
                save_training_checkpoint(
                    out / CHECKPOINT_NAME,
                    model,
                    {
                        "epoch": epoch + 1,
                        "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(),
                        "history": history,
                        "train_config": metrics["config"],
                        "train_scheme": metrics["scheme"],
                        "train_seconds": prior_seconds + (time.perf_counter() - t_start),
                    },
                )
            if progress:
                progress("epoch", dict(record))
            if callback is not None:
                callback(epoch + 1, dict(record))
    except KeyboardInterrupt:
        finish(
            "interrupted",
            f"interrupted during epoch {epoch + 1}; resume continues after epoch {metrics['epochs_done']}",
            time.perf_counter(),
        )
        raise
    except BaseException as exc:
        finish(
            "stopped",
            f"stopped after epoch {metrics['epochs_done']} by {type(exc).__name__}: {exc}",
            time.perf_counter(),
        )
        raise

    t_train_end = time.perf_counter()
    t_eval = time.perf_counter()
    if ctx is not None and not ctx.is_main:  # rank 0 evaluates and writes; the others are done
        return finish("ok", None, t_train_end)
    try:
        _evaluate_all(config, model, bundle, device, amp, metrics, progress)
    except KeyboardInterrupt:
        finish("interrupted", "interrupted during the evaluation; resume repeats it", t_train_end)
        raise
    metrics["eval_seconds"] = time.perf_counter() - t_eval
    # top1, early, early.<i>, gap, f1, fraction
    metrics["scheme_metrics"] = scheme_metrics(metrics, per_block=True).to_json()
    result = finish("ok", None, t_train_end)
    if progress:
        progress("done", {"top1": result.top1, "seconds": result.seconds})
    return result


def compile_model(model, config: TrainConfig):
    """``torch.compile(model)`` with ``config.compile`` as the mode (parameters shared with ``model``), or
    ``model`` itself when compiling is off. Only the training forward runs compiled; evaluations use the
    plain module."""
    if config.compile is None:
        return model
    kwargs = {"backend": config.compile_backend}
    if config.compile_backend == "inductor":
        kwargs["mode"] = config.compile
    return torch.compile(model, **kwargs)


def mu_factor(step: int, warmup_steps: int) -> float:
    """Share of ``mu`` used at optimizer step ``step`` (from 0): a linear ramp (step+1)/W, then 1."""
    return min(1.0, (step + 1) / warmup_steps) if warmup_steps else 1.0


def _train_epoch(
    config, model, bundle, device, amp, optimizer, scheduler, epoch, steps, progress, ctx=None
) -> dict:
    seed_everything(derived_seed(*step_seed_parts(config.seed, epoch, ctx)))
    gen = torch.Generator().manual_seed(derived_seed(config.seed, epoch, 2))
    model.train()
    sums = {"loss": 0.0, "ce": 0.0, "coding": 0.0, "correct": 0, "n": 0}
    lr = optimizer.param_groups[0]["lr"]
    if ctx is None:
        batches = iter_batches(
            bundle.train,
            config.batch_size,
            shuffle=True,
            generator=gen,
            num_workers=config.num_workers,
            train=True,
        )
    else:
        batches = iter_rank_batches(bundle.train, config.batch_size, gen, ctx, config.num_workers)
    for b, (x, y) in enumerate(batches):
        x, y = batch_to_device(x, device), y.to(device, non_blocking=True)
        with amp():
            out = model(x, y)
            ce = F.cross_entropy(out.logits.float(), y)
            coding = (
                out.coding_loss.float()
                if torch.is_tensor(out.coding_loss)
                else torch.tensor(float(out.coding_loss))
            )
            mu = config.mu * mu_factor(epoch * steps + b, steps * config.mu_warmup_epochs)
            loss = ce + mu * coding
        lv = float(loss.detach())
        if ctx is not None and not ctx.agree(math.isfinite(lv)):  # every rank stops at the same step
            lv = math.nan
        if not math.isfinite(lv):
            what = "nan" if math.isnan(lv) else "inf"
            return {
                "failure": f"non-finite loss ({what}) at epoch {epoch + 1}, batch {b + 1} "
                f"(cross-entropy {float(ce.detach()):.4g}, coding loss {float(coding.detach()):.4g}); "
                "lower the learning rate or mu"
            }
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        n = int(y.shape[0])
        sums["loss"] += lv * n
        sums["ce"] += float(ce.detach()) * n
        sums["coding"] += float(coding.detach()) * n
        sums["correct"] += int((out.logits.detach().argmax(1) == y).sum())
        sums["n"] += n
        if progress:
            progress("batch", {"epoch": epoch + 1, "batch": b + 1, "batches": steps, "loss": lv})
    if ctx is not None:  # the epoch's figures over the whole global batch
        keys = ("loss", "ce", "coding", "correct", "n")
        sums.update(zip(keys, ctx.sum([float(sums[k]) for k in keys])))
    n = max(sums["n"], 1)
    return {
        "epoch": epoch + 1,
        "train_loss": sums["loss"] / n,
        "ce_loss": sums["ce"] / n,
        "coding_loss": sums["coding"] / n,
        "train_top1": sums["correct"] / n,
        "lr": lr,
    }


def _evaluate_all(config, model, bundle, device, amp, metrics, progress) -> None:
    def eval_progress(stage, done, total):
        if progress:
            progress("eval", {"stage": stage, "done": done, "total": total})

    eval_progress("test pass", 0, 1)
    res = test_pass(model, bundle.test, config.eval_batch_size, device, amp)
    metrics["top1"] = res["top1"]
    metrics["early_decoding"] = res["early_decoding"]
    eval_progress("test pass", 1, 1)
    block = specialization_block_index(config, model)
    if block is not None:
        metrics["specialization"] = specialization_shared_prefix(
            model, bundle.test, block, config.eval_batch_size, device, amp, config.seed, eval_progress
        )
    if config.binary:
        train_ds = bundle.train_eval
        if config.binary_train_limit is not None and config.binary_train_limit < len(train_ds):
            keep = np.sort(
                np.random.default_rng(config.seed).permutation(len(train_ds))[: config.binary_train_limit]
            )
            train_ds = _take(train_ds, keep)
        metrics["binary"] = binary_classifiers(
            model,
            train_ds,
            bundle.test,
            config.eval_batch_size,
            device,
            amp,
            dataset_labels(train_ds),
            dataset_labels(bundle.test),
            eval_progress,
        )


def _take(ds, keep: np.ndarray):
    from ._data import ArrayDataset

    if isinstance(ds, ArrayDataset):
        idx = torch.from_numpy(keep)
        return ArrayDataset(ds.x[idx], ds.y[idx])
    return torch.utils.data.Subset(ds, keep.tolist())
