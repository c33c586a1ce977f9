"""The 0/1 mask of every block of a scheme's plan (numpy only).

A block's mask is a (K, N) uint8 array: row k says which of the block's N subNNs work for class k. Coded
blocks take their code's matrix; uncoded blocks ("N/N") get all ones.
"""

from __future__ import annotations

import numpy as np

from ._presets import PRESETS
from ._scheme import Scheme, parse_code_id


def scheme_plan(scheme: Scheme) -> tuple[str, ...]:
    """The code id of every block: ``scheme.blocks``, else the default plan of ``scheme.preset``.

    ValueError when the scheme has neither (there is no plan to give)."""
    if scheme.blocks is not None:
        return tuple(scheme.blocks)
    if scheme.preset in PRESETS:
        return tuple(PRESETS[scheme.preset].blocks)
    raise ValueError("The scheme has no 'blocks' plan and no known 'preset' to take one from.")


def code_mask(scheme: Scheme, code_id: str) -> np.ndarray:
    """(K, N) uint8 mask of ``code_id``: the code's matrix, or all ones for an uncoded ``"N/N"``."""
    active, n = parse_code_id(code_id)
    if active == n:
        return np.ones((scheme.num_classes, n), dtype=np.uint8)
    return np.array(scheme.code(code_id).matrix, dtype=np.uint8)


def block_masks(scheme: Scheme, plan=None) -> list[np.ndarray]:
    """One (K, N) uint8 array per block of ``plan`` (default :func:`scheme_plan`), in block order.

    Blocks that use the same code share equal (but separate, writable) arrays."""
    plan = scheme_plan(scheme) if plan is None else tuple(plan)
    cache: dict[str, np.ndarray] = {}
    out = []
    for code_id in plan:
        if code_id not in cache:
            cache[code_id] = code_mask(scheme, code_id)
        out.append(cache[code_id].copy())
    return out
