r"""Group-orbit constructions: balanced constant-weight codes as unions of orbits of permutation groups.

A finite group :math:`G` acting on the points :math:`\{0, \dots, n-1\}` moves a word (a :math:`w`-subset
:math:`B`) to :math:`gB`. Two facts make orbits the natural building blocks of balanced codes:

* **balance for free** -- when :math:`G` is transitive, every point lies in the same number
  :math:`|GB|\,w/n` of the words of an orbit :math:`GB`; a union of orbits (of one or of several transitive
  groups) therefore has equal column sums;
* **overlaps from one representative** -- :math:`|gB \cap hC| = |B \cap g^{-1}hC|`, so the pairwise
  overlaps inside an orbit, or between two orbits, are read off a single representative against the
  other orbit. With :math:`t = w - d/2`, a union of orbits has distance :math:`\ge d` iff every orbit is
  *valid* (:math:`|B \cap gB| \le t` unless :math:`gB = B`) and every two orbits are *compatible*
  (:math:`|B \cap gC| \le t` for all :math:`g`).

Three searches build codes from these blocks.

1. :func:`exact_orbit_union` -- for small cases (e.g. :math:`(K, N, w) = (100, 20, 8)`): all valid orbits of a
   group are enumerated (every orbit of a transitive group has a word through point 0), their compatibility
   graph and pair counts are computed, and a branch and bound picks orbits whose sizes add up to exactly
   :math:`K` with the fewest pairs at overlap :math:`t` (distance :math:`d`). A union of regular-group
   orbits :math:`\{gB_i\}` is a *difference family*: the overlaps are the multiplicities of the "differences"
   :math:`x y^{-1}`, :math:`x \in B_i, y \in B_j`.
2. :func:`orbit_packing` -- for large cases (e.g. :math:`(1000, 32, 8)`): a randomised depth-first search with
   look-ahead packs compatible orbits of a big group (:math:`\mathrm{GF}(2)^m \rtimes \langle x \mapsto x^2
   \rangle` of order :math:`m 2^m`, or :math:`\mathbb{Z}_n \rtimes \langle x \mapsto rx \rangle`), sampled at
   random, then fills the gaps greedily with orbits of its regular normal subgroup (translations or cyclic
   shifts), largest first -- including the short orbits of words fixed by a subgroup (e.g. the 3-flats of
   :math:`\mathrm{AG}(5, 2)`, 4 words per parallel class). The result is split into balanced *units* (the
   orbits of the regular subgroup) so that the caller can cut it to :math:`K` words without losing balance.
3. :func:`fixed_point_orbit_union` -- the exact search on an intransitive group: a regular group of order
   :math:`n - 1` on all points but the last, which it fixes (:func:`fixed_point_groups`). Every orbit still
   has a word through point 0; the columns of an orbit are equal but for the fixed point's.

Groups (:class:`PermutationGroup`) are stored as their full element tables; :func:`regular_groups` lists the
metacyclic groups :math:`\mathbb{Z}_m \rtimes_r \mathbb{Z}_k` of order :math:`n` (e.g. the five groups of
order 20: :math:`\mathbb{Z}_{20}, \mathbb{Z}_{10} \times \mathbb{Z}_2, D_{10}`, the dicyclic group and the
Frobenius group :math:`F_{20}`) acting regularly on themselves, plus :math:`\mathrm{GF}(2)^m` for
:math:`n = 2^m`; :func:`alternating_on_pairs` gives :math:`A_k` on the :math:`k(k-1)` ordered pairs
(a transitive group of degree 20 with no regular subgroup for :math:`k = 5`).

Everything is deterministic given the seed; searches run on node budgets, never on the clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import permutations
from math import comb, gcd

import numpy as np

from .._bits import pack, unpack

__all__ = [
    "OrbitUnion",
    "PermutationGroup",
    "affine_frobenius_group",
    "alternating_on_pairs",
    "cyclic_group",
    "exact_orbit_union",
    "fixed_point_groups",
    "fixed_point_orbit_union",
    "group_from_generators",
    "metacyclic_group",
    "multiplier_group",
    "orbit_codes",
    "orbit_graph",
    "orbit_packing",
    "orbit_representatives",
    "regular_groups",
    "transitive_groups",
    "translation_group",
]

#: Largest group order :func:`group_from_generators` will close.
MAX_GROUP_ORDER = 100_000
#: Most cells of one block of images or popcounts (elements x words): a few MiB, whatever the group's order.
IMAGE_BLOCK_CELLS = 1 << 18
#: Most (word, group element) images :func:`exact_orbit_union` computes while enumerating orbits.
MAX_EXACT_IMAGES = 4_000_000
#: Most valid orbits :func:`exact_orbit_union` puts into its compatibility graph.
MAX_EXACT_ORBITS = 4000
#: Branch-and-bound nodes per group in :func:`exact_orbit_union`.
EXACT_NODE_BUDGET = 400_000
#: Independent :func:`orbit_packing` runs in :func:`orbit_codes` (the caller keeps the best cut).
PACKING_TRIES = 4
#: Branch-and-bound nodes :func:`orbit_codes` spends on all groups together.
EXACT_TOTAL_BUDGET = 1_000_000


# -- packed words ---------------------------------------------------------------------------------------------
def weight_masks(positions: list[int], k: int) -> np.ndarray:
    """All k-subsets of ``positions`` as packed words."""
    layers = [np.zeros(1, dtype=np.uint64)] + [np.zeros(0, dtype=np.uint64)] * k
    for p in positions:
        bit = np.uint64(1) << np.uint64(p)
        for j in range(k, 0, -1):
            if len(layers[j - 1]):
                layers[j] = np.concatenate([layers[j], layers[j - 1] | bit])
    return layers[k]


def _random_words(n: int, w: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` random weight-w words (packed), uniformly among the w-subsets."""
    idx = np.argsort(rng.random((count, n)), axis=1)[:, :w]
    bits = np.zeros((count, n), dtype=np.uint8)
    np.put_along_axis(bits, idx, 1, axis=1)
    return pack(bits)


