r"""Lift a code by one distance step when only a few pairs sit at its minimum distance.

A code with largest overlap :math:`t` (distance :math:`d = 2(w - t)`) and a handful of pairs at :math:`t` is
often one replacement away from distance :math:`d + 2`. :func:`lift_distance`:

1. covers the pairs at overlap :math:`t` greedily by rows (the row in most such pairs first, ties to the
   lowest index) -- the rows :math:`S` to replace; the other rows meet pairwise in at most :math:`t - 1`;
2. scans candidate words of weight :math:`w` -- all :math:`\binom{N}{w}` of them when there are at most
   ``MAX_EXHAUSTIVE`` (colex order), else ``samples`` random words from the seeded generator, in all at most
   ``MAX_WORK`` word-row popcounts -- and keeps those
   meeting every remaining row in at most :math:`t - 1` ones (bit-packed, chunked popcounts);
3. picks :math:`|S|` of them greedily, each meeting the picks before it in at most :math:`t - 1` ones, the one
   whose ones fall on the emptiest columns first (rule C), ties to the scan order.

It returns the new matrix (distance at least :math:`d + 2`, the same K, rows distinct) or None. Everything is
counted (words scanned), so the same input and seed give the same result.
"""

from __future__ import annotations

from math import comb

import numpy as np

from ._bits import overlaps
from .generators._lexicode import colex_unrank, words_to_ints, words_to_matrix

#: largest C(N, w) scanned exhaustively; above it, ``samples`` random words
MAX_EXHAUSTIVE = 2_000_000
#: random candidate words scanned when C(N, w) is larger
SAMPLES = 400_000
#: most rows :func:`lift_distance` replaces (a code with more pairs at d is not "nearly" at d + 2)
MAX_REPLACED = 64
#: most (candidate word, kept row) popcounts one lift may compute (a counted budget, a few seconds)
MAX_WORK = 2_000_000_000
_CHUNK = 4096


def _candidates(n: int, w: int, rng: np.random.Generator, samples: int, exhaustive: bool):
    """Chunks of candidate words as integers: every weight-w word, or ``samples`` random ones."""
    total = comb(n, w)
    pow2 = np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64))
    if exhaustive:
        for start in range(0, total, _CHUNK):
            pos = colex_unrank(np.arange(start, min(total, start + _CHUNK), dtype=np.int64), n, w)
            yield pow2[pos].sum(axis=1, dtype=np.uint64)
        return
    for start in range(0, samples, _CHUNK):
        size = min(_CHUNK, samples - start)
        pos = np.argsort(rng.random((size, n)), axis=1)[:, :w]
        yield pow2[pos].sum(axis=1, dtype=np.uint64)


def lift_distance(
    matrix: np.ndarray, seed: int = 0, samples: int = SAMPLES, max_replaced: int = MAX_REPLACED
) -> np.ndarray | None:
    """The code with its pairs at the minimum distance replaced away (distance + 2), or None.

    ``matrix``: K x N 0/1 rows of weight w, N <= 63. None when more than ``max_replaced`` rows would have to
    go, or when the scan finds too few compatible words.
    """
    m = np.asarray(matrix, dtype=np.int8)
    k, n = m.shape
    if k < 2 or n > 63:
        return None
    w = int(m[0].sum())
    g = overlaps(m)
    np.fill_diagonal(g, -1)
    t = int(g.max())
    if t <= 0:
        return None
    # 1. greedy cover of the pairs at overlap t
    at_t = g == t
    replace: list[int] = []
    deg = at_t.sum(axis=1)
    while deg.max() > 0:
        a = int(np.argmax(deg))
        replace.append(a)
        if len(replace) > max_replaced:
            return None
        at_t[a, :] = False
        at_t[:, a] = False
        deg = at_t.sum(axis=1)
    keep = np.setdiff1d(np.arange(k), replace)
    rows = words_to_ints(m[keep])
    cols = m[keep].sum(axis=0).astype(np.int64)
    # 2. candidates meeting every kept row in at most t - 1 ones
    rng = np.random.default_rng([seed, k, n, w, t])
    found = []
    # the scan is counted: at most MAX_WORK popcounts (exhaustive when C(N, w) fits, else sampled)
    cap = MAX_WORK // max(1, len(rows))
    exhaustive = comb(n, w) <= min(MAX_EXHAUSTIVE, cap)
    for chunk in _candidates(n, w, rng, min(samples, cap), exhaustive):
        ok = np.ones(len(chunk), dtype=bool)
        for s in range(0, len(rows), 512):
            idx = np.flatnonzero(ok)
            if not len(idx):
                break
            ok[idx[(np.bitwise_count(chunk[idx, None] & rows[None, s : s + 512]) >= t).any(axis=1)]] = False
        found.append(chunk[ok])
    pool = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.uint64)
    if len(pool) < len(replace):
        return None
    # 3. greedy picks: pairwise at most t - 1, emptiest columns first
    bits = words_to_matrix(pool, n).astype(np.int8)
    alive = np.ones(len(pool), dtype=bool)
    picks = []
    for _ in replace:
        idx = np.flatnonzero(alive)
        if not len(idx):
            return None
        load = bits[idx] @ cols
        j = int(idx[int(np.argmin(load))])
        picks.append(j)
        cols += bits[j]
        alive[j] = False
        alive &= np.bitwise_count(pool & pool[j]) < t
    out = m.copy()
    out[replace] = bits[picks]
    return out
