"""Network presets: the stage tables of Table 1 of the Coded ResNeXt paper, plus small proxies.

Pure data (no torch): the coding core uses them to build whole-network schemes, the model package
uses them to build networks. A block's code id is ``"<active>/<subnns>"``; ``"N/N"`` is uncoded.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageSpec:
    name: str  # stage label as in Table 1 ("c2", "c3", ...)
    cout: int  # output channels of every block of the stage
    width: int  # d: channels inside one branch (subNN)
    subnns: int  # N: number of parallel branches
    active: int  # N_act: active branches per class in the preset's default scheme (N = uncoded)
    repeats: int  # number of blocks in the stage
    stride: int  # stride of the first block of the stage

    @property
    def code_id(self) -> str:
        return f"{self.active}/{self.subnns}"

    @property
    def coded(self) -> bool:
        return self.active < self.subnns


@dataclass(frozen=True)
class Preset:
    name: str  # registry key
    num_classes: int  # K the preset is meant for (its default scheme's number of classes)
    stem: str  # "cifar" (conv3x3) or "imagenet" (conv7x7 s2 + maxpool 3x3 s2)
    stem_channels: int  # output channels of the stem convolution
    input_size: tuple[int, int]  # (H, W) of the images the preset expects
    stages: tuple[StageSpec, ...]  # residual stages in order
    description: str = ""  # one line for help texts

    @property
    def blocks(self) -> list[str]:
        """Code id of every block in order (the default ``blocks`` plan of a scheme)."""
        return [s.code_id for s in self.stages for _ in range(s.repeats)]

    @property
    def code_shapes(self) -> list[tuple[int, int]]:
        """Distinct coded (active, subnns) pairs, in order of first use."""
        out: list[tuple[int, int]] = []
        for s in self.stages:
            if s.coded and (s.active, s.subnns) not in out:
                out.append((s.active, s.subnns))
        return out


def _st(name, cout, width, active, subnns, repeats, stride):
    return StageSpec(name, cout, width, subnns, active, repeats, stride)


PRESETS: dict[str, Preset] = {
    "cifar10": Preset(
        "cifar10",
        10,
        "cifar",
        64,
        (32, 32),
        (
            _st("c2", 256, 11, 10, 10, 3, 1),
            _st("c3", 512, 22, 5, 10, 3, 2),
            _st("c4", 1024, 44, 3, 10, 3, 2),
        ),
        "ResNeXt-29 (10x11d), CIFAR-10, Table 1",
    ),
    "cifar100": Preset(
        "cifar100",
        100,
        "cifar",
        64,
        (32, 32),
        (
            _st("c2", 256, 6, 20, 20, 3, 1),
            _st("c3", 512, 12, 8, 20, 3, 2),
            _st("c4", 1024, 24, 4, 20, 3, 2),
        ),
        "ResNeXt-29 (20x6d), CIFAR-100, Table 1",
    ),
    "imagenet": Preset(
        "imagenet",
        1000,
        "imagenet",
        64,
        (224, 224),
        (
            _st("c2", 256, 4, 32, 32, 3, 1),
            _st("c3", 512, 8, 32, 32, 4, 2),
            _st("c4", 1024, 16, 16, 32, 6, 2),
            _st("c5", 2048, 32, 8, 32, 3, 2),
        ),
        "ResNeXt-50 (32x4d), ImageNet, Table 1",
    ),
    # Small proxies with the same stage structure and the same code ids as cifar10 / cifar100, so the
    # schemes of those presets train on them unchanged. Two blocks in the coded stages exercise the
    # "same code, same mask" rule.
    "proxy-s": Preset(
        "proxy-s",
        10,
        "cifar",
        16,
        (8, 8),
        (
            _st("c2", 32, 2, 10, 10, 1, 1),
            _st("c3", 64, 4, 5, 10, 2, 2),
            _st("c4", 128, 8, 3, 10, 2, 2),
        ),
        "tiny cifar10-shaped proxy for 8x8 / 8x16 inputs (10 classes)",
    ),
    "proxy-s100": Preset(
        "proxy-s100",
        100,
        "cifar",
        16,
        (8, 16),
        (
            _st("c2", 64, 2, 20, 20, 1, 1),
            _st("c3", 128, 4, 8, 20, 2, 2),
            _st("c4", 256, 8, 4, 20, 2, 2),
        ),
        "tiny cifar100-shaped proxy for 8x16 inputs (100 classes)",
    ),
    "proxy-m": Preset(
        "proxy-m",
        10,
        "cifar",
        32,
        (32, 32),
        (
            _st("c2", 64, 4, 10, 10, 1, 1),
            _st("c3", 128, 8, 5, 10, 2, 2),
            _st("c4", 256, 16, 3, 10, 2, 2),
        ),
        "small cifar10-shaped proxy for 32x32 inputs (10 classes)",
    ),
    "proxy-m100": Preset(
        "proxy-m100",
        100,
        "cifar",
        32,
        (32, 32),
        (
            _st("c2", 64, 4, 20, 20, 1, 1),
            _st("c3", 128, 6, 8, 20, 2, 2),
            _st("c4", 256, 12, 4, 20, 2, 2),
        ),
        "small cifar100-shaped proxy for 32x32 inputs (100 classes)",
    ),
}


def get_preset(name: str) -> Preset:
    """Look a preset up by name; ValueError names the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"Unknown preset {name!r}; choose one of: {', '.join(PRESETS)}.") from None