# -- permutation groups ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PermutationGroup:
    r"""A finite permutation group on :math:`\{0, \dots, n-1\}`, stored as its full element table.

    ``elements[g, x]`` is the image of point ``x`` under element ``g``; row 0 is the identity. A packed word
    (bit ``x`` = point ``x``, :math:`n \le 64`) maps to the word whose bit ``elements[g, x]`` is set.
    """

    name: str  # e.g. "Z_20", "GF(2)^5 x| <x -> x^2>"
    elements: np.ndarray  # (order, n) int64, read-only, row 0 = identity, rows distinct permutations

    def __post_init__(self):
        el = np.array(self.elements, dtype=np.int64)
        if el.ndim != 2 or not len(el):
            raise ValueError("A permutation group needs a non-empty 2-D element table.")
        n = el.shape[1]
        if n > 64:
            raise ValueError(f"Permutation groups act on at most 64 points here, not {n}.")
        if not (np.sort(el, axis=1) == np.arange(n)).all():
            raise ValueError("Every row of the element table must be a permutation of 0..n-1.")
        ident = np.flatnonzero((el == np.arange(n)).all(axis=1))
        if not len(ident):
            raise ValueError("The element table must contain the identity.")
        el[[0, ident[0]]] = el[[ident[0], 0]]
        el.setflags(write=False)
        object.__setattr__(self, "elements", el)

    @property
    def order(self) -> int:
        return int(self.elements.shape[0])

    @property
    def degree(self) -> int:
        return int(self.elements.shape[1])

    @cached_property
    def is_transitive(self) -> bool:
        return len(np.unique(self.elements[:, 0])) == self.degree

    @cached_property
    def _tables(self) -> np.ndarray:
        """(order, bytes, 256) uint64: image of the byte value v at byte position j under element g."""
        n, nb = self.degree, (self.degree + 7) // 8
        out = np.zeros((self.order, nb, 256), dtype=np.uint64)
        for j in range(nb):
            # byte values below 2^b are done; those in [2^b, 2^(b+1)) add the image of bit b
            bits = min(8, n - 8 * j)
            for b in range(bits):
                img = np.left_shift(np.uint64(1), self.elements[:, 8 * j + b].astype(np.uint64))
                np.bitwise_or(out[:, j, : 1 << b], img[:, None], out=out[:, j, 1 << b : 2 << b])
            if bits < 8:  # bits beyond the degree map nowhere: values repeat every 2^bits
                out[:, j, 1 << bits :] = np.tile(out[:, j, : 1 << bits], (1, (256 >> bits) - 1))
        return out

    def apply(self, words: np.ndarray, g: int) -> np.ndarray:
        """Images of packed ``words`` (any shape) under element ``g``."""
        return self.apply_many(words, np.array([g]))[0].reshape(np.shape(words))

    def apply_many(self, words: np.ndarray, gs: np.ndarray) -> np.ndarray:
        """``(len(gs), len(words))`` packed images of ``words`` under the elements ``gs``: one table lookup
        per byte for all of them at once."""
        words = np.asarray(words, dtype=np.uint64).reshape(-1)
        gs = np.asarray(gs, dtype=np.intp).reshape(-1)
        tabs = self._tables
        out = np.zeros((len(gs), len(words)), dtype=np.uint64)
        for j in range(tabs.shape[1]):
            byte = ((words >> np.uint64(8 * j)) & np.uint64(255)).astype(np.intp)
            out |= tabs[gs, j][:, byte]
        return out

    def _element_blocks(self, count: int, start: int = 0):
        """Consecutive index blocks of the elements ``start..order-1``, each with at most about
        ``IMAGE_BLOCK_CELLS / count`` elements (the image arrays stay small)."""
        step = max(1, IMAGE_BLOCK_CELLS // max(1, count))
        for lo in range(start, self.order, step):
            yield np.arange(lo, min(lo + step, self.order))

    def images(self, words: np.ndarray) -> np.ndarray:
        """``(len(words), order)`` packed images of every word under every element (with repeats)."""
        words = np.asarray(words, dtype=np.uint64).reshape(-1)
        out = np.empty((len(words), self.order), dtype=np.uint64)
        for gs in self._element_blocks(len(words)):
            out[:, gs[0] : gs[-1] + 1] = self.apply_many(words, gs).T
        return out

    def orbit(self, word: int) -> np.ndarray:
        """The distinct words of the orbit of one packed word, sorted."""
        return np.unique(self.images(np.array([word], dtype=np.uint64))[0])

    def canonical(self, words: np.ndarray) -> np.ndarray:
        """Smallest packed image of each word: the label of its orbit."""
        words = np.asarray(words, dtype=np.uint64).reshape(-1)
        out = words.copy()
        for gs in self._element_blocks(len(words), start=1):
            np.minimum(out, self.apply_many(words, gs).min(axis=0), out=out)
        return out

    def __repr__(self) -> str:
        return f"PermutationGroup({self.name!r}, order={self.order}, degree={self.degree})"


def group_from_generators(generators, name: str, max_order: int = MAX_GROUP_ORDER) -> PermutationGroup:
    """The group generated by permutations (lists of images), closed by breadth-first multiplication."""
    gens = [np.asarray(g, dtype=np.int64) for g in generators]
    if not gens:
        raise ValueError("At least one generator is needed.")
    n = len(gens[0])
    ident = np.arange(n, dtype=np.int64)
    seen = {ident.tobytes(): ident}
    frontier = [ident]
    while frontier:
        nxt = []
        for p in frontier:
            for g in gens:
                q = g[p]  # first p, then g
                key = q.tobytes()
                if key not in seen:
                    seen[key] = q
                    nxt.append(q)
                    if len(seen) > max_order:
                        raise ValueError(f"The group {name} has more than {max_order} elements.")
        frontier = nxt
    return PermutationGroup(name, np.array(list(seen.values())))


def cyclic_group(n: int) -> PermutationGroup:
    r"""The cyclic shifts :math:`x \mapsto x + s \bmod n`."""
    x = np.arange(n)
    return PermutationGroup(f"Z_{n}", (x[None, :] + x[:, None]) % n)


def translation_group(m: int) -> PermutationGroup:
    r"""The translations :math:`x \mapsto x \oplus t` of :math:`\mathrm{GF}(2)^m` (points = integers < 2^m)."""
    x = np.arange(1 << m)
    return PermutationGroup(f"GF(2)^{m}", x[None, :] ^ x[:, None])


def metacyclic_group(m: int, k: int, r: int) -> PermutationGroup:
    r""":math:`\mathbb{Z}_m \rtimes_r \mathbb{Z}_k` acting regularly on itself by left multiplication.

    Elements :math:`(a, b)`, :math:`a \in \mathbb{Z}_m, b \in \mathbb{Z}_k`, with
    :math:`(a, b)(c, e) = (a + r^b c, b + e)`; needs :math:`\gcd(r, m) = 1` and :math:`r^k \equiv 1 \pmod m`.
    Point :math:`(c, e)` is numbered :math:`e m + c`. ``r = 1`` gives :math:`\mathbb{Z}_m \times \mathbb{Z}_k`,
    ``k = 2, r = -1`` the dihedral group, ``m = 5, k = 4, r = 2`` the Frobenius group :math:`F_{20}`.
    """
    if m < 1 or k < 1 or gcd(r, m) != 1 or pow(r, k, m) != 1 % m:
        raise ValueError(f"Z_{m} x|_{r} Z_{k} needs gcd(r, m) = 1 and r^k = 1 mod m.")
    a, b = np.arange(m * k) % m, np.arange(m * k) // m
    rb = np.array([pow(r, int(e), m) for e in range(k)])
    prod_a = (a[:, None] + rb[b][:, None] * a[None, :]) % m
    prod_b = (b[:, None] + b[None, :]) % k
    name = f"Z_{m} x Z_{k}" if r % m == 1 % m else f"Z_{m} x|_{r} Z_{k}"
    return PermutationGroup(name, prod_b * m + prod_a)


def multiplier_group(n: int, r: int) -> PermutationGroup:
    r""":math:`\{x \mapsto r^i x + s \bmod n\}`: the cyclic shifts extended by the multiplier ``r`` (a unit)."""
    if gcd(r, n) != 1:
        raise ValueError(f"The multiplier {r} must be a unit modulo {n}.")
    x = np.arange(n)
    return group_from_generators([(x + 1) % n, (r * x) % n], f"Z_{n} x| <x -> {r}x>")


def affine_frobenius_group(m: int) -> PermutationGroup:
    r""":math:`\mathrm{GF}(2)^m \rtimes \langle \phi \rangle` with :math:`\phi(x) = x^2` in
    :math:`\mathrm{GF}(2^m)`: the maps :math:`x \mapsto x^{2^i} + t`, order :math:`m 2^m`.

    Points are the field elements in the polynomial basis of :data:`codesearch.codes._gf2.PRIMITIVE_POLYNOMIALS`
    (the same labelling as the translation group and the extended BCH / Reed-Muller codes).
    """
    from ._gf2 import GF2m

    field = GF2m(m)
    x = np.arange(1 << m)
    square = np.array([field.mul(int(v), int(v)) for v in x])
    return group_from_generators(
        [x ^ 1, square] + [x ^ (1 << i) for i in range(1, m)], f"GF(2)^{m} x| <x -> x^2>"
    )


def alternating_on_pairs(k: int) -> PermutationGroup:
    r"""The alternating group :math:`A_k` acting on the :math:`k(k-1)` ordered pairs of distinct points.

    Transitive with point stabiliser :math:`A_{k-2}`; for :math:`k = 5` a group of order 60 on 20 points
    that has no regular subgroup (so its orbit unions are not difference families).
    """
    pts = [(i, j) for i in range(k) for j in range(k) if i != j]
    index = {p: n for n, p in enumerate(pts)}
    rows = []
    for p in permutations(range(k)):
        inv = sum(1 for i in range(k) for j in range(i + 1, k) if p[i] > p[j])
        if inv % 2 == 0:
            rows.append([index[(p[i], p[j])] for i, j in pts])
    return PermutationGroup(f"A_{k} on ordered pairs", np.array(rows))


def _signature(group: PermutationGroup) -> tuple:
    """An isomorphism invariant of a regular group: the multiset of element orders and the commuting pairs."""
    el = group.elements
    n = group.degree
    ident = np.arange(n)
    orders = []
    for g in el:
        p, o = g.copy(), 1
        while not (p == ident).all():
            p, o = g[p], o + 1
        orders.append(o)
    # g h = h g for the pair (g, h): el[h][el[g]] == el[g][el[h]] (apply the right factor first)
    comm = int(sum((el[i][el] == el[:, el[i]]).all(axis=1).sum() for i in range(len(el))))
    return tuple(sorted(orders)), comm


@lru_cache(maxsize=16)
def regular_groups(n: int) -> tuple[PermutationGroup, ...]:
    r"""Pairwise non-isomorphic regular groups of order ``n``: every metacyclic
    :math:`\mathbb{Z}_m \rtimes_r \mathbb{Z}_k` (:math:`mk = n`) and, for :math:`n = 2^m`,
    :math:`\mathrm{GF}(2)^m`. Each acts regularly (transitively, trivial stabilisers) on ``n`` points."""
    if n < 2 or n > 64:
        return ()
    cands = [cyclic_group(n)]
    if n & (n - 1) == 0:
        cands.append(translation_group(n.bit_length() - 1))
    for m in range(n, 1, -1):
        if n % m:
            continue
        k = n // m
        for r in range(1, m):
            if k > 1 and gcd(r, m) == 1 and pow(r, k, m) == 1:
                cands.append(metacyclic_group(m, k, r))
    out, seen = [], set()
    for g in cands:
        sig = _signature(g)
        if sig not in seen:
            seen.add(sig)
            out.append(g)
    return tuple(out)


def transitive_groups(n: int) -> tuple[PermutationGroup, ...]:
    """The groups :func:`exact_orbit_union` tries on ``n`` points: :func:`regular_groups` and, when
    ``n = k(k-1)`` with ``k <= 6``, :func:`alternating_on_pairs`."""
    out = list(regular_groups(n))
    for k in range(3, 7):
        if k * (k - 1) == n:
            out.append(alternating_on_pairs(k))
    return tuple(out)


# -- orbits, validity and the compatibility graph -------------------------------------------------------------
def orbit_representatives(
    group: PermutationGroup, words: np.ndarray, w: int, t: int
) -> tuple[np.ndarray, np.ndarray]:
    r"""Canonical representatives (smallest image, sorted) and sizes of the *valid* orbits met by ``words``.

    An orbit is valid when its distinct words meet pairwise in at most ``t`` points:
    :math:`|B \cap gB| \le t` for every :math:`g` with :math:`gB \ne B`.
    """
    words = np.unique(np.asarray(words, dtype=np.uint64).reshape(-1))
    ok = np.ones(len(words), dtype=bool)
    stab = np.ones(len(words), dtype=np.int64)
    canon = words.copy()
    for gs in group._element_blocks(len(words), start=1):
        img = group.apply_many(words, gs)  # len(gs) x len(words)
        ov = np.bitwise_count(img & words[None, :])
        same = ov == w
        stab += same.sum(axis=0)
        ok &= (same | (ov <= t)).all(axis=0)
        np.minimum(canon, img.min(axis=0), out=canon)
    reps, first = np.unique(canon[ok], return_index=True)
    return reps, group.order // stab[ok][first]


def _half_of_inverse_pairs(group: PermutationGroup) -> list[int]:
    """Indices of the elements g with index(g) <= index(g^-1)."""
    el = group.elements
    inv = np.empty_like(el)
    inv[np.arange(len(el))[:, None], el] = np.arange(group.degree)[None, :]
    lookup = {row.tobytes(): i for i, row in enumerate(el)}
    return [g for g in range(len(el)) if g <= lookup[inv[g].tobytes()]]


def orbit_graph(
    group: PermutationGroup, reps: np.ndarray, sizes: np.ndarray, t: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Compatibility and pair counts between the orbits of ``reps``.

    Returns ``(compatible, cross, self_pairs)``: ``compatible[i, j]`` (``i != j``) says every word of orbit
    ``i`` meets every word of orbit ``j`` in at most ``t`` points; ``cross[i, j]`` is the number of pairs (one
    word from each orbit) meeting in exactly ``t`` points, :math:`|O_i||O_j|/|G| \cdot
    \#\{g : |B_i \cap gB_j| = t\}` (computed for compatible orbits only, 0 elsewhere); ``self_pairs[i]``
    the pairs inside orbit ``i`` meeting in ``t`` points.

    The overlaps :math:`|B_i \cap gB_j|` of all pairs are popcounts of packed words, one pass per pair
    :math:`\{g, g^{-1}\}`.
    """
    reps = np.asarray(reps, dtype=np.uint64)
    n, r = group.degree, len(reps)
    sizes = np.asarray(sizes, dtype=np.int64)
    imgs = group.images(reps)
    word = np.uint32 if n <= 32 else np.uint64
    rw, iw = reps.astype(word), imgs.astype(word)
    worst = np.zeros((r, r), dtype=np.uint8)
    both = np.empty((r, r), dtype=word)
    count = np.empty((r, r), dtype=np.uint8)
    # |B_j ∩ g B_i| = |B_i ∩ g^-1 B_j|: one element of each pair {g, g^-1} and a final transpose suffice
    for g in _half_of_inverse_pairs(group):
        np.bitwise_and(rw[:, None], iw[None, :, g], out=both)
        np.bitwise_count(both, out=count)
        np.maximum(worst, count, out=worst)
    np.maximum(worst, worst.T, out=worst)
    compatible = worst <= t
    np.fill_diagonal(compatible, False)
    ii, jj = np.nonzero(np.triu(compatible, 1))
    at_t = np.zeros(len(ii), dtype=np.int64)
    for g in range(group.order):
        at_t += np.bitwise_count(reps[ii] & imgs[jj, g]) == t
    cross = np.zeros((r, r), dtype=np.int32 if int(sizes.max()) ** 2 < 2**31 else np.int64)
    cross[ii, jj] = sizes[ii] * sizes[jj] * at_t // group.order
    cross[jj, ii] = cross[ii, jj]
    self_t = (np.bitwise_count(reps[:, None] & imgs) == t).sum(axis=1)
    self_pairs = sizes**2 * self_t // (2 * group.order)
    return compatible, cross, self_pairs


# -- exact search: fewest pairs among unions of exactly K words -----------------------------------------------
def _min_pair_union(
    sizes: np.ndarray,
    compatible: np.ndarray,
    cross: np.ndarray,
    self_pairs: np.ndarray,
    k: int,
    node_budget: int,
    upper: int | None = None,
) -> tuple[list[int] | None, int | None, int]:
    """Branch and bound for pairwise compatible orbits with sizes summing to ``k`` and the fewest pairs.

    Returns (chosen orbits, pairs, nodes used); the search is exhaustive iff nodes used < ``node_budget``.
    With ``upper``, only unions with fewer than ``upper`` pairs are sought (None, None when there is none).
    Candidate sets are Python-int bitsets; orbits are taken in index order (each union is met once), a
    branch is cut when the compatible candidates cannot supply the missing words or when its pairs
    already reach the best union's.
    """
    r = len(sizes)
    degree = compatible.astype(np.int64) @ np.asarray(sizes, dtype=np.int64)
    perm = np.lexsort((np.arange(r), degree))  # fewest compatible words first: small candidate sets
    sizes = [int(s) for s in np.asarray(sizes)[perm]]
    self_pairs = [int(p) for p in np.asarray(self_pairs)[perm]]
    compatible = compatible[np.ix_(perm, perm)]
    cross = cross[np.ix_(perm, perm)]
    biggest, cheapest = max(sizes), min(self_pairs)
    after = []
    for v in range(r):
        row = np.flatnonzero(compatible[v, v + 1 :]) + v + 1
        after.append(sum(1 << int(u) for u in row))
    classes = [(s, sum(1 << v for v in range(r) if sizes[v] == s)) for s in sorted(set(sizes))]

    if len(classes) == 1:
        only = classes[0][0]

        def words(bitset: int) -> int:
            return only * bitset.bit_count()

    else:

        def words(bitset: int) -> int:
            total = 0
            for size, mask in classes:
                total += size * (bitset & mask).bit_count()
            return total

    best: list = [None, upper]
    nodes = [0]

    def dfs(chosen: list[int], cand: int, total: int, pairs: int) -> None:
        if total == k:
            if best[1] is None or pairs < best[1]:
                best[0], best[1] = list(chosen), pairs
            return
        need = k - total
        left = words(cand)  # words the remaining candidates could still supply
        while cand and nodes[0] < node_budget:
            if left < need:
                return
            low = cand & -cand
            v = low.bit_length() - 1
            cand ^= low
            left -= sizes[v]
            nodes[0] += 1
            if sizes[v] > need:
                continue
            nxt = cand & after[v]
            if sizes[v] < need and words(nxt) < need - sizes[v]:
                continue
            p = pairs + self_pairs[v] + int(sum(cross[v, u] for u in chosen))
            if best[1] is not None:
                # at least ceil(rest / biggest) more orbits, each with at least the fewest self pairs
                more = -(-(need - sizes[v]) // biggest) * cheapest
                if p + more >= best[1]:
                    continue
            chosen.append(v)
            dfs(chosen, nxt, total + sizes[v], p)
            chosen.pop()

    dfs([], (1 << r) - 1, 0, 0)
    if best[0] is None:
        return None, None, nodes[0]
    return [int(perm[v]) for v in best[0]], best[1], nodes[0]


@dataclass(frozen=True)
class OrbitUnion:
    """A union of orbits: distinct weight-w words (packed), with balanced units and where they came from."""

    words: np.ndarray  # (M,) uint64 packed words, distinct
    units: np.ndarray  # (M,) int64: words sharing a label form an orbit of a transitive group (balanced)
    n: int  # length
    source: str  # e.g. "5 orbits of Z_5 x|_2 Z_4 (exact: fewest pairs)"

    @property
    def size(self) -> int:
        return len(self.words)

    def matrix(self) -> np.ndarray:
        """The words as an ``M x n`` 0/1 ``uint8`` matrix."""
        return unpack(self.words, self.n)


def _meets_point_zero(group: PermutationGroup, w: int) -> bool:
    """Whether every orbit of weight-w words has a word through point 0: the group is transitive on the
    points it moves, point 0 among them, and fewer than w points are fixed (so every word moves)."""
    el = group.elements
    moved = np.unique(el[:, 0])
    fixed = int((el == np.arange(group.degree)).all(axis=0).sum())
    return len(moved) > 1 and len(moved) + fixed == group.degree and fixed < w


def _valid_orbits(
    group: PermutationGroup, w: int, t: int, max_images: int = MAX_EXACT_IMAGES
) -> tuple[np.ndarray, np.ndarray] | None:
    """All valid orbits of a group transitive on the points it moves (through the words containing point
    0; see :func:`_meets_point_zero`), or None if they are too many to enumerate (``max_images``)."""
    n = group.degree
    if not 0 < w < n or comb(n - 1, w - 1) * group.order > max_images or not _meets_point_zero(group, w):
        return None
    through0 = weight_masks(list(range(1, n)), w - 1) | np.uint64(1)
    return orbit_representatives(group, through0, w, t)


def exact_orbit_union(
    group: PermutationGroup,
    w: int,
    d: int,
    k: int,
    *,
    node_budget: int = EXACT_NODE_BUDGET,
    fewer_than: int | None = None,
) -> OrbitUnion | None:
    r"""The union of valid, pairwise compatible orbits of ``group`` with exactly ``k`` words at distance
    :math:`\ge d` and the fewest pairs at distance ``d`` (fewer than ``fewer_than`` when given), or None.

    All orbits are enumerated through the :math:`\binom{n-1}{w-1}` words containing point 0 (the group must
    be transitive); None as well when that enumeration or the graph would be too big
    (:data:`MAX_EXACT_IMAGES`, :data:`MAX_EXACT_ORBITS`). The search is exhaustive when it finishes within
    ``node_budget`` nodes (the source string then says so), else it returns the best union found.
    """
    found = _valid_orbits(group, w, w - d // 2)
    if found is None:
        return None
    return _exact_from(group, found[0], found[1], w, d, k, node_budget, fewer_than)[0]


def _exact_from(
    group: PermutationGroup,
    reps: np.ndarray,
    sizes: np.ndarray,
    w: int,
    d: int,
    k: int,
    node_budget: int,
    fewer_than: int | None,
) -> tuple[OrbitUnion | None, int]:
    """:func:`exact_orbit_union` on enumerated orbits; also returns the branch-and-bound nodes used."""
    t = w - d // 2
    if not len(reps) or len(reps) > MAX_EXACT_ORBITS or sizes.sum() < k:
        return None, 0
    compatible, cross, self_pairs = orbit_graph(group, reps, sizes, t)
    chosen, pairs, used = _min_pair_union(sizes, compatible, cross, self_pairs, k, node_budget, fewer_than)
    if chosen is None:
        return None, used
    return _union_of(group, reps, chosen, pairs, used < node_budget, d), used


def _union_of(
    group: PermutationGroup, reps: np.ndarray, chosen, pairs: int, finished: bool, d: int
) -> OrbitUnion:
    """The union of the chosen orbits, each one unit, with a source string naming the search."""
    orbits = [group.orbit(int(reps[i])) for i in chosen]
    words = np.concatenate(orbits)
    units = np.repeat(np.arange(len(orbits)), [len(o) for o in orbits])
    how = "fewest pairs, exhaustive" if finished else "best within the node budget"
    src = f"{len(orbits)} orbits of {group.name} ({how}: {pairs} pairs at d={d})"
    return OrbitUnion(words, units, group.degree, src)


# -- a regular group and a fixed point ------------------------------------------------------------------------
#: Most (word, group element) images :func:`fixed_point_orbit_union` computes, all groups together.
MAX_FIXED_POINT_IMAGES = 16_000_000
#: Branch-and-bound nodes :func:`fixed_point_orbit_union` spends on all groups and union sizes together.
FIXED_POINT_NODE_BUDGET = 200_000


@lru_cache(maxsize=8)
def fixed_point_groups(n: int) -> tuple[PermutationGroup, ...]:
    r"""The groups of :func:`regular_groups` of order :math:`n - 1` acting on the points
    :math:`0, \dots, n - 2` and fixing point :math:`n - 1` (intransitive groups of degree ``n``)."""
    if n < 3 or n > 64:
        return ()
    out = []
    for g in regular_groups(n - 1):
        el = np.concatenate([g.elements, np.full((g.order, 1), n - 1, dtype=np.int64)], axis=1)
        out.append(PermutationGroup(f"{g.name} + a fixed point", el))
    return tuple(out)


def fixed_point_orbit_union(
    n: int,
    w: int,
    d: int,
    k: int,
    *,
    node_budget: int = FIXED_POINT_NODE_BUDGET,
    max_images: int = MAX_FIXED_POINT_IMAGES,
) -> OrbitUnion | None:
    r"""A union of at least ``k`` weight-``w`` words of length ``n`` at distance :math:`\ge d`: valid,
    pairwise compatible orbits of a regular group of order :math:`n - 1` that fixes the last point
    (:func:`fixed_point_groups`), or None.

    Groups are taken in the order of :func:`fixed_point_groups` (the cyclic group first) while the
    enumeration budget lasts: the orbits are enumerated as in :func:`exact_orbit_union` (every orbit has a
    word through point 0), :math:`\binom{n-1}{w-1} |G|` images per group, ``max_images`` in all. On each
    group's orbit graph (at most :data:`MAX_EXACT_ORBITS` orbits) the branch and bound asks for exactly
    :math:`k, k + 1, \dots` words (the reachable sums below :math:`k + n - 1`); the first union found, with
    the fewest pairs at ``d`` for its size, is returned. ``node_budget`` nodes in all; deterministic.

    E.g. :math:`(n, w, d) = (23, 9, 10)`: two orbits of :math:`\mathbb{Z}_{22}` give 44 words (Brouwer's
    table: :math:`A(23, 10, 9) \ge 45`), where the orbits of the transitive :math:`\mathbb{Z}_{23}` give at
    most 23. An orbit's columns are balanced but for the fixed point's (none or all of the orbit's words).
    """
    if not 2 <= w < n - 1 or d < 2 or k < 1:
        return None
    t = w - d // 2
    images, nodes = max_images, node_budget
    for group in fixed_point_groups(n):
        cost = comb(n - 1, w - 1) * group.order
        if cost > images or nodes <= 0:
            break
        images -= cost
        found = _valid_orbits(group, w, t, cost)
        if found is None or not len(found[0]) or len(found[0]) > MAX_EXACT_ORBITS or found[1].sum() < k:
            continue
        reps, sizes = found
        compatible, cross, self_pairs = orbit_graph(group, reps, sizes, t)
        counts = {int(v): int(c) for v, c in zip(*np.unique(sizes, return_counts=True))}
        for size in range(k, k + n - 1):
            if nodes <= 0:
                break
            if not _reachable_sum(counts, size):
                continue
            chosen, pairs, used = _min_pair_union(sizes, compatible, cross, self_pairs, size, nodes)
            finished = used < nodes
            nodes -= max(1, used)
            if chosen is not None:
                return _union_of(group, reps, chosen, pairs, finished, d)
    return None


def _reachable_sum(counts: dict[int, int], target: int) -> bool:
    """Whether some sub-multiset of the sizes (``counts[size]`` of each) sums to ``target``."""
    reach = 1  # bit s set: sum s reachable
    mask = (1 << (target + 1)) - 1
    for size, c in counts.items():
        for _ in range(min(c, target // size if size else 0)):
            reach = (reach | (reach << size)) & mask
    return bool(reach >> target & 1)


# -- packing search for large cases ---------------------------------------------------------------------------
def _compatible_with(reps: np.ndarray, words: np.ndarray, t: int) -> np.ndarray:
    """Mask of ``reps`` meeting every word of ``words`` in at most ``t`` points.

    Exact, in blocks of ``words``: after each block only the reps still compatible are tested further (most
    fail within the first words)."""
    reps = np.asarray(reps, dtype=np.uint64).reshape(-1)
    words = np.asarray(words, dtype=np.uint64).reshape(-1)
    alive = np.arange(len(reps))
    sub = reps
    lo = 0
    while lo < len(words) and len(alive):
        step = max(1, IMAGE_BLOCK_CELLS // max(1, len(alive)))
        block = words[lo : lo + step]
        keep = (np.bitwise_count(sub[:, None] & block[None, :]) <= t).all(axis=1)
        alive, sub = alive[keep], sub[keep]
        lo += step
    ok = np.zeros(len(reps), dtype=bool)
    ok[alive] = True
    return ok


def _short_orbit_words(group: PermutationGroup, w: int) -> np.ndarray:
    """Weight-w words fixed by some element of prime order without fixed points (unions of its cycles)."""
    n = group.degree
    out = []
    seen = set()
    for g in range(1, group.order):
        p = group.elements[g]
        cycles, done = [], np.zeros(n, dtype=bool)
        for x in range(n):
            if not done[x]:
                cyc = [x]
                done[x] = True
                y = int(p[x])
                while y != x:
                    cyc.append(y)
                    done[y] = True
                    y = int(p[y])
                cycles.append(cyc)
        lens = {len(c) for c in cycles}
        if len(lens) != 1:
            continue
        (c,) = lens
        if c == 1 or w % c or any(c % q == 0 for q in range(2, c)):  # fixed-point-free, prime order
            continue
        key = tuple(sorted(tuple(sorted(cy)) for cy in cycles))
        if key in seen or comb(len(cycles), w // c) > 50_000:
            continue
        seen.add(key)
        masks = np.array([sum(1 << v for v in cy) for cy in cycles], dtype=np.uint64)
        sel = unpack(weight_masks(list(range(len(cycles))), w // c), len(cycles)).astype(bool)
        out.append(np.array([np.bitwise_or.reduce(masks[s]) for s in sel], dtype=np.uint64))
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.uint64)


def orbit_packing(
    big: PermutationGroup,
    small: PermutationGroup,
    w: int,
    d: int,
    *,
    seed: int = 0,
    target: int | None = None,
    restarts: int = 6,
    samples: int = 40_000,
    width: int = 40,
    branch: int = 3,
    node_budget: int = 150,
    leaves: int = 40,
    deadline: float | None = None,
) -> OrbitUnion | None:
    r"""A large union of orbits at distance :math:`\ge d`: big-group orbits first, then small-group orbits.

    ``small`` must be a transitive subgroup of ``big`` (so every big orbit is a union of small orbits).

    1. ``samples`` random words (seeded) give the valid full orbits of ``big`` they meet.
    2. A depth-first search with look-ahead packs pairwise compatible big orbits: at each node ``width``
       candidates are drawn, each scored by the words it and the candidates still compatible with it
       could give, and the ``branch`` best are explored; ``node_budget`` nodes in all. The ``leaves``
       packings with the best scores are kept.
    3. Each packing is completed greedily by valid ``small`` orbits compatible with everything chosen,
       largest first (short orbits -- words with a non-trivial stabiliser, such as the 3-flats of
       :math:`\mathrm{AG}(m, 2)`, 4 words per parallel class -- are always offered; full orbits come from the
       samples).

    Up to ``restarts`` independent runs (seeded ``[seed, restart]``) until a union reaches ``target`` words;
    returns the largest union found (ties: the first), its units being the ``small`` orbits. ``deadline`` (a
    :func:`time.perf_counter` value) is only a safety cap: past it the search stops at the next node or
    completion step and returns what it has.
    """
    n, t = big.degree, w - d // 2
    if not (big.is_transitive and small.is_transitive) or not 0 < w < n:
        return None
    short = _short_orbit_words(small, w)
    best: OrbitUnion | None = None
    for restart in range(max(1, restarts)):
        res = _packing_run(
            big,
            small,
            w,
            t,
            short,
            np.random.default_rng([seed, n, w, d, restart]),
            samples,
            width,
            branch,
            node_budget,
            leaves,
            deadline,
        )
        if res is not None and (best is None or res.size > best.size):
            best = res
        if best is not None and (target is None or best.size >= target):
            break
        if _past(deadline):
            break
    return best


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.perf_counter() > deadline


def _packing_run(
    big, small, w, t, short, rng, samples, width, branch, node_budget, leaves, deadline=None
) -> OrbitUnion | None:
    n = big.degree
    sample = _random_words(n, w, samples, rng)
    reps, sizes = orbit_representatives(big, sample, w, t)
    reps, sizes = reps[sizes == big.order], sizes[sizes == big.order]  # short orbits come in step 3
    if not len(reps):
        return None
    imgs = big.images(reps)  # the words of each big orbit

    def compat(i: int, cand: np.ndarray) -> np.ndarray:
        return cand[_compatible_with(reps[cand], imgs[i], t)]

    found: list[tuple[int, list[int]]] = []
    nodes = [0]

    def dfs(chosen: list[int], cand: np.ndarray, score: int) -> None:
        nodes[0] += 1
        found.append((score, list(chosen)))
        if not len(cand) or nodes[0] >= node_budget or _past(deadline):
            return
        pick = cand[rng.permutation(len(cand))[:width]]
        options = []
        for i in pick:
            rest = compat(int(i), cand[cand != i])
            options.append((int(sizes[rest].sum()), int(i), rest))
        options.sort(key=lambda o: (-o[0], o[1]))
        done = sum(int(sizes[c]) for c in chosen)
        for more, i, rest in options[:branch]:
            if nodes[0] >= node_budget or _past(deadline):
                return
            dfs(chosen + [i], rest, done + int(sizes[i]) + more)

    dfs([], np.arange(len(reps)), int(sizes.sum()))
    found.sort(key=lambda f: (-len(f[1]), -f[0]))  # deepest packings first, then the most promising
    packings = [f[1] for f in found[:leaves]]

    # small-orbit candidates: short orbits and the sampled words' full orbits, largest first
    s_reps, s_sizes = orbit_representatives(small, np.concatenate([short, sample]), w, t)
    order = np.lexsort((s_reps, -s_sizes))
    s_reps = s_reps[order]
    best: OrbitUnion | None = None
    for done, chosen in enumerate(packings):
        if done and _past(deadline):
            break
        words = np.unique(imgs[chosen].reshape(-1)) if chosen else np.zeros(0, np.uint64)
        rem = s_reps[_compatible_with(s_reps, words, t)]
        parts = [words]
        while len(rem) and not _past(deadline):
            orb = small.orbit(int(rem[0]))
            parts.append(orb)
            keep = _compatible_with(rem, orb, t)
            keep[0] = False
            rem = rem[keep]
        allw = np.unique(np.concatenate(parts))
        if best is None or len(allw) > best.size:
            units = np.unique(small.canonical(allw), return_inverse=True)[1].reshape(-1)
            src = (
                f"{len(chosen)} orbits of {big.name} + {len(parts) - 1} orbits of {small.name} "
                "(look-ahead packing, greedy completion)"
            )
            best = OrbitUnion(allw, units, n, src)
    return best


# -- entry point ----------------------------------------------------------------------------------------------
def _packing_pair(n: int) -> tuple[PermutationGroup, PermutationGroup] | None:
    """(big group, its regular normal subgroup) for :func:`orbit_packing` on ``n`` points."""
    if n & (n - 1) == 0 and 8 <= n <= 64:
        m = n.bit_length() - 1
        return affine_frobenius_group(m), translation_group(m)
    units = [r for r in range(2, n) if gcd(r, n) == 1]
    if not units:
        return None

    def order_of(r: int) -> int:
        o, x = 1, r % n
        while x != 1:
            x, o = (x * r) % n, o + 1
        return o

    r = max(units, key=lambda u: (order_of(u), -u))
    return multiplier_group(n, r), cyclic_group(n)


def _pairs_at(union: OrbitUnion, t: int) -> int:
    ov = np.bitwise_count(union.words[:, None] & union.words[None, :])
    return int(np.triu(ov == t, 1).sum())


def orbit_codes(
    n: int,
    w: int,
    d: int,
    k: int | None,
    *,
    seed: int = 0,
    packing: bool = True,
    packing_tries: int = PACKING_TRIES,
    stop_at_pairs: int | None = None,
    deadline: float | None = None,
) -> list[OrbitUnion]:
    r"""Orbit unions of weight-``w`` words of length ``n`` at distance :math:`\ge d`.

    With ``k`` given, :func:`exact_orbit_union` runs for every group of :func:`transitive_groups` whose orbit
    enumeration is small enough, smallest orbit graph first; each result has exactly ``k`` words and fewer
    pairs at distance ``d`` than the one before (the list ends with the best). It stops once a union has at
    most ``stop_at_pairs`` pairs (e.g. a proven lower bound). With ``packing`` and when the exact search
    gives nothing and the regular groups' orbits are too many to enumerate, ``packing_tries`` independent
    runs of :func:`orbit_packing` add large unions (to be cut to ``k`` words by the caller, who keeps the
    cut with the fewest pairs); only for :math:`d \ge 6`: at :math:`d \le 4` the unions run to tens of
    thousands of words, and lexicodes and annealing match them. ``deadline`` is passed on as a safety cap.
    """
    if not 0 < w < n or n > 64 or d < 2:
        return []
    out: list[OrbitUnion] = []
    if k is not None:
        # smallest orbit graphs first; each later group must beat the best union so far
        tables = [(g, _valid_orbits(g, w, w - d // 2)) for g in transitive_groups(n)]
        tables = sorted((x for x in tables if x[1] is not None), key=lambda x: len(x[1][0]))
        best_pairs, budget = None, EXACT_TOTAL_BUDGET
        for group, (reps, sizes) in tables:
            if budget <= 0 or (
                stop_at_pairs is not None and best_pairs is not None and best_pairs <= stop_at_pairs
            ):
                break
            res, used = _exact_from(group, reps, sizes, w, d, k, min(budget, EXACT_NODE_BUDGET), best_pairs)
            budget -= used
            if res is not None:
                out.append(res)
                best_pairs = _pairs_at(res, w - d // 2)
    # packing only where the regular groups' orbits are too many to enumerate (else the exact search covers it)
    if packing and d >= 6 and not out and comb(n - 1, w - 1) * n > MAX_EXACT_IMAGES and not _past(deadline):
        pair = _packing_pair(n)
        if pair is not None:
            for attempt in range(packing_tries):
                res = orbit_packing(*pair, w, d, seed=seed * 1000 + attempt, target=k, deadline=deadline)
                if res is not None and res.size >= 2:
                    out.append(res)
                if res is None or (k is not None and res.size < k) or _past(deadline):
                    break  # restarts inside could not reach k: more tries will not either
    return out
