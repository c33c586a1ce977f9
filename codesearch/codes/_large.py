r"""Pairwise scores of large codes in bounded memory: chunked overlap histograms and conflict lists.

A code of :math:`K` words has :math:`K(K-1)/2` pairs -- 5 * 10^9 at K = 100,000 -- so nothing here ever
holds a K x K matrix. Rows are compared in chunks of ``CHUNK_ROWS`` against the rows after them (the upper
triangle only), and each chunk's overlaps are reduced at once (a histogram, or the few pairs above a
threshold). Two weight-:math:`w` words meeting in :math:`g` positions are at distance :math:`2(w - g)`.

The overlaps of a chunk are one float32 matrix product of 0/1 rows (exact: sums of at most 128 ones). On the
shared 2-core machine of the docs this took 0.30 s for 512 x 100,000 words of 128 bits, against 2.3 s for
the same block with bit-packed ``np.bitwise_count`` popcounts, so the BLAS product is used for whole
passes; single rows are checked with packed popcounts (:func:`pack_rows`, :func:`row_overlaps`).
The chunk is cast to ``uint8`` and histogrammed whole, minus the lower triangle of its leading square
(0.23 s of CPU per 512 x 100,000 chunk, against 1.8 s for an ``int16`` cast and a boolean mask over the
chunk). :func:`histogram_and_conflicts` gives the histogram and the conflicting pairs in one pass, and
:func:`replace_rows_in_histogram` keeps a histogram exact while a few rows change (the repair's moves), so
a repaired code is scored without a second pass.
Peak extra memory of a pass: about ``CHUNK_ROWS * K * 5`` bytes (256 MB at K = 100,000).
"""

from __future__ import annotations

import numpy as np

from ._bits import row_overlaps

#: rows per chunk of a pairwise pass
CHUNK_ROWS = 512


def _chunks(k: int):
    for lo in range(0, k, CHUNK_ROWS):
        yield lo, min(k, lo + CHUNK_ROWS)


def _chunk_overlaps(f: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Overlaps of rows lo..hi with rows lo..K as uint8 (N <= 255: exact), one float32 BLAS product."""
    return (f[lo:hi] @ f[lo:].T).astype(np.uint8)


def _upper_bincount(g: np.ndarray, length: int) -> np.ndarray:
    """Histogram of a chunk's overlaps with the pairs (a, b), b > a, only: the whole chunk minus the
    diagonal and lower triangle of its leading square (no boolean mask over the whole chunk)."""
    rows = g.shape[0]
    full = np.bincount(g.ravel(), minlength=length)[:length]
    low = g[:, :rows][np.tril_indices(rows)]
    return full - np.bincount(low, minlength=length)[:length]


def overlap_histogram(m: np.ndarray) -> np.ndarray:
    """``h[g]`` = number of unordered row pairs of the 0/1 matrix ``m`` sharing exactly ``g`` ones."""
    return histogram_and_conflicts(m, None)[0]


def histogram_and_conflicts(m: np.ndarray, t: int | None) -> tuple[np.ndarray, np.ndarray]:
    """One chunked pass: the overlap histogram and (``t`` given) the ``P x 2`` pairs (a < b) sharing more
    than ``t`` ones, in row order (empty when ``t`` is None)."""
    m = np.asarray(m)
    k, n = m.shape
    if n > 255:  # pragma: no cover - MAX_SUBNNS is 128
        raise ValueError(f"Overlaps are counted in uint8: N <= 255, not {n}.")
    f = m.astype(np.float32)
    hist = np.zeros(n + 1, dtype=np.int64)
    out = []
    for lo, hi in _chunks(k):
        g = _chunk_overlaps(f, lo, hi)
        hist += _upper_bincount(g, n + 1)
        if t is not None:
            a, b = np.nonzero(g > t)
            keep = b > a  # b indexes rows lo.., a rows lo..hi: b > a means row lo+b after row lo+a
            out.append(np.stack([a[keep] + lo, b[keep] + lo], axis=1))
    pairs = np.concatenate(out).astype(np.int64) if out else np.zeros((0, 2), dtype=np.int64)
    return hist, pairs


def conflict_pairs(m: np.ndarray, t: int) -> np.ndarray:
    """``P x 2`` array (a < b) of the row pairs of ``m`` sharing more than ``t`` ones, in row order."""
    return histogram_and_conflicts(m, t)[1]


def replace_rows_in_histogram(
    hist: np.ndarray, packed: np.ndarray, rows: tuple[int, ...], new_rows: np.ndarray
) -> None:
    """Update ``hist`` (in place) and ``packed`` for the rows ``rows`` of the code becoming ``new_rows``
    (packed, one per row): the pairs touching those rows are taken out, then put back with the new words.
    Costs a few packed popcount passes over the K rows, no pairwise pass."""
    length = len(hist)
    rows = tuple(int(r) for r in rows)

    def touching(sign: int) -> None:
        done: list[int] = []
        for r in rows:
            ov = row_overlaps(packed, packed[r])
            keep = np.ones(len(ov), dtype=bool)
            keep[[r, *done]] = False  # each pair once: not with itself nor with a row already counted
            hist[:] += sign * np.bincount(ov[keep], minlength=length)[:length]
            done.append(r)

    touching(-1)
    for r, new in zip(rows, np.asarray(new_rows)):
        packed[r] = new
    touching(+1)


def score_from_histogram(hist: np.ndarray, w: int) -> tuple[int, int]:
    """(minimum distance, pairs at it) from an overlap histogram of weight-``w`` words."""
    top = int(np.flatnonzero(hist)[-1])
    return 2 * (w - top), int(hist[top])
