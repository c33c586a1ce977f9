r"""Coded ResNeXt (Avranas & Kountouris, NeurIPS 2022) built from a preset and a coding scheme.

Every preset of :data:`codesearch.codes.PRESETS` is registered as a model of this family, so
``create_model("cifar10", scheme)`` builds ResNeXt-29 (10x11d) with the scheme's codes.

Coding loss of coded block l for an input of class k with codeword :math:`c = w_{l,k}` and
:math:`r = N_{act}/N`:

.. math:: L_l = \frac1N \sum_n \max(|r E_n - c_n| - \theta, 0)^p

averaged over the batch (defaults p = 4, :math:`\theta = 0`), with :math:`E_n` the normalised energies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._defaults import BN_MOMENTUM, LOSS_POWER, LOSS_THRESHOLD, P_DROP, ZERO_INIT_LAST_BN
from ..codes import PRESETS, Preset, Scheme, parse_code_id
from ._blocks import ResNeXtBlock, init_weights, make_stem
from ._config import CodedResNeXtConfig, ModelConfigError, resolve_plan
from ._registry import register_model

FAMILY = "coded_resnext"


@dataclass(frozen=True)
class CodedBlockInfo:
    index: int  # position of the block in the whole block list (model.blocks)
    stage: str  # stage label ("c3", ...)
    code_id: str  # "<active>/<subnns>"
    n: int  # N: branches (subNNs)
    w: int  # N_act: active branches per class


@dataclass(frozen=True)
class Removal:
    block: int  # coded block to act on: an index into model.coded_blocks
    kind: str  # "active" or "inactive": which branches of the sample's codeword are removed
    k: int  # how many branches are removed per sample
    seed: int = 0  # seed of the per-sample random order; sample i removes the first k candidates in it

    def __post_init__(self):
        if self.kind not in ("active", "inactive"):
            raise ValueError(f"Removal kind must be 'active' or 'inactive', not {self.kind!r}.")
        for name in ("block", "k", "seed"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"Removal {name} must be an integer >= 0, not {v!r}.")


@dataclass
class ModelOutput:
    logits: torch.Tensor  # (B, K)
    coding_loss: torch.Tensor  # scalar: sum over coded blocks of the block losses (0 without labels)
    block_losses: list = field(default_factory=list)  # one scalar per coded block (empty without labels)
    energies: list = field(default_factory=list)  # (B, N) normalised energies per coded block (sum N)


def coding_loss(
    energies: torch.Tensor,
    target: torch.Tensor,
    ratio: float,
    power: float = LOSS_POWER,
    threshold: float = LOSS_THRESHOLD,
) -> torch.Tensor:
    r"""Mean over batch and branches of :math:`\max(|r E_n - c_n| - \theta, 0)^p`."""
    dist = (ratio * energies - target).abs()
    if threshold > 0:
        dist = F.relu(dist - threshold)
    return dist.pow(power).mean()


def removal_keep(codewords: torch.Tensor, labels: torch.Tensor, kind: str, k: int, seed: int) -> torch.Tensor:
    """(B, N) 0/1 mask that removes ``k`` active (or inactive) branches of each sample's codeword.

    Sample i removes the first ``k`` candidates in the order of row i of a ``torch.Generator(seed)`` random
    matrix: deterministic for a given seed, batch size and labels."""
    rows = codewords[labels]  # (B, N)
    cand = rows > 0.5 if kind == "active" else rows < 0.5
    have = int(cand[0].sum().item()) if rows.shape[0] else 0
    if k > have:
        raise ValueError(f"Cannot remove {k} {kind} branches: each class has only {have}.")
    keep = torch.ones_like(rows)
    if k == 0 or rows.shape[0] == 0:
        return keep
    gen = torch.Generator(device="cpu").manual_seed(seed)
    scores = torch.rand(rows.shape, generator=gen).to(rows.device)
    scores = scores.masked_fill(~cand, float("inf"))
    idx = scores.argsort(dim=1)[:, :k]
    return keep.scatter(1, idx, 0.0)


class CodedResNeXt(nn.Module):
    """ResNeXt whose blocks follow a plan of code ids; coded blocks carry energies and a coding loss.

    Build it with :func:`codesearch.model.create_model`. ``forward(x, labels=None, *, remove=None,
    remove_inactive=False)`` returns a :class:`ModelOutput`."""

    def __init__(
        self,
        config: CodedResNeXtConfig,
        codes: dict | None = None,
        *,
        scheme: Scheme | None = None,
        plain: bool = False,
    ):
        super().__init__()
        if config.preset not in PRESETS:
            raise ModelConfigError(f"Unknown preset {config.preset!r}; choose one of: {', '.join(PRESETS)}.")
        preset = PRESETS[config.preset]
        stages = [s for s in preset.stages for _ in range(s.repeats)]
        if len(config.plan) != len(stages):
            raise ModelConfigError(
                f"The plan has {len(config.plan)} blocks but preset {preset.name!r} has {len(stages)}."
            )
        codes = dict(codes or {})
        self.config = config
        self.preset: Preset = preset
        self.scheme = scheme
        self.num_classes = config.num_classes
        self.is_plain = bool(plain)
        self.plan = tuple(config.plan)
        self.block_stages = [s.name for s in stages]
        self.stem = make_stem(preset.stem, config.in_chans, preset.stem_channels, config.bn_momentum)
        blocks = []
        self.coded_blocks: list[CodedBlockInfo] = []
        self._code_arrays: dict[str, np.ndarray] = {}
        cin = preset.stem_channels
        for i, (code_id, stage) in enumerate(zip(self.plan, stages)):
            active, n = parse_code_id(code_id)
            if n != stage.subnns:
                raise ModelConfigError(
                    f"Block {i} uses code {code_id} but stage {stage.name} has N={stage.subnns}."
                )
            first = i == 0 or self.block_stages[i - 1] != stage.name
            coded = active < n
            blocks.append(
                ResNeXtBlock(
                    cin,
                    stage.cout,
                    stage.width,
                    n,
                    stage.stride if first else 1,
                    coded=coded,
                    bn_momentum=config.bn_momentum,
                )
            )
            cin = stage.cout
            if coded:
                if code_id not in codes:
                    raise ModelConfigError(f"Block {i} uses code {code_id}, which was not given.")
                m = np.asarray(codes[code_id], dtype=np.uint8)
                if m.shape != (config.num_classes, n) or not (m.sum(axis=1) == active).all():
                    raise ModelConfigError(
                        f"Code {code_id} must be a {config.num_classes} x {n} 0/1 matrix with {active} ones per row."
                    )
                if code_id not in self._code_arrays:
                    self._code_arrays[code_id] = m
                    self.register_buffer(
                        self._buffer_name(code_id), torch.tensor(m.astype(np.float32)), persistent=False
                    )
                self.coded_blocks.append(CodedBlockInfo(i, stage.name, code_id, n, active))
        self.blocks = nn.ModuleList(blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, config.num_classes, bias=False)
        init_weights(self, zero_init_last_bn=config.zero_init_last_bn)

    # -- codes -------------------------------------------------------------------------------------
    @staticmethod
    def _buffer_name(code_id: str) -> str:
        return "codewords_" + code_id.replace("/", "_")

    def code_matrix(self, i: int) -> torch.Tensor:
        """Float (K, N) codewords of coded block ``i`` (an index into :attr:`coded_blocks`)."""
        return getattr(self, self._buffer_name(self.coded_blocks[i].code_id))

    def code_array(self, i: int) -> np.ndarray:
        """The same codewords as a read-only uint8 numpy array (available on any device, even ``meta``)."""
        return self._code_arrays[self.coded_blocks[i].code_id]

    def early_decode(self, energies: torch.Tensor, i: int):
        """Nearest codeword of coded block ``i`` to each energy vector (rescaled to sum N_act).

        Returns ``(pred (B,), distances (B, K))`` with Euclidean distances."""
        info = self.coded_blocks[i]
        codes = self.code_matrix(i).to(energies.device)
        e = energies.float()
        e = e / e.sum(dim=1, keepdim=True).clamp_min(1e-12) * info.w
        dist = (e[:, None, :] - codes[None, :, :]).pow(2).sum(dim=-1).sqrt()
        return dist.argmin(dim=1), dist

    @property
    def model_args(self) -> dict:
        """Keyword arguments that, with the preset name and the scheme, rebuild this model."""
        c = self.config
        return {
            "num_classes": c.num_classes,
            "plain": self.is_plain,
            "p_drop": c.p_drop,
            "loss_power": c.loss_power,
            "loss_threshold": c.loss_threshold,
            "in_chans": c.in_chans,
            "bn_momentum": c.bn_momentum,
            "zero_init_last_bn": c.zero_init_last_bn,
        }

    # -- forward -------------------------------------------------------------------------------------
    def forward(
        self,
        x: torch.Tensor,
        labels: torch.Tensor | None = None,
        *,
        remove: Removal | None = None,
        remove_inactive: bool = False,
    ) -> ModelOutput:
        if (remove is not None or remove_inactive) and labels is None:
            raise ValueError("Removing subNNs needs the labels of the batch.")
        if remove is not None and not 0 <= remove.block < len(self.coded_blocks):
            raise ValueError(
                f"Removal block {remove.block} is out of range: the model has {len(self.coded_blocks)} coded blocks."
            )
        x = self.stem(x)
        energies: list[torch.Tensor] = []
        losses: list[torch.Tensor] = []
        prev_code, prev_drop = None, None
        c = self.config
        drop_p = c.p_drop if self.training else 0.0
        ci = 0
        for block in self.blocks:
            if not block.coded:
                x, _ = block(x)
                continue
            info = self.coded_blocks[ci]
            codes = self.code_matrix(ci)
            keep = None
            if labels is not None and (remove_inactive or (remove is not None and remove.block == ci)):
                rows = codes[labels]
                if remove_inactive:
                    keep = rows
                if remove is not None and remove.block == ci:
                    extra = removal_keep(codes, labels, remove.kind, remove.k, remove.seed)
                    keep = extra if keep is None else keep * extra
            drop = None
            if drop_p > 0:
                if prev_code == info.code_id:
                    drop = prev_drop
                else:
                    drop = torch.empty(x.shape[0], info.n, device=x.device).bernoulli_(1 - drop_p) / (
                        1 - drop_p
                    )
                    prev_code, prev_drop = info.code_id, drop
            x, e = block(x, keep=keep, drop=drop)
            energies.append(e)
            if labels is not None:
                losses.append(coding_loss(e, codes[labels], info.w / info.n, c.loss_power, c.loss_threshold))
            ci += 1
        logits = self.fc(torch.flatten(self.pool(x), 1))
        total = torch.stack(losses).sum() if losses else torch.zeros((), device=logits.device)
        return ModelOutput(logits=logits, coding_loss=total, block_losses=losses, energies=energies)


def build_coded_resnext(
    preset: str,
    scheme: Scheme | None = None,
    *,
    num_classes: int | None = None,
    plain: bool = False,
    p_drop: float = P_DROP,
    loss_power: float = LOSS_POWER,
    loss_threshold: float = LOSS_THRESHOLD,
    in_chans: int = 3,
    bn_momentum: float = BN_MOMENTUM,
    zero_init_last_bn: bool = ZERO_INIT_LAST_BN,
) -> CodedResNeXt:
    """Coded ResNeXt of ``preset`` with the codes and plan of ``scheme`` (see :func:`resolve_plan`).

    Without a scheme the network is plain and needs ``num_classes``; with one, ``num_classes`` (when given)
    must equal ``scheme.num_classes``. ``plain=True`` makes every block uncoded (the ResNeXt control)."""
    if preset not in PRESETS:
        raise ModelConfigError(f"Unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}.")
    if scheme is not None and not isinstance(scheme, Scheme):
        raise TypeError(f"Argument 'scheme' must be a Scheme or None, not {type(scheme).__name__}.")
    if scheme is None:
        if num_classes is None:
            raise ModelConfigError("A network without a scheme is plain and needs num_classes.")
        plain = True
    else:
        if num_classes is not None and num_classes != scheme.num_classes:
            raise ModelConfigError(
                f"The scheme has {scheme.num_classes} classes but the network was asked for {num_classes}."
            )
        num_classes = scheme.num_classes
    plan = resolve_plan(preset, scheme, plain=plain)
    codes = {}
    for code_id in plan:
        a, n = parse_code_id(code_id)
        if a < n and code_id not in codes:
            codes[code_id] = scheme.code(code_id).matrix
    config = CodedResNeXtConfig(
        preset=preset,
        plan=plan,
        num_classes=num_classes,
        in_chans=in_chans,
        p_drop=p_drop,
        loss_power=loss_power,
        loss_threshold=loss_threshold,
        bn_momentum=bn_momentum,
        zero_init_last_bn=zero_init_last_bn,
    )
    return CodedResNeXt(config, codes, scheme=scheme, plain=plain)


def _register_presets() -> None:
    for name in PRESETS:

        def builder(scheme=None, _name=name, **kwargs):
            return build_coded_resnext(_name, scheme, **kwargs)

        builder.__name__ = f"coded_resnext_{name.replace('-', '_')}"
        builder.__doc__ = f"Coded ResNeXt, preset {name!r}: {PRESETS[name].description}."
        register_model(name, FAMILY)(builder)


_register_presets()
