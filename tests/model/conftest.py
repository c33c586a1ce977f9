"""Schemes for the model tests, built from simple codes (never from schemes/)."""

import numpy as np
import pytest
import torch

from codesearch.codes import PRESETS, ConstantWeightCode, Scheme, SchemeCode


def cyclic_code(k: int, n: int, w: int) -> ConstantWeightCode:
    """K distinct weight-w words: cyclic shifts of 1^w 0^(n-w), then of other seeds if K > n."""
    rows, seen = [], set()
    rng = np.random.default_rng(1234 + 7 * n + w)
    base = [1] * w + [0] * (n - w)
    seeds = [base]
    while len(rows) < k:
        if not seeds:
            seeds.append(list(rng.permutation(base)))
        s = seeds.pop(0)
        for shift in range(n):
            word = tuple(s[-shift:] + s[:-shift]) if shift else tuple(s)
            if word not in seen:
                seen.add(word)
                rows.append(word)
                if len(rows) == k:
                    break
    return ConstantWeightCode(np.array(rows, dtype=np.uint8))


def preset_scheme(preset: str, num_classes: int | None = None, blocks=None) -> Scheme:
    p = PRESETS[preset]
    k = num_classes or p.num_classes
    codes = tuple(SchemeCode(cyclic_code(k, n, w)) for w, n in p.code_shapes)
    return Scheme(k, codes, blocks=tuple(blocks) if blocks is not None else None, preset=preset)


def randomize_bn(model, seed=0):
    """Random BN affine parameters and running statistics, so every branch matters in eval mode."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=g))
                m.bias.copy_(0.2 * torch.randn(c, generator=g))
                m.running_mean.copy_(0.1 * torch.randn(c, generator=g))
                m.running_var.copy_(0.5 + torch.rand(c, generator=g))
    return model


@pytest.fixture(autouse=True)
def _torch_threads():
    torch.set_num_threads(1)
    yield
