r"""Distance-4 constant-weight codes: Graham-Sloane partition classes grown by a (1, 2)-swap local search.

Two weight-:math:`w` words are at distance 2 exactly when one is the other with a single one moved, so a
code with distance :math:`\ge 4` is an independent set of the Johnson graph :math:`J(n, w)` (vertices the
:math:`\binom{n}{w}` words, edges the :math:`w(n - w)` single moves from each).

*Start* (Graham and Sloane, 1980): the words whose positions sum to :math:`a \pmod n`. A single move
:math:`i \to j` changes the sum by :math:`j - i \not\equiv 0`, so each class is independent, and the
largest has at least :math:`\binom{n}{w} / n` words (132 at (13, 6), 1768 at (18, 7)).

*Start* (the partition product, a construction of Brouwer, Shearer, Sloane and Smith, 1990): split the
coordinates into halves of :math:`n_1` and :math:`n_2` points and partition, for every :math:`a`, the
:math:`a`-subsets of the first half into distance-4 codes :math:`P^a_1, P^a_2, \dots` and the
:math:`(w - a)`-subsets of the second into :math:`Q^{w-a}_1, Q^{w-a}_2, \dots`, largest first. The words
:math:`(u \mid v)`, :math:`u \in P^a_i`, :math:`v \in Q^{w-a}_i` (same index), over all :math:`a` of one
parity, have distance :math:`\ge 4`: two words with the same :math:`a` differ in both halves (different
classes, or one class and then by :math:`\ge 4` in that half), and two with :math:`a` two apart differ by
:math:`\ge 2` in each half. It has :math:`\sum_a \sum_i |P^a_i|\,|Q^{w-a}_i|` words; with large
classes (e.g. the 7 Steiner triple systems that partition the triples of 9 points) it beats the
Graham-Sloane class: 1863 against 1768 words at (18, 7) (seed 0).

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

__all__ = [
    "MAX_WORDS",
    "MAX_WORK",
    "PEEL_WORK",
    "augment_distance4",
    "johnson_partition",
    "partition_class",
    "product_code",
]

#: largest C(n, w) the search builds the Johnson graph for
MAX_WORDS = 40_000
#: adjacency entries the search may visit (a counted budget)
MAX_WORK = 100_000_000
#: adjacency entries :func:`johnson_partition` may visit while peeling (a counted budget per partition)
PEEL_WORK = 2_000_000
#: random greedy tries per class in :func:`johnson_partition` (fewer when the budget runs short)
PEEL_TRIES = 200


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


def _johnson_adjacency(m: int, a: int) -> tuple[list[int], list[list[int]]]:
    """The a-subsets of m points (packed, sorted) and, for each, the indices of those one move away."""
    masks = [int(x) for x in np.sort(weight_masks(list(range(m)), a))]
    index = {x: i for i, x in enumerate(masks)}
    adj = []
    for x in masks:
        ones = [1 << b for b in range(m) if x >> b & 1]
        zeros = [1 << b for b in range(m) if not x >> b & 1]
        adj.append([index[x ^ o ^ z] for o in ones for z in zeros])
    return masks, adj


def johnson_partition(m: int, a: int, *, seed: int = 0, max_work: int = PEEL_WORK) -> list[np.ndarray]:
    r"""A partition of the :math:`a`-subsets of :math:`m` points into distance-4 codes, largest first.

    Peeling: each class is the largest of up to ``PEEL_TRIES`` seeded random greedy independent sets of the
    Johnson graph :math:`J(m, a)` restricted to the subsets not yet used (at least one try per class, so the
    partition is always complete; ``max_work`` adjacency entries bound the rest). Packed classes, each sorted;
    for :math:`a \in \{0, m\}` the single word.

    >>> [len(c) for c in johnson_partition(9, 3)][:4]  # Steiner triple systems S(2, 3, 9)
    [12, 12, 12, 12]
    """
    if not 0 <= a <= m <= 63:
        raise ValueError(f"johnson_partition needs 0 <= a <= m <= 63, not m={m}, a={a}.")
    masks, adj = _johnson_adjacency(m, a)
    rng = np.random.default_rng([seed, m, a])
    left = np.ones(len(masks), dtype=bool)
    work = 0
    classes = []
    while left.any():
        rem = np.flatnonzero(left)
        best: list[int] | None = None
        for attempt in range(PEEL_TRIES):
            if attempt and work >= max_work:
                break
            blocked = ~left
            chosen = []
            for v in rem[rng.permutation(len(rem))]:
                if not blocked[v]:
                    chosen.append(int(v))
                    blocked[adj[v]] = True
            work += len(rem) + len(chosen) * (len(adj[0]) if adj[0] else 0)
            if best is None or len(chosen) > len(best):
                best = chosen
        left[best] = False
        classes.append(np.sort(np.array([masks[v] for v in best], dtype=np.uint64)))
    classes.sort(key=lambda c: (-len(c), int(c[0])))
    return classes


def product_code(n: int, w: int, *, seed: int = 0) -> np.ndarray:
    r"""The partition product of the module docstring: distance-4 words :math:`(u \mid v)` built from
    :func:`johnson_partition` of the halves :math:`n_1 = \lfloor n/2 \rfloor`, :math:`n_2 = n - n_1`; the
    larger of the two parities of :math:`a`. Packed (first half on the low bits), sorted.

    >>> len(product_code(18, 7))
    1863
    """
    if not 0 < w < n <= 63:
        raise ValueError(f"product_code needs 0 < w < n <= 63, not n={n}, w={w}.")
    n1 = n // 2
    n2 = n - n1
    parts: dict[tuple[int, int], list[np.ndarray]] = {}

    def part(m: int, a: int) -> list[np.ndarray]:
        if (m, a) not in parts:
            parts[(m, a)] = johnson_partition(m, a, seed=seed)
        return parts[(m, a)]

    best = np.zeros(0, dtype=np.uint64)
    for parity in (0, 1):
        words = []
        for a in range(max(0, w - n2), min(w, n1) + 1):
            if a % 2 != parity:
                continue
            for left, right in zip(part(n1, a), part(n2, w - a)):
                words.append((left[:, None] | (right[None, :] << np.uint64(n1))).reshape(-1))
        if words:
            cand = np.sort(np.concatenate(words))
            if len(cand) > len(best):
                best = cand
    return best


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
