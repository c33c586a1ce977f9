"""Scores of a constant-weight code, all recomputed from the matrix."""

from __future__ import annotations

import numpy as np

from ._code import ConstantWeightCode
from ._large import overlap_histogram, score_from_histogram


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
    from .bounds import lp_min_pairs, max_distance_bound

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


def score_matrix(m: np.ndarray) -> tuple[int, int, int]:
    r"""(d, pairs at d, column spread) of a constant-weight 0/1 matrix, without building a code.

    With :math:`g_{ab}` the overlap of rows :math:`a, b` and weight :math:`w`,
    :math:`d_H = 2(w - g_{ab})`, so the minimum distance comes from the largest off-diagonal overlap.
    """
    m = np.asarray(m)
    w = int(m[0].sum())
    d, pairs = score_from_histogram(overlap_histogram(m), w)
    cs = m.sum(axis=0)
    return d, pairs, int(cs.max() - cs.min())


def key_of(score: tuple[int, int, int]) -> tuple[int, int, int]:
    """Preference key of a (d, pairs, spread) score, as :func:`codesearch.codes.sort_key`: larger is better."""
    d, pairs, spread = score
    return (d, -pairs, -spread)


def balanced_spread(k: int, n: int, w: int) -> int:
    """The smallest column spread a K-word weight-w code of length N can have: 0 if N divides wK, else 1."""
    return 0 if (w * k) % n == 0 else 1
