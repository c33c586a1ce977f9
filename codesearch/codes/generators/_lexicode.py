r"""``lexicode``: the paper's Algorithm 1, the baseline every other method is compared against.

1. List the weight-w words of length N in increasing integer order (character 0 of a codeword is the
   most significant bit) and keep each word whose distance to every kept word is at least
   :math:`H_{min}`: the *sorted lexicode*.
2. Pick K of its words greedily: each step adds the word that makes the column spread
   (max column sum - min column sum) of the words picked so far smallest, ties broken by fewer pairs at
   distance :math:`H_{min}` with the words already picked, then at random. The pick is repeated
   ``restarts`` times with different random tie-breaks and the best code by (d, -pairs, -spread) kept.

:math:`H_{min}` is the request's ``min_distance``; without one, the largest even :math:`H_{min}` (from the
distance bound down) whose lexicode has at least K words.

Scanning. Words are produced in chunks by unranking in the colexicographic order of the positions of
ones counted from the least significant bit, which is exactly increasing integer order. A candidate
conflicts with a kept word when they share more than :math:`\lambda = w - H_{min}/2` ones, i.e. share a
:math:`t`-subset of ones with :math:`t = \lambda + 1`. When :math:`\binom{N}{t}` is small enough the scan
marks the t-subsets of kept words in a table and tests a chunk with one gather ("subset" check);
otherwise it compares popcounts of ``candidate & kept`` ("popcount" check). Survivors of the chunk test
are then accepted one by one against the words kept inside the same chunk. The scan stops after
``max_scan`` words (default: 12 000 000 for the subset check, 1 000 000 for the popcount check): with
:math:`\binom{32}{16} \approx 6 \cdot 10^8` words a complete scan is out of reach, and the params record
how far the scan went (``scanned``, ``scan_complete``).
"""

from __future__ import annotations

import time
from itertools import combinations
from math import comb

import numpy as np

from .._code import ConstantWeightCode
from .._metrics import key_of, score_matrix
from ._base import GenerateRequest, GenerateResult, GenerationError, Generator, ProgressFn, register

#: largest number of t-subsets per word and size of the subset table for the "subset" check
_MAX_SUBSETS_PER_WORD = 128
_MAX_SUBSET_TABLE = 60_000_000
#: words whose subset ranks are computed at once in the "subset" check (a cache-sized block)
_RANK_BLOCK = 4096
#: t-subsets of each word checked in the subset check's first pass (:func:`_split_subsets`)
_FIRST_SUBSETS = 16


def _comb_table(n: int, w: int) -> np.ndarray:
    """table[x, i] = C(x, i) for 0 <= x <= n, 0 <= i <= w, as int64."""
    t = np.zeros((n + 1, w + 1), dtype=np.int64)
    for x in range(n + 1):
        for i in range(min(x, w) + 1):
            t[x, i] = comb(x, i)
    return t


def colex_unrank(ranks: np.ndarray, n: int, w: int, table: np.ndarray | None = None) -> np.ndarray:
    r"""Positions (from the least significant bit, ascending) of the ones of the weight-w words of
    colex rank ``ranks``: rank :math:`r = \sum_{i=1}^{w} \binom{c_i}{i}` with :math:`c_1 < \dots < c_w`.
    Colex order of these position sets is increasing integer order of the words."""
    table = _comb_table(n, w) if table is None else table
    r = np.asarray(ranks, dtype=np.int64).copy()
    out = np.empty((r.size, w), dtype=np.int64)
    for i in range(w, 0, -1):
        c = np.searchsorted(table[:n, i], r, side="right") - 1
        out[:, i - 1] = c
        r -= table[c, i]
    return out


