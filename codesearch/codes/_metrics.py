"""Scores of a constant-weight code, all recomputed from the matrix."""

from __future__ import annotations

import numpy as np

from ._code import ConstantWeightCode


def distance_spectrum(code: ConstantWeightCode) -> dict[int, int]:
    """Number of unordered codeword pairs at each Hamming distance (only distances that occur)."""
    h = code.overlap_histogram
    return {2 * (code.w - g): int(h[g]) for g in range(len(h) - 1, -1, -1) if h[g]}


def pairs_at_min_distance(code: ConstantWeightCode) -> int:
    """How many unordered pairs sit at the minimum distance."""
    return distance_spectrum(code)[code.d]


def column_relations(code: ConstantWeightCode) -> dict:
    """Duplicate and complementary columns (two subNNs serving the same / exactly the other classes)
    and the minimum Hamming distance between two columns."""
    cols = code.matrix.T.astype(np.float64)
    k = code.size
    # rows where columns a and b differ: s_a + s_b - 2 <a, b> (one BLAS product, exact in float64)
    sums = cols.sum(axis=1)
    dist = np.rint(sums[:, None] + sums[None, :] - 2 * (cols @ cols.T)).astype(np.int64)
    iu = np.triu_indices(code.n, 1)
    duplicate = [[int(a), int(b)] for a, b in zip(*iu) if dist[a, b] == 0]
    complementary = [[int(a), int(b)] for a, b in zip(*iu) if dist[a, b] == k]
    return {
        "duplicate_columns": duplicate,
        "complementary_columns": complementary,
        "min_column_distance": int(dist[iu].min()) if len(iu[0]) else 0,
    }


def sort_key(code: ConstantWeightCode) -> tuple[int, int, int]:
    """Order of preference between codes of the same (K, N, w): larger is better.

    (min distance up, pairs at min distance down, column spread down)."""
    return (code.d, -pairs_at_min_distance(code), -code.column_spread)


def code_metrics(code: ConstantWeightCode) -> dict:
    """Every metric stored in a scheme file, recomputed from ``code``; JSON-ready, deterministic."""
    from ._bounds import lp_min_pairs, max_distance_bound

    spectrum = distance_spectrum(code)
    bound = max_distance_bound(code.size, code.n, code.w)
    lp_pairs = lp_min_pairs(code.size, code.n, code.w, code.d)
    cs = code.column_sums
    return {
        "num_codewords": code.size,
        "min_distance": code.d,
        "pairs_at_min_distance": spectrum[code.d],
        "distance_spectrum": {str(k): v for k, v in spectrum.items()},
        "column_sums": [int(c) for c in cs],
        "column_spread": int(cs.max() - cs.min()),
        **column_relations(code),
        "max_distance_bound": int(bound),
        "lp_min_pairs_at_min_distance": None if lp_pairs is None else int(lp_pairs),
    }
