"""Choosing the number of subNNs N for a ratio w/N (``codesearch generate --ratio``)."""

from __future__ import annotations

from fractions import Fraction
from math import comb

from ..bounds import max_distance_bound
from ._base import GenerateRequest, GenerateResult, GenerationError, ProgressFn, generate

#: The largest N that :func:`choose_subnns` tries.
MAX_AUTO_SUBNNS = 64


class NoSubnnsFound(GenerationError):
    """No N up to :data:`MAX_AUTO_SUBNNS` with the ratio gives the classes at the distance."""


def choose_subnns(
    classes: int,
    ratio: Fraction,
    min_distance: int,
    method: str,
    seed: int,
    time_limit: float,
    progress: ProgressFn | None = None,
) -> tuple[GenerateResult, list[str]]:
    r"""The code of the smallest :math:`N` (a multiple of the ratio's denominator, :math:`w = rN`) with
    :math:`\binom{N}{w} \ge K` for which ``method`` finds a code at :math:`d \ge` ``min_distance``.

    Sizes whose Johnson/LP bound is below ``min_distance`` are skipped without running the generator.
    Returns the generator's result and one line per smaller N saying why it was skipped;
    :class:`NoSubnnsFound` when no N up to :data:`MAX_AUTO_SUBNNS` works."""
    reasons: list[str] = []
    m = 1
    while ratio.denominator * m <= MAX_AUTO_SUBNNS:
        n, w = ratio.denominator * m, ratio.numerator * m
        m += 1
        if comb(n, w) < classes:
            reasons.append(f"N={n}, w={w}: only C({n},{w})={comb(n, w)} words < {classes} classes")
            continue
        bound = max_distance_bound(classes, n, w)
        if bound < min_distance:
            reasons.append(f"N={n}, w={w}: the Johnson/LP bound allows d <= {bound} < {min_distance}")
            continue
        req = GenerateRequest(classes, n, w, seed=seed, min_distance=min_distance, time_limit=time_limit)
        try:
            return generate(method, req, progress), reasons
        except GenerationError as exc:
            reasons.append(f"N={n}, w={w}: {method} found no code with d >= {min_distance} ({exc})")
    raise NoSubnnsFound(
        f"no N <= {MAX_AUTO_SUBNNS} with ratio {ratio} gives {classes} codewords at distance >= {min_distance}"
    )