def _subset_ranks(pos: np.ndarray, subsets: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Colex ranks (S x C) of the t-subsets (rows of ``subsets``: index tuples into the w positions)
    of each of the C words: rank = sum over m of C(position of the m-th element, m + 1)."""
    w = pos.shape[1]
    t = subsets.shape[1]
    # contrib[p, m, :] = C(pos[:, p], m + 1): the share of slot p when it is the m-th element of a subset
    dtype = np.int32 if table[-1, t] < 2**31 else np.int64
    contrib = np.empty((w, t, pos.shape[0]), dtype=dtype)
    for m in range(t):
        col = table[:, m + 1]
        for p in range(w):
            contrib[p, m] = col[pos[:, p]]
    ranks = contrib[subsets[:, 0], 0].copy()
    for m in range(1, t):
        ranks += contrib[subsets[:, m], m]
    return ranks


def _split_subsets(subsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The subset check in two passes: ``_FIRST_SUBSETS`` of the t-subsets, evenly spaced in lexicographic
    order (so they cover all w positions), then the rest for the words none of the first ones rejects.

    A scanned word is almost always rejected, and usually by one of a few spread-out subsets, so the second
    pass sees a small share of the words; the kept words are the same (every subset is still checked).
    """
    if len(subsets) <= _FIRST_SUBSETS:
        return subsets, subsets[:0]
    first = np.arange(0, len(subsets), len(subsets) // _FIRST_SUBSETS)[:_FIRST_SUBSETS]
    rest = np.setdiff1d(np.arange(len(subsets)), first)
    return subsets[first], subsets[rest]


def lexicode_words(
    n: int,
    w: int,
    h: int,
    *,
    max_scan: int | None = None,
    time_limit: float | None = None,
    progress: ProgressFn | None = None,
    seed_words: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """The sorted lexicode of weight w, length n and distance ``h`` (even), within the scan cap.

    Returns (kept words as a uint64 array of integers, in integer order; info dict with ``scanned``,
    ``scan_complete``, ``check``, ``time_cap_hit``). Bit ``N - 1 - j`` of an integer is character j.
    ``seed_words`` (integers of weight w, pairwise at distance >= h): the scan starts with them kept, so the
    result is their greedy completion (the seeds first, then the scanned words in integer order).
    """
    if n > 63:
        raise ValueError(f"lexicode supports N <= 63, not {n}.")
    lam = w - h // 2
    if lam < 0:
        raise ValueError(f"Distance {h} exceeds 2w = {2 * w}.")
    total = comb(n, w)
    table = _comb_table(n, w)
    t = lam + 1
    use_subsets = t <= w and comb(w, t) <= _MAX_SUBSETS_PER_WORD and comb(n, t) <= _MAX_SUBSET_TABLE
    if max_scan is None:
        max_scan = 12_000_000 if use_subsets else 1_000_000
    limit = min(total, int(max_scan))
    subsets = np.array(list(combinations(range(w), t)), dtype=np.int64) if use_subsets else None
    if use_subsets:
        first, rest = _split_subsets(subsets)
    marks = np.zeros(comb(n, t), dtype=bool) if use_subsets else None
    kept: list[int] = []
    kept_arr = np.zeros(0, dtype=np.uint64)
    pow2 = np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64))
    if seed_words is not None and len(seed_words):
        seeds = np.asarray(seed_words, dtype=np.uint64)
        kept = [int(x) for x in seeds]
        kept_arr = seeds.copy()
        if use_subsets:
            spos = np.array([[b for b in range(n) if (int(x) >> b) & 1] for x in seeds], dtype=np.int64)
            marks[_subset_ranks(spos, subsets, table).reshape(-1)] = True
    t0 = time.perf_counter()
    start, chunk, capped = 0, 4096, False
    while start < limit:
        stop = min(limit, start + chunk)
        pos = colex_unrank(np.arange(start, stop, dtype=np.int64), n, w, table)
        ints = pow2[pos].sum(axis=1, dtype=np.uint64)
        if use_subsets:
            # in blocks of _RANK_BLOCK words: the S x block rank arrays stay in cache (6x faster than
            # one S x chunk array at chunk = 2^17); the result does not depend on the block size
            ok = np.empty(ints.size, dtype=bool)
            for b in range(0, ints.size, _RANK_BLOCK):
                p = pos[b : b + _RANK_BLOCK]
                okb = ~marks[_subset_ranks(p, first, table)].any(axis=0)
                idx = np.flatnonzero(okb)
                if idx.size and rest.size:
                    okb[idx] = ~marks[_subset_ranks(p[idx], rest, table)].any(axis=0)
                ok[b : b + _RANK_BLOCK] = okb
        else:
            ok = np.ones(ints.size, dtype=bool)
            for s in range(0, kept_arr.size, 256):
                block = kept_arr[s : s + 256]
                idx = np.flatnonzero(ok)
                if idx.size == 0:
                    break
                bad = (np.bitwise_count(ints[idx, None] & block[None, :]) > lam).any(axis=1)
                ok[idx[bad]] = False
        survivors = np.flatnonzero(ok)
        if use_subsets:
            sranks = _subset_ranks(pos[survivors], subsets, table)  # S x survivors
        new: list[int] = []
        new_arr = np.zeros(0, dtype=np.uint64)
        for col, s in enumerate(survivors):
            x = ints[s]
            if new_arr.size and (np.bitwise_count(new_arr & x) > lam).any():
                continue
            new.append(int(x))
            new_arr = np.append(new_arr, x)
            if use_subsets:
                marks[sranks[:, col]] = True
        kept.extend(new)
        if new:
            kept_arr = np.concatenate([kept_arr, new_arr])
        if survivors.size < 0.05 * (stop - start):
            chunk = min(chunk * 2, 1 << 17)
        start = stop
        if progress:
            progress(start / limit, f"lexicode H={h}: {len(kept)} words after {start} of {total}")
        if time_limit is not None and time.perf_counter() - t0 > time_limit and start < limit:
            capped = True
            break
    info = {
        "scanned": int(start),
        "scan_complete": bool(start >= total),
        "check": "subset" if use_subsets else "popcount",
        "time_cap_hit": capped,
    }
    return np.array(kept, dtype=np.uint64), info


def words_to_ints(matrix: np.ndarray) -> np.ndarray:
    """Rows of bits -> integers, character j = bit N - 1 - j (the inverse of :func:`words_to_matrix`)."""
    n = matrix.shape[1]
    shifts = np.arange(n - 1, -1, -1, dtype=np.uint64)
    return (np.asarray(matrix).astype(np.uint64) << shifts).sum(axis=1, dtype=np.uint64)


def words_to_matrix(words: np.ndarray, n: int) -> np.ndarray:
    """Integers -> rows of bits, character j = bit N - 1 - j."""
    shifts = np.arange(n - 1, -1, -1, dtype=np.uint64)
    return ((words[:, None] >> shifts[None, :]) & np.uint64(1)).astype(np.uint8)


def select_balanced(
    cand: np.ndarray, k: int, lam: int, rng: np.random.Generator, restarts: int = 1
) -> np.ndarray:
    """Algorithm 1's selection: K rows of ``cand`` (L x N) picked greedily by (column spread after
    adding, new pairs at overlap ``lam``), random among ties; the best of ``restarts`` runs."""
    L, n = cand.shape
    cf = cand.astype(np.float64)
    cb = np.asarray(cand, dtype=bool)
    best, best_key = None, None
    for _ in range(restarts):
        cs = np.zeros(n, dtype=np.int64)
        npairs = np.zeros(L, dtype=np.int64)
        free = np.ones(L, dtype=bool)
        chosen = []
        for _step in range(k):
            # spread of cs + row for every row without forming cs + cand: with 0/1 rows the maximum goes
            # up by one iff the row has a one in a fullest column, the minimum iff it covers every
            # emptiest column (L x |argmax| and L x |argmin| instead of three passes over L x N)
            hi, lo = cs.max(), cs.min()
            spread = (hi - lo) + cb[:, cs == hi].any(axis=1) - cb[:, cs == lo].all(axis=1)
            score = spread.astype(np.int64) * (k * k + 1) + npairs
            score[~free] = np.iinfo(np.int64).max
            ties = np.flatnonzero(score == score.min())
            pick = int(ties[rng.integers(ties.size)])
            chosen.append(pick)
            free[pick] = False
            cs += cand[pick]
            npairs += (cf @ cf[pick]).astype(np.int64) == lam
        m = cand[np.array(chosen)]
        key = key_of(score_matrix(m))
        if best_key is None or key > best_key:
            best, best_key = m, key
    return best


@register
class LexicodeGenerator(Generator):
    """The paper's Algorithm 1 (sorted lexicode at distance H_min + greedy balanced selection).

    params: ``max_scan`` (words scanned per lexicode; default 12 000 000 with the subset check,
    1 000 000 with the popcount check), ``h_floor`` (the smallest H_min tried when the request has no
    ``min_distance``; default 2: ``auto`` sets it to the distance an earlier method already reached,
    since a lexicode below it cannot win), ``restarts`` (greedy selections with different random
    tie-breaks, default 8 when K * L <= 200 000, else 2).
    """

    name = "lexicode"

    def size_limit(self, req: GenerateRequest) -> str | None:
        from .._limits import LARGE_CLASSES

        if req.subnns > 63:
            return f"lexicode supports N <= 63, not {req.subnns}"
        if req.classes > LARGE_CLASSES:
            return f"lexicode's balanced selection supports K <= {LARGE_CLASSES}, not {req.classes}"
        return None

    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
        t0 = time.perf_counter()
        k, n, w = req.classes, req.subnns, req.active
        rng = np.random.default_rng(req.seed)
        max_scan = req.params.get("max_scan")
        if req.min_distance is not None:
            candidates_h = [int(req.min_distance) + (int(req.min_distance) % 2)]
        else:
            from ..bounds import max_distance_bound

            top = int(max_distance_bound(k, n, w))
            floor = int(req.params.get("h_floor", 2))
            candidates_h = [h for h in range(top - top % 2, 1, -2) if h >= floor]
            if not candidates_h:
                raise GenerationError(
                    f"lexicode: no H_min to try: params['h_floor'] = {floor} is above the distance bound {top}."
                )
        tried = {}
        for h in candidates_h:
            remaining = req.time_limit - (time.perf_counter() - t0)
            words, info = lexicode_words(
                n, w, h, max_scan=max_scan, time_limit=max(remaining, 0.0), progress=progress
            )
            tried[str(h)] = int(words.size)
            if words.size >= k or info["time_cap_hit"]:
                break
        if words.size < k:
            floor_note = f"; H_min below {h} not tried (h_floor)" if "h_floor" in req.params and h > 2 else ""
            raise GenerationError(
                f"lexicode: the sorted lexicode at distance {h} has only {words.size} words "
                f"(fewer than {k}) within the first {info['scanned']} words scanned"
                f"{' (time limit hit)' if info['time_cap_hit'] else ''}{floor_note}."
            )
        cand = words_to_matrix(words, n)
        restarts = int(req.params.get("restarts", 8 if k * cand.shape[0] <= 200_000 else 2))
        if restarts < 1:
            raise ValueError(f"params['restarts'] must be at least 1, not {restarts}.")
        if progress:
            progress(1.0, f"lexicode: selecting {k} of {cand.shape[0]} words")
        m = select_balanced(cand, k, w - h // 2, rng, restarts)
        params = {
            "h_min": h,
            "lexicode_size": int(words.size),
            "lexicode_sizes_tried": tried,
            "restarts": restarts,
            "max_scan": None if max_scan is None else int(max_scan),
            **info,
        }
        return GenerateResult(ConstantWeightCode(m), self.name, req.seed, params, time.perf_counter() - t0)
