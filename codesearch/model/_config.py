"""Model configuration and the block plan: which code every residual block uses.

Pure Python (no torch): :func:`resolve_plan` checks a scheme against a preset and returns the plan the
network is built from, so the CLI and the trainer can report a bad scheme before importing torch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .._defaults import BN_MOMENTUM, LOSS_POWER, LOSS_THRESHOLD, P_DROP, ZERO_INIT_LAST_BN
from ..codes import PRESETS, Preset, Scheme, parse_code_id


class ModelConfigError(ValueError):
    """A preset, scheme or option the network cannot be built from; the message is one clear sentence."""


@dataclass(frozen=True)
class CodedResNeXtConfig:
    preset: str  # registry name of the preset (codesearch.codes.PRESETS) giving the stages
    plan: tuple[str, ...]  # code id of every residual block in order; "N/N" means a plain ResNeXt block
    num_classes: int  # K: outputs of the classifier (and codewords of every code)
    in_chans: int = 3  # channels of the input images
    p_drop: float = P_DROP  # DropSubNNs probability (training only; branch outputs rescaled by 1/(1-p))
    loss_power: float = LOSS_POWER  # exponent p of the coding loss max(|r E_n - w_n| - thr, 0)^p
    loss_threshold: float = LOSS_THRESHOLD  # dead zone thr of the coding loss
    bn_momentum: float = BN_MOMENTUM  # momentum of every BatchNorm (PyTorch convention)
    zero_init_last_bn: bool = (
        ZERO_INIT_LAST_BN  # start every block's last BN gamma at 0 (as the paper's code does)
    )

    def __post_init__(self):
        if (
            not isinstance(self.num_classes, int)
            or isinstance(self.num_classes, bool)
            or self.num_classes < 2
        ):
            raise ModelConfigError(f"num_classes must be an integer >= 2, not {self.num_classes!r}.")
        if not isinstance(self.in_chans, int) or isinstance(self.in_chans, bool) or self.in_chans < 1:
            raise ModelConfigError(f"in_chans must be a positive integer, not {self.in_chans!r}.")
        if not isinstance(self.p_drop, (int, float)) or not 0 <= self.p_drop < 1:
            raise ModelConfigError(f"p_drop must lie in [0, 1), not {self.p_drop!r}.")
        if not isinstance(self.loss_power, (int, float)) or not self.loss_power > 0:
            raise ModelConfigError(f"loss_power must be a positive number, not {self.loss_power!r}.")
        if not isinstance(self.loss_threshold, (int, float)) or not self.loss_threshold >= 0:
            raise ModelConfigError(f"loss_threshold must be a number >= 0, not {self.loss_threshold!r}.")


def _stage_of_blocks(preset: Preset) -> list:
    return [s for s in preset.stages for _ in range(s.repeats)]


def _transfer_plan(source: Preset, plan: tuple[str, ...], target: Preset) -> list[str]:
    """Map a plan written for ``source`` onto ``target`` stage by stage (each source stage must use one code)."""
    if len(source.stages) != len(target.stages):
        raise ModelConfigError(
            f"The scheme's plan is for preset {source.name!r} ({len(source.stages)} stages) and cannot be "
            f"used with preset {target.name!r} ({len(target.stages)} stages)."
        )
    out: list[str] = []
    start = 0
    for s_src, s_dst in zip(source.stages, target.stages):
        ids = set(plan[start : start + s_src.repeats])
        start += s_src.repeats
        if len(ids) != 1:
            raise ModelConfigError(
                f"The scheme's plan for preset {source.name!r} uses several codes in stage {s_src.name} "
                f"({', '.join(sorted(ids))}) and cannot be transferred to preset {target.name!r}."
            )
        out.extend([ids.pop()] * s_dst.repeats)
    return out


def resolve_plan(preset: Preset | str, scheme: Scheme | None, *, plain: bool = False) -> tuple[str, ...]:
    """The code id of every block of ``preset`` under ``scheme``.

    * ``plain`` or no scheme: every block ``"N/N"``.
    * ``scheme.blocks is None``: the preset's default plan (:attr:`Preset.blocks`).
    * ``scheme.blocks`` written for another known preset (``scheme.preset``) with the same number of stages
      (the proxies of ``cifar10``/``cifar100``): transferred stage by stage, each source stage using one code.
    * otherwise ``scheme.blocks`` itself, which must have one entry per block.

    Every entry must have the stage's N, and every coded entry (active < N) must be a code of the scheme.
    Raises :class:`ModelConfigError` (a ``ValueError``) with one sentence otherwise.
    """
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise ModelConfigError(f"Unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}.")
        preset = PRESETS[preset]
    stages = _stage_of_blocks(preset)
    if plain or scheme is None:
        return tuple(f"{s.subnns}/{s.subnns}" for s in stages)
    if scheme.blocks is None:
        plan = list(preset.blocks)
    else:
        blocks = tuple(scheme.blocks)
        src = PRESETS.get(scheme.preset) if scheme.preset is not None else None
        if src is not None and src.name != preset.name and len(blocks) == len(src.blocks):
            plan = _transfer_plan(src, blocks, preset)
        else:
            plan = list(blocks)
    if len(plan) != len(stages):
        raise ModelConfigError(
            f"The scheme's plan has {len(plan)} blocks but preset {preset.name!r} has {len(stages)}."
        )
    ids = set(scheme.ids)
    for i, (code_id, stage) in enumerate(zip(plan, stages)):
        try:
            active, n = parse_code_id(code_id)
        except ValueError as exc:
            raise ModelConfigError(f"Block {i}: {exc}") from None
        if n != stage.subnns:
            raise ModelConfigError(
                f"Block {i} (stage {stage.name}) uses code {code_id} with N={n}, but the stage has "
                f"N={stage.subnns} subNNs."
            )
        if active < n and code_id not in ids:
            raise ModelConfigError(
                f"Block {i} (stage {stage.name}) uses code {code_id}, which the scheme does not define "
                f"(it has {', '.join(scheme.ids)})."
            )
    return tuple(plan)


# Scheme file (under schemes/) that a preset trains with when no scheme is given: the proxies share the
# schemes of the dataset they imitate.
SCHEME_FOR_PRESET = {
    "proxy-s": "cifar10",
    "proxy-m": "cifar10",
    "proxy-s100": "cifar100",
    "proxy-m100": "cifar100",
}
SCHEMES_DIR_ENV = "CODESEARCH_SCHEMES_DIR"  # overrides where default scheme files are looked up


def scheme_dirs() -> list[Path]:
    """Folders searched for default schemes: ``$CODESEARCH_SCHEMES_DIR`` alone when set, else the repository's
    ``schemes/`` (next to the package) and ``./schemes``."""
    env = os.environ.get(SCHEMES_DIR_ENV)
    if env:
        return [Path(env)]
    repo = Path(__file__).resolve().parents[2] / "schemes"
    cwd = Path.cwd() / "schemes"
    return [repo] if repo.resolve() == cwd.resolve() else [repo, cwd]


def default_scheme_path(preset: str) -> Path:
    """``schemes/<scheme of preset>.json`` (e.g. ``cifar10.json`` for ``proxy-s``); ModelConfigError when missing."""
    if preset not in PRESETS:
        raise ModelConfigError(f"Unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}.")
    name = SCHEME_FOR_PRESET.get(preset, preset) + ".json"
    dirs = scheme_dirs()
    for d in dirs:
        if (d / name).is_file():
            return d / name
    raise ModelConfigError(
        f"No default scheme {name} for preset {preset!r} (looked in {', '.join(str(d) for d in dirs)}); "
        f"pass --scheme FILE."
    )
