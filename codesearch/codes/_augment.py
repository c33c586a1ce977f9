r"""Distance-4 constant-weight codes: Graham-Sloane partition classes grown by a (1, 2)-swap local search.

Two weight-:math:`w` words are at distance 2 exactly when one is the other with a single one moved, so a
code with distance :math:`\ge 4` is an independent set of the Johnson graph :math:`J(n, w)` (vertices the
:math:`\binom{n}{w}` words, edges the :math:`w(n - w)` single moves from each).

*Start* (Graham and Sloane, 1980): the words whose positions sum to :math:`a \pmod n`. A single move
:math:`i \to j` changes the sum by :math:`j - i \not\equiv 0`, so each class is independent, and the
largest has at least :math:`\binom{n}{w} / n` words (132 at (13, 6), 1768 at (18, 7)).

*Growth* (an iterated local search in the manner of Andrade, Resende and Werneck, 2012): a
*(1, 2)-swap* removes one word of the code and adds two non-adjacent words whose only conflict was that word;
a *perturbation* forces a random outside word in (dropping its neighbours in the code); after each, free
words are added and swaps applied until none is left. A result smaller than before by more than 2 (or,
with probability 1/2, by anything) is undone. The best code seen is returned.

The search is bounded by a count of adjacency entries visited (``max_work``) and seeded, so the result does
not depend on the machine. Sizes reached (seed 0, default budget): see ``docs/generators.md``.
"""

from __future__ import annotations

import random
from math import comb

import numpy as np

from .algebra._orbits import weight_masks

__all__ = ["MAX_WORDS", "MAX_WORK", "augment_distance4", "partition_class"]

#: largest C(n, w) the search builds the Johnson graph for
MAX_WORDS = 40_000
#: adjacency entries the search may visit (a counted budget)
MAX_WORK = 100_000_000


def _positions_sum(words: np.ndarray, n: int) -> np.ndarray:
    total = np.zeros(len(words), dtype=np.int64)
    for b in range(n):
        total += ((words >> np.uint64(b)) & np.uint64(1)).astype(np.int64) * b
    return total


def partition_class(n: int, w: int) -> np.ndarray:
    r"""The largest Graham-Sloane class: the weight-``w`` words of length ``n`` whose ones' positions sum to
    :math:`a \pmod n`, for the :math:`a` with the most words (the smallest such :math:`a` on ties). Packed,
    sorted; distance :math:`\ge 4`.

    >>> len(partition_class(13, 6))
    132
    """
    if not 0 < w < n <= 63:
        raise ValueError(f"partition_class needs 0 < w < n <= 63, not n={n}, w={w}.")
    words = np.sort(weight_masks(list(range(n)), w))
    cls = _positions_sum(words, n) % n
    a = int(np.argmax(np.bincount(cls, minlength=n)))
    return words[cls == a]


def augment_distance4(
    start: np.ndarray, n: int, w: int, *, seed: int = 0, max_work: int = MAX_WORK, target: int | None = None
) -> np.ndarray:
    """The largest distance-4 code the local search finds from ``start`` (packed weight-``w`` words of length
    ``n`` at pairwise distance >= 4); never smaller than ``start``. Packed and sorted.

    Stops when ``max_work`` adjacency entries were visited or the code has ``target`` words. Needs
    :math:`\\binom{n}{w} \\le` ``MAX_WORDS``.
    """
    if comb(n, w) > MAX_WORDS:
        raise ValueError(f"augment_distance4 builds J(n, w) for C(n, w) <= {MAX_WORDS}, not C({n}, {w}).")
    words = np.sort(weight_masks(list(range(n)), w))
    index = {int(x): i for i, x in enumerate(words)}
    masks = [int(x) for x in words]
    ones_of = [[1 << b for b in range(n) if m >> b & 1] for m in masks]
    zeros_of = [[1 << b for b in range(n) if not m >> b & 1] for m in masks]
    adj = [[index[m ^ a ^ b] for a in ones_of[i] for b in zeros_of[i]] for i, m in enumerate(masks)]
    adj_set = [set(a) for a in adj]
    nv = len(masks)
    deg = len(adj[0]) if nv else 0
    rng = random.Random(seed)
    ins = [False] * nv
    tight = [0] * nv
    work = 0
    size = 0

    def put(v: int) -> None:
        nonlocal size
        ins[v] = True
        size += 1
        for u in adj[v]:
            tight[u] += 1

    def drop(v: int) -> None:
        nonlocal size
        ins[v] = False
        size -= 1
        for u in adj[v]:
            tight[u] -= 1

    for x in np.asarray(start, dtype=np.uint64):
        v = index[int(x)]
        if tight[v] or ins[v]:
            raise ValueError("The start words must be distinct, of weight w, at pairwise distance >= 4.")
        put(v)

    def fill() -> None:
        nonlocal work
        work += nv
        for v in range(nv):
            if not ins[v] and tight[v] == 0:
                put(v)

    def improve() -> None:
        nonlocal work
        changed = True
        while changed and work < max_work:
            changed = False
            sol = [v for v in range(nv) if ins[v]]
            rng.shuffle(sol)
            work += nv + len(sol) * deg
            for x in sol:
                if not ins[x]:
                    continue
                c1 = [u for u in adj[x] if tight[u] == 1 and not ins[u]]
                if len(c1) < 2:
                    continue
                pair = next(
                    ((a, b) for i, a in enumerate(c1) for b in c1[i + 1 :] if b not in adj_set[a]), None
                )
                if pair is None:
                    continue
                drop(x)
                put(pair[0])
                put(pair[1])
                for u in adj[x]:
                    if not ins[u] and tight[u] == 0:
                        put(u)
                changed = True

    fill()
    improve()
    best = [v for v in range(nv) if ins[v]]
    while work < max_work and (target is None or len(best) < target) and size < nv:
        before = ins[:]
        before_size = size
        for _ in range(1 if rng.random() < 0.9 else 2):
            v = rng.randrange(nv)
            while ins[v]:
                v = rng.randrange(nv)
            for u in adj[v]:
                if ins[u]:
                    drop(u)
            put(v)
        fill()
        improve()
        work += nv
        if size > len(best):
            best = [v for v in range(nv) if ins[v]]
        elif size < before_size - 2 or (size < before_size and rng.random() < 0.5):
            for v in range(nv):
                if ins[v] != before[v]:
                    (drop if ins[v] else put)(v)
    return np.array(sorted(masks[v] for v in best), dtype=np.uint64)
