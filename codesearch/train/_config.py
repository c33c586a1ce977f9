"""Training configuration: one dataclass, a comment per field, JSON-ready through :func:`config_to_dict`."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from .._defaults import LOSS_POWER, LOSS_THRESHOLD, P_DROP, ZERO_INIT_LAST_BN

#: torch.compile modes that ``TrainConfig.compile`` / ``train --compile`` accept.
COMPILE_MODES = ("default", "reduce-overhead", "max-autotune")


class TrainConfigError(ValueError):
    """A training configuration or input that cannot be used; the message is one clear sentence."""


@dataclass(frozen=True)
class TrainConfig:
    # -- what to train ---------------------------------------------------------------------------------
    preset: str = "proxy-s"  # network preset (codesearch.codes.PRESETS); the scheme's blocks must fit it
    dataset: str = "digits"  # digits, digit-pairs, cifar10, cifar100 or imagefolder
    data_root: str | None = (
        None  # folder of cifar10/cifar100/imagefolder data (unused by digits, digit-pairs)
    )
    download: bool = False  # let torchvision download CIFAR into data_root when it is missing
    control: bool = False  # train the same network with every block plain (the ResNeXt baseline)
    # -- optimisation (reference section 3: SGD Nesterov, cosine schedule, weight decay) -------------
    epochs: int = 20  # passes over the training set (20: tuned on digits / proxy-s)
    batch_size: int = 128  # training batch size
    lr: float = 0.1  # peak learning rate of the cosine schedule
    warmup_epochs: int = 0  # linear warm-up epochs before the cosine decay
    momentum: float = 0.9  # SGD momentum
    nesterov: bool = True  # Nesterov momentum
    weight_decay: float = 5e-4  # L2 weight decay (SGD's weight_decay)
    # -- Coded ResNeXt losses --------------------------------------------------------------------------
    mu: float = 20.0  # weight of the summed coding loss L = CE + mu * sum_l L_code,l (paper: 6 on CIFAR;
    #                   20 tuned on digits / proxy-s for a clear specialization)
    mu_warmup_epochs: int = 0  # ramp the coding-loss weight linearly from 0 to mu over these first epochs
    #                            (per step; 0: mu from the start)
    p_drop: float = P_DROP  # DropSubNNs probability
    loss_power: float = LOSS_POWER  # exponent p of the coding loss (|r E - w|^p)
    loss_threshold: float = LOSS_THRESHOLD  # coding-loss dead zone: max(|r E - w| - thr, 0)^p
    zero_init_last_bn: bool = (
        ZERO_INIT_LAST_BN  # start each block's last BN gamma at 0 (the paper's code does)
    )
    # -- reproducibility and hardware ------------------------------------------------------------------
    seed: int = 0  # seeds weights, data order, augmentation, DropSubNNs and the digit-pairs data
    device: str = "cpu"  # "cpu", "cuda", "cuda:1", "mps" or "auto" (the model package's select_device)
    amp: bool = False  # mixed precision on CUDA (the model package's autocast_context); ignored on CPU
    num_workers: int = 0  # DataLoader worker processes for cifar/imagefolder (0: load in the main process)
    sync_bn: bool = False  # under torchrun: SyncBatchNorm over the global batch (CUDA only in PyTorch)
    compile: str | None = None  # torch.compile the training forward: None (off), "default", "reduce-overhead"
    #                            (CUDA graphs) or "max-autotune"; outputs equal the eager ones within tolerance
    compile_backend: str = "inductor"  # torch.compile backend ("aot_eager": no code generation, for checks)
    channels_last: bool = (
        False  # channels_last weights and activations on CPU too (always on CUDA): about 1.25x
    )
    #                              faster proxy steps on this CPU; same seed, same bytes, but other float rounding
    # -- data ------------------------------------------------------------------------------------------
    samples_per_class: int = 60  # digit-pairs: training images per class (test: max(10, this // 3) per class)
    subset: int | None = None  # keep at most this many training and test samples (tiny test runs)
    randaugment: tuple[int, int] | None = None  # (n, m) of RandAugment for cifar/imagefolder; None: off
    verify_md5: bool = (
        True  # cifar: check torchvision's md5 sums of the batch files (off only for test archives)
    )
    # -- evaluation ------------------------------------------------------------------------------------
    eval_batch_size: int = 512  # batch size of every evaluation pass
    binary: bool = True  # evaluate the per-class binary classifiers (K extra passes over train + test)
    binary_train_limit: int | None = None  # at most this many training samples to choose the thresholds
    specialization_block: int | None = None  # coded-block index for the removal test; None: last block
    #                                          of the middle coded stage

    def __post_init__(self):
        if self.randaugment is not None:
            object.__setattr__(self, "randaugment", tuple(int(v) for v in self.randaugment))
        validate_config(self)


def _positive_int(name, v):
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise TrainConfigError(f"{name} must be a positive whole number, not {v!r}.")


def validate_config(c: TrainConfig) -> None:
    """TrainConfigError for values that cannot work (types and ranges only; data and scheme are checked later)."""
    for name in ("epochs", "batch_size", "eval_batch_size", "samples_per_class"):
        _positive_int(name, getattr(c, name))
    for name in ("subset", "binary_train_limit"):
        if getattr(c, name) is not None:
            _positive_int(name, getattr(c, name))
    for name in ("warmup_epochs", "mu_warmup_epochs", "num_workers", "seed"):
        v = getattr(c, name)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise TrainConfigError(f"{name} must be a whole number >= 0, not {v!r}.")
    for name in ("lr", "momentum", "weight_decay", "mu", "loss_power", "loss_threshold"):
        v = getattr(c, name)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or math.isnan(v) or v < 0:
            raise TrainConfigError(f"{name} must be a number >= 0, not {v!r}.")
    if not c.lr > 0:
        raise TrainConfigError(f"lr must be positive, not {c.lr!r}.")
    if not 0 <= c.p_drop < 1:
        raise TrainConfigError(f"p_drop must lie in [0, 1), not {c.p_drop!r}.")
    if c.compile is not None and c.compile not in COMPILE_MODES:
        raise TrainConfigError(
            f"compile must be one of {', '.join(COMPILE_MODES)} or None, not {c.compile!r}."
        )
    if c.randaugment is not None and (len(c.randaugment) != 2 or min(c.randaugment) < 0):
        raise TrainConfigError(
            f"randaugment must be a pair (n, m) of whole numbers >= 0, not {c.randaugment!r}."
        )


def config_to_dict(c: TrainConfig) -> dict:
    """JSON-ready dict of every field (tuples become lists)."""
    d = dataclasses.asdict(c)
    if d["randaugment"] is not None:
        d["randaugment"] = list(d["randaugment"])
    return d


def config_from_dict(d: dict) -> TrainConfig:
    """Inverse of :func:`config_to_dict`; unknown keys raise TrainConfigError."""
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(d) - names)
    if unknown:
        raise TrainConfigError(f"Unknown training option(s): {', '.join(unknown)}.")
    d = dict(d)
    if d.get("randaugment") is not None:
        d["randaugment"] = tuple(d["randaugment"])
    return TrainConfig(**d)


# Fields that must be equal for `resume` to continue a run (the rest only change how it runs or is evaluated).
RESUME_FIELDS = (
    "preset",
    "dataset",
    "control",
    "epochs",
    "batch_size",
    "lr",
    "warmup_epochs",
    "momentum",
    "nesterov",
    "weight_decay",
    "mu",
    "mu_warmup_epochs",
    "p_drop",
    "loss_power",
    "loss_threshold",
    "zero_init_last_bn",
    "seed",
    "samples_per_class",
    "subset",
    "randaugment",
    "channels_last",
)
