r"""The ``algebraic`` generator: constant-weight codes cut from structured codes.

A request :math:`(K, N, w)` is served in two steps.

1. **Sources** give *candidate pools*: sets of weight-:math:`w` words of length :math:`N` with a guaranteed
   pairwise distance :math:`d`, partitioned into *balanced units* (every column sum is constant inside a unit).

   * fixed-weight words of linear codes of length :math:`2^m` -- Reed-Muller :math:`RM(r, m)` and extended
     BCH codes, e.g. the 1054 weight-16 words of the extended BCH :math:`[32, 11, 12]` code. Both families are
     invariant under the translations :math:`x \mapsto x + t` of :math:`\mathrm{GF}(2)^m` (see
     :mod:`codesearch.codes._gf2`), a group acting regularly on the coordinates, so every translation
     orbit of words is a balanced unit. When :math:`w = N/2` and the all-ones word is a codeword, the pool
     is closed under complement and a complementary pair :math:`\{c, \bar c\}` covers every column exactly
     once: pairs are balanced units of size 2;
   * weight-:math:`w` words of the translates :math:`NR + v` of the Nordstrom-Robinson code (:math:`N = 16`):
     a translate of a distance-6 code has distance :math:`\ge 6`; for :math:`\mathrm{wt}(v) = 2` exactly 100
     words of weight 8 remain, with every column at 50;
   * symmetric designs from difference sets -- the biplane :math:`(16, 6, 2)` (support of the bent function
     :math:`x_0x_1 + x_2x_3`), Hadamard difference sets of :math:`\mathrm{GF}(2)^{2k}` and Paley difference sets
     of :math:`\mathbb{Z}_p` -- whose blocks meet pairwise in :math:`\lambda` points (an equidistant code,
     :math:`d = 2(k - \lambda)`), their complements and their derived/residual designs at a point. The blocks
     of the biplane that avoid one point give the :math:`(15, 10, 6)` code with :math:`d = 8`;
   * *group-orbit constructions* (:mod:`codesearch.codes._orbits`): for every regular group of order
     :math:`N` (metacyclic :math:`\mathbb{Z}_m \rtimes_r \mathbb{Z}_k`, :math:`\mathrm{GF}(2)^m`) and
     :math:`A_k` on ordered pairs whose orbits can be enumerated, a branch and bound picks compatible
     orbits with exactly :math:`K` words and the fewest pairs at :math:`d` -- e.g. 4 full and 2 half orbits
     of the Frobenius group :math:`F_{20}` give the (100, 20, 8) code with 2885 pairs at :math:`d = 8`; for large
     rows a look-ahead packing of orbits of :math:`\mathrm{GF}(2)^m \rtimes \langle x \mapsto x^2\rangle`
     completed by translation orbits (3-flats among them) gives :math:`\ge 1000` weight-8 words of length
     32 at :math:`d = 8`, all columns equal;
   * an *orbit search*: a greedy packing of whole orbits of the translation group (:math:`N = 2^m`) or of the
     cyclic shifts (otherwise) whose words pairwise meet in at most :math:`t = w - d/2` positions. Two
     orbits are compatible iff a representative of one meets every word of the other in :math:`\le t` points,
     since the group preserves intersections.

   * *completions* (:func:`completion_pools`, :math:`d \ge 6`): when no pool has :math:`K` words, the largest
     ones are united with their cyclically shifted (and, for :math:`w = N/2`, complemented) copies where
     distances allow and completed by a lexicode scan started from them -- e.g. :math:`S(4, 7, 23)` (253
     words at distance 8) completes to 759 words at distance 6 in length 23;
   * *inversive planes* :math:`S(3, q + 1, q^2 + 1)` (:mod:`codesearch.codes.algebra._inversive`) among the
     designs, e.g. the 130 blocks of :math:`S(3, 6, 26)` at distance 8;
   * when still nothing reaches :math:`d`: *juxtapositions* :math:`(u \mid v)` of two structured codes of
     :math:`K` words (:func:`juxtaposed_codes`) and *widened* shorter codes (:func:`widened_codes`): a pool of
     length :math:`N - j`, :math:`j \le 3`, with all-ones columns juxtaposed where the weight needs them, its
     columns split into groups (no distance decreases), e.g. the 2576 dodecads give :math:`d = 8` at
     :math:`(1410, 26, 14)`.

2. **The cut** keeps exactly :math:`K` words. A union of balanced units is balanced, so when unit sizes allow
   (a subset-sum over unit sizes) whole units are dropped, greedily the ones carrying most pairs at the
   minimum distance, then improved by same-size swaps. Otherwise best-improvement word swaps
   (:func:`_cut_swaps`) pick :math:`K` words, balancing the columns first and then lowering the pairs at
   :math:`d_{\min}` (a counted number of swaps).

The largest structurally reachable :math:`d` (from the Johnson/LP bound down) wins; within it, the best code
by :func:`codesearch.codes.sort_key`. Everything is deterministic given the seed, which only breaks ties and
orders restarts of the orbit search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache, lru_cache
from math import comb

import numpy as np

from .. import _augment
from .._bits import min_distance, overlaps, rotate
from .._code import ConstantWeightCode
from .._metrics import pairs_at_min_distance, sort_key
from .._rebalance import rebalance
from ..algebra import _cyclic, _gf2, _golay, _hadamard, _inversive, _juxtapose, _orbits, _projective
from ._base import GenerateRequest, GenerateResult, GenerationError, Generator, ProgressFn, register
from ._lexicode import lexicode_words, select_balanced, words_to_ints, words_to_matrix

__all__ = ["AlgebraicGenerator", "CandidatePool", "candidate_pools", "candidate_words"]

#: Most words containing coordinate 0 that the orbit search enumerates (C(31, 7) = 2,629,575 fits).
MAX_ORBIT_ENUMERATION = 3_000_000
#: Largest dimension of a linear source code (2^k codewords are listed).
MAX_SOURCE_DIMENSION = 21
#: Largest pool on which the exact pair matrix is computed for the cut.
MAX_POOL_FOR_CUT = 6000


@dataclass(frozen=True)
class CandidatePool:
    """Weight-``w`` words with pairwise distance ``>= d``, grouped into balanced units."""

    words: np.ndarray  # M x n uint8, distinct rows of weight w
    d: int  # guaranteed minimum pairwise distance
    units: np.ndarray  # (M,) int: words sharing a label form a unit with constant column sums (-1: none)
    source: str  # human-readable origin, e.g. "weight-16 words of eBCH[32] delta=11"
    word_cut: bool = (
        True  # whether the cut may pick single words (the swap search) when whole units cannot give K
    )

    @property
    def size(self) -> int:
        return int(self.words.shape[0])


# -- small helpers --------------------------------------------------------------------------------------------
def _balanced_labels(words: np.ndarray, labels: np.ndarray) -> bool:
    """Whether every unit has constant column sums."""
    for lab in np.unique(labels):
        cs = words[labels == lab].sum(axis=0)
        if cs.min() != cs.max():
            return False
    return True


def _complement_units(words: np.ndarray) -> np.ndarray | None:
    """Labels pairing each word with its complement, or None if the set is not closed under complement."""
    n = words.shape[1]
    if 2 * int(words[0].sum()) != n:
        return None
    packed = _gf2.pack(words)
    comp = packed ^ np.uint64((1 << n) - 1 if n < 64 else 0xFFFFFFFFFFFFFFFF)
    order = np.argsort(packed)
    pos = np.searchsorted(packed[order], comp)
    pos = np.minimum(pos, len(packed) - 1)
    if not (packed[order][pos] == comp).all():
        return None
    partner = order[pos]
    return np.minimum(np.arange(len(words)), partner)


# -- group actions on packed words ----------------------------------------------------------------------------
_SWAP_MASKS = [
    np.uint64(0x5555555555555555),
    np.uint64(0x3333333333333333),
    np.uint64(0x0F0F0F0F0F0F0F0F),
    np.uint64(0x00FF00FF00FF00FF),
    np.uint64(0x0000FFFF0000FFFF),
    np.uint64(0x00000000FFFFFFFF),
]


def _translate(x: np.ndarray, t: int) -> np.ndarray:
    r"""Apply :math:`j \mapsto j \oplus t` to the bit positions of packed words (delta swaps)."""
    for b in range(6):
        if (t >> b) & 1:
            s, m = np.uint64(1 << b), _SWAP_MASKS[b]
            x = ((x & m) << s) | ((x >> s) & m)
    return x


def _group_for(n: int) -> str:
    return "translation" if n >= 2 and n & (n - 1) == 0 and n <= 64 else "cyclic"


def _act(x: np.ndarray, g: int, n: int, group: str) -> np.ndarray:
    return _translate(x, g) if group == "translation" else rotate(x, g, n)


def _orbit_of(x: int, n: int, group: str) -> np.ndarray:
    arr = np.array([x], dtype=np.uint64)
    return np.unique(np.array([_act(arr, g, n, group)[0] for g in range(n)], dtype=np.uint64))


def orbit_enumeration_size(n: int, w: int) -> int:
    return comb(n - 1, w - 1)


@lru_cache(maxsize=4)
def _orbit_table(n: int, w: int, t: int, group: str) -> tuple[np.ndarray, np.ndarray]:
    r"""Canonical representatives (sorted) and sizes of the orbits whose words meet pairwise in :math:`\le t`.

    Every orbit of a transitive group has a word containing coordinate 0, so only the
    :math:`\binom{n-1}{w-1}` such words are enumerated; the representative is the smallest image.
    """
    words = _orbits.weight_masks(list(range(1, n)), w - 1) | np.uint64(1)
    canon = words.copy()
    ok = np.ones(len(words), dtype=bool)
    stab = np.ones(len(words), dtype=np.int64)
    for g in range(1, n):
        img = _act(words, g, n, group)
        np.minimum(canon, img, out=canon)
        same = img == words
        stab += same
        ok &= same | (np.bitwise_count(words & img) <= t)
    reps, first = np.unique(canon[ok], return_index=True)
    sizes = n // stab[ok][first]
    return reps, sizes


def _orbit_greedy(
    n: int, w: int, d: int, order: np.ndarray | None, stop_at: int | None, group: str
) -> list[np.ndarray]:
    """Greedy packing of valid orbits (in ``order`` of the representatives); returns the orbits' packed words."""
    t = w - d // 2
    reps, _ = _orbit_table(n, w, t, group)
    rem = reps if order is None else reps[order]
    chosen: list[np.ndarray] = []
    total = 0
    while len(rem):
        orb = _orbit_of(int(rem[0]), n, group)
        chosen.append(orb)
        total += len(orb)
        if stop_at is not None and total >= stop_at:
            break
        keep = np.ones(len(rem), dtype=bool)
        for x in orb:
            keep &= np.bitwise_count(rem & x) <= t
        rem = rem[keep]
    return chosen


def _orbit_pool(n: int, w: int, d: int, restart: int, seed: int, stop_at: int | None) -> CandidatePool | None:
    group = _group_for(n)
    if orbit_enumeration_size(n, w) > MAX_ORBIT_ENUMERATION or n > 64:
        return None
    reps, _ = _orbit_table(n, w, w - d // 2, group)
    if not len(reps):
        return None
    order = None if restart == 0 else np.random.default_rng([seed, restart]).permutation(len(reps))
    orbits = _orbit_greedy(n, w, d, order, stop_at, group)
    words = _gf2.unpack(np.concatenate(orbits), n)
    labels = np.repeat(np.arange(len(orbits)), [len(o) for o in orbits])
    how = "lexicographic" if restart == 0 else f"shuffled #{restart}"
    return CandidatePool(words, d, labels, f"greedy union of {group} orbits ({how} order)")


def _group_orbit_pools(
    n: int,
    w: int,
    d: int,
    k: int | None,
    seed: int,
    packing: bool,
    tries: int = _orbits.PACKING_TRIES,
    deadline: float | None = None,
) -> list[CandidatePool]:
    """Unions of orbits of transitive groups (:mod:`codesearch.codes._orbits`) as pools: exactly ``k`` words
    with the fewest pairs at ``d`` where the orbits can be enumerated, else (``packing``) large packings."""
    from ..bounds import lp_min_pairs

    floor = lp_min_pairs(k, n, w, d) if k is not None and k <= comb(n, w) else None
    pools = []
    found = _orbits.orbit_codes(
        n, w, d, k, seed=seed, packing=packing, packing_tries=tries, stop_at_pairs=floor, deadline=deadline
    )
    for union in found:
        words = union.matrix()
        src = f"group orbits: {union.source}"
        # built at distance >= d; the exact minimum only where a dense K x K overlap matrix is cheap (the cut
        # code's own d is recomputed from its matrix in any case)
        dd = min_distance(words) if len(words) <= MAX_POOL_FOR_CUT else d
        # a union of orbits is only worth its balance: no word cut (an unbalanced result on big pools)
        pools.append(CandidatePool(words, dd, union.units, src, word_cut=False))
    return pools


# -- linear and design sources --------------------------------------------------------------------------------
@cache
def _linear_codes(n: int) -> tuple[_gf2.LinearCode, ...]:
    """Reed-Muller and extended BCH codes of length n = 2^m (3 <= m <= 6) with dimension <= 21."""
    if n & (n - 1) or not 8 <= n <= 64:
        return ()
    m = n.bit_length() - 1
    out: list[_gf2.LinearCode] = []
    for r in range(1, m):
        if sum(comb(m, i) for i in range(r + 1)) <= MAX_SOURCE_DIMENSION:
            out.append(_gf2.reed_muller_code(r, m))
    seen = set()
    for delta in range(3, n, 2):
        code = _gf2.extended_bch_code(m, delta)
        if code.k == 0:
            break
        if code.k <= MAX_SOURCE_DIMENSION and code.k not in seen:
            seen.add(code.k)
            out.append(code)
    return tuple(out)


def _translation_units(words: np.ndarray) -> np.ndarray:
    n = words.shape[1]
    packed = _gf2.pack(words)
    canon = packed.copy()
    for t in range(1, n):
        np.minimum(canon, _translate(packed, t), out=canon)
    return np.unique(canon, return_inverse=True)[1].reshape(-1)


def _linear_pools(n: int, w: int, d: int) -> list[CandidatePool]:
    pools = []
    for code in _linear_codes(n):
        if code.min_distance < 2 or not 2 <= code.weight_distribution[w] <= MAX_POOL_FOR_CUT:
            continue
        words = code.words_of_weight(w)
        dd = min_distance(words)
        if dd < d:
            continue
        src = f"weight-{w} words of {code.name} [{code.n},{code.k},{code.min_distance}]"
        comp = _complement_units(words)
        if comp is not None:
            pools.append(CandidatePool(words, dd, comp, src + " (complementary pairs)"))
        pools.append(CandidatePool(words, dd, _translation_units(words), src + " (translation orbits)"))
    return pools


def _nr_pools(n: int, w: int, d: int, seed: int) -> list[CandidatePool]:
    r"""Weight-w words of translates NR + v (``wt(v) <= 4``), one per distinct (size, spectrum) signature."""
    if n != 16 or d > 6:
        return []
    nr = _gf2.pack(_gf2.nordstrom_robinson())
    pools, seen = [], set()
    vs = [v for k in range(5) for v in _orbits.weight_masks(list(range(16)), k)]
    for v in vs:
        words = nr ^ v
        words = np.sort(words[np.bitwise_count(words) == w])
        if len(words) < 2:
            continue
        bits = _gf2.unpack(words, 16)
        ov = overlaps(bits)
        iu = np.triu_indices(len(bits), 1)
        spec = tuple(np.bincount(ov[iu], minlength=w + 1))
        cs = bits.sum(axis=0)
        key = (len(words), spec, int(cs.max() - cs.min()))
        if key in seen:
            continue
        seen.add(key)
        labels = np.zeros(len(words), dtype=np.int64) if cs.min() == cs.max() else np.arange(len(words))
        pools.append(
            CandidatePool(
                bits,
                min_distance(bits),
                labels,
                f"weight-{w} words of NR + v, wt(v)={int(np.bitwise_count(v))}",
            )
        )
    return pools


#: largest coset-leader weight :func:`_coset_pools` tries (the extended Golay code has covering radius 4)
MAX_COSET_LEADER = 4


def _coset_pools(n: int, w: int, d: int) -> list[CandidatePool]:
    r"""Weight-``w`` words of the cosets :math:`C + v` of the Golay codes [23, 12, 7] and [24, 12, 8].

    Two words of one coset differ by a nonzero codeword, so they are at distance :math:`\ge 8` when they have
    the same weight (an even distance :math:`\ge 7`). Since :math:`M_{24}` is 5-transitive (and
    :math:`M_{23}` 4-transitive) on the coordinates, one leader :math:`v` per weight :math:`1..4` (its first
    coordinates) stands for all. E.g. the leader of weight 4 gives 960 weight-10 words of length 24, every
    column 400 (Brouwer's :math:`A(24, 8, 10) \ge 960`), and 1316 of weight 12; weight 3 gives 640 of weight 9.
    A coset whose words have equal column sums is one balanced unit.
    """
    if d > 8 or n not in (23, 24):
        return []
    code = _golay.golay_code() if n == 23 else _golay.extended_golay_code()
    words_all = code.packed_codewords
    pools, seen = [], set()
    for j in range(1, MAX_COSET_LEADER + 1):
        coset = words_all ^ np.uint64((1 << j) - 1)
        sel = np.sort(coset[np.bitwise_count(coset) == w])
        if len(sel) < 2:
            continue
        words = _gf2.unpack(sel, n)
        cs = words.sum(axis=0)
        # one entry per coset family (the perfect code's leaders of weight 3 and 4 give the same one)
        key = (len(sel), tuple(np.sort(cs)))
        if key in seen:
            continue
        seen.add(key)
        units = np.zeros(len(words), dtype=np.int64) if cs.min() == cs.max() else np.full(len(words), -1)
        pools.append(
            CandidatePool(words, 8, units, f"weight-{w} words of a coset of {code.name} (leader weight {j})")
        )
    return pools


def _paley_set(p: int) -> list[int] | None:
    if p < 7 or p % 4 != 3 or any(p % q == 0 for q in range(2, int(p**0.5) + 1)):
        return None
    return sorted({(x * x) % p for x in range(1, p)})


def _difference_sets(n: int) -> list[tuple[str, str, list[int]]]:
    """(name, group, base block) of difference sets in a group of order n that act on n points."""
    out = []
    if n & (n - 1) == 0 and n >= 4 and (n.bit_length() - 1) % 2 == 0:
        m = n.bit_length() - 1
        # bent function x0x1 + x2x3 + ...: a Hadamard difference set (4^k, 2^(2k-1) - 2^(k-1), ...)
        pts = np.arange(n)
        f = np.zeros(n, dtype=np.int64)
        for i in range(0, m, 2):
            f ^= ((pts >> i) & 1) & ((pts >> (i + 1)) & 1)
        out.append((f"bent difference set in GF(2)^{m}", "translation", [int(x) for x in np.flatnonzero(f)]))
    q = _paley_set(n)
    if q is not None:
        out.append((f"Paley difference set in Z_{n}", "cyclic", q))
    return out


def _design_pools(n: int, w: int, d: int) -> list[CandidatePool]:
    r"""Symmetric designs ``{D + g}`` of difference sets, their complements and derived/residual designs.

    Blocks of a symmetric :math:`(v, k, \lambda)` design meet pairwise in :math:`\lambda` points. At a point
    :math:`p`: the :math:`v - k` blocks avoiding :math:`p` on the other :math:`v - 1` points (weight
    :math:`k`, every point in :math:`k - \lambda` of them) and the :math:`k` blocks through :math:`p` with
    :math:`p` deleted (weight :math:`k - 1`, every point in :math:`\lambda`). Each family is balanced.
    For :math:`w = N/2` also the Hadamard code of order :math:`N` (:mod:`codesearch.codes.algebra._hadamard`):
    :math:`2N - 2` words at distance :math:`N/2`, complementary pairs as units.
    """
    pools = []
    for v in (n, n + 1):
        for name, group, base in _difference_sets(v):
            mask = np.zeros(v, dtype=np.uint8)
            mask[base] = 1
            blocks = np.array(
                [
                    mask[(np.arange(v) ^ g) if group == "translation" else (np.arange(v) - g) % v]
                    for g in range(v)
                ],
                dtype=np.uint8,
            )
            fams = []
            if v == n:
                fams += [(blocks, "blocks"), (1 - blocks, "complements")]
            else:
                p = v - 1
                fams += [
                    (np.delete(blocks[blocks[:, p] == 0], p, axis=1), "blocks avoiding a point"),
                    (
                        np.delete(blocks[blocks[:, p] == 1], p, axis=1),
                        "blocks through a point, point deleted",
                    ),
                ]
                comp = 1 - blocks
                fams += [
                    (np.delete(comp[comp[:, p] == 0], p, axis=1), "complements avoiding a point"),
                    (
                        np.delete(comp[comp[:, p] == 1], p, axis=1),
                        "complements through a point, point deleted",
                    ),
                ]
            for words, how in fams:
                if len(words) < 2 or int(words[0].sum()) != w:
                    continue
                words = np.unique(words, axis=0)
                dd = min_distance(words)
                if dd >= d:
                    pools.append(
                        CandidatePool(words, dd, np.zeros(len(words), dtype=np.int64), f"{name}: {how}")
                    )
    pools += _inversive_pools(n, w, d)
    if 2 * w == n and n // 2 >= d:
        words = _hadamard.hadamard_code(n)
        if words is not None:
            # a row and its complement cover every column once: complementary pairs are balanced units
            pools.append(
                CandidatePool(
                    words,
                    n // 2,
                    np.arange(len(words)) // 2,
                    f"Hadamard code of order {n} (rows and complements)",
                )
            )
    return pools


def _inversive_pools(n: int, w: int, d: int) -> list[CandidatePool]:
    r"""The inversive plane :math:`S(3, q + 1, q^2 + 1)` (:mod:`codesearch.codes.algebra._inversive`) and its
    residual at a point (the :math:`q^3 - q^2` blocks avoiding :math:`\infty`, on :math:`q^2` points), both at
    distance :math:`2q - 2` with every column equal: one balanced unit each. E.g. 130 words at (26, 8, 6) and
    100 at (25, 8, 6)."""
    pools = []
    for q in _inversive.inversive_plane_orders():
        if w != q + 1 or 2 * q - 2 < d or n not in (q * q + 1, q * q):
            continue
        blocks = _inversive.inversive_plane(q)
        how = f"inversive plane S(3, {q + 1}, {q * q + 1})"
        if n == q * q:
            blocks, how = blocks[blocks[:, -1] == 0][:, :-1], how + ": blocks avoiding a point"
        pools.append(CandidatePool(blocks, 2 * q - 2, np.zeros(len(blocks), dtype=np.int64), how))
    return pools


#: Most section pools (:mod:`codesearch.codes.algebra._cyclic`) one distance offers the cut when K is known.
MAX_SECTION_CANDIDATES = 3


def _section_candidate_pools(n: int, w: int, d: int, k: int | None) -> list[CandidatePool]:
    """Sections of (extended) cyclic codes -- Golay, QR, BCH of odd lengths -- with distance >= ``d``.

    With ``k`` given: the two smallest pools of at least ``k`` words and the largest (cheap cuts and the
    most freedom), since each is cut word by word when its units do not add up to ``k``.
    """
    found = [p for p in _cyclic.section_pools(n, w) if p.d >= d and (k is None or len(p.packed) >= k)]
    if k is not None and len(found) > MAX_SECTION_CANDIDATES:
        by_size = sorted(found, key=lambda p: (len(p.packed), p.source))
        found = by_size[: MAX_SECTION_CANDIDATES - 1] + by_size[-1:]
    return [CandidatePool(p.words(), p.d, p.units, p.source) for p in found]


def candidate_pools(n: int, w: int, d: int, *, seed: int = 0, k: int | None = None) -> list[CandidatePool]:
    """Every structured (non-search) pool of weight-``w`` words of length ``n`` with pairwise distance >= ``d``
    (with ``k``: only a few section pools of at least ``k`` words, see :func:`_section_candidate_pools`)."""
    if not 0 < w < n or n > 64:
        return []
    return (
        _linear_pools(n, w, d)
        + _nr_pools(n, w, d, seed)
        + _design_pools(n, w, d)
        + _coset_pools(n, w, d)
        + _section_candidate_pools(n, w, d, k)
    )


#: most coordinates :func:`widened_codes` adds to a shorter code
MAX_WIDEN = 3
#: most shorter pools :func:`widened_codes` cuts and widens at one distance
MAX_WIDEN_HEADS = 4


def _complement_pool(pool: CandidatePool) -> CandidatePool:
    return CandidatePool(1 - pool.words, pool.d, pool.units, f"complements of {pool.source}", pool.word_cut)


@lru_cache(maxsize=64)
def widen_heads(n: int, w: int, d: int, k: int) -> tuple[tuple[CandidatePool, int], ...]:
    r"""Shorter structured pools that :func:`widened_codes` can take to length ``n``: ``(pool, ones)`` with
    the pool of length :math:`n - j` (:math:`1 \le j \le` ``MAX_WIDEN``), weight ``w - ones``
    (:math:`0 \le` ``ones`` :math:`\le j`), distance :math:`\ge d` and at least ``k`` words; fewest
    added coordinates first, then the largest pools, at most ``MAX_WIDEN_HEADS``."""
    found = []
    for j in range(1, MAX_WIDEN + 1):
        for ones in range(j + 1):
            for p in _short_pools(n - j, w - ones, d, k):
                if p.size >= k:
                    found.append((j, -p.size, len(found), p, ones))
    found.sort(key=lambda f: f[:3])
    return tuple((p, ones) for *_, p, ones in found[:MAX_WIDEN_HEADS])


def _short_pools(n1: int, w1: int, d: int, k: int | None) -> list[CandidatePool]:
    """The pools of length ``n1`` and weight ``w1`` at distance >= ``d``, with the complements of the
    weight-(n1 - w1) pools, one per word set."""
    if not 0 < w1 < n1:
        return []
    pools = candidate_pools(n1, w1, d, k=k)
    if 2 * w1 != n1:  # weight above n1 / 2 has pools only as complements
        pools += [_complement_pool(p) for p in candidate_pools(n1, n1 - w1, d, k=k)]
    out, seen = [], set()
    for p in pools:
        key = (p.words.shape, np.sort(_gf2.pack(p.words)).tobytes())
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


#: the largest pools per tail that :func:`mixed_tail_pools` unites
MIXED_TAIL_PARTS = 2


def mixed_tail_pools(n: int, w: int, d: int, k: int) -> list[CandidatePool]:
    r"""Unions :math:`(A \mid 0) \cup (B \mid 1)` of a pool :math:`A` of weight :math:`w` and a pool
    :math:`B` of weight :math:`w - 1`, both of length :math:`n - 1` and distance :math:`\ge d`: all of the
    first, then every word of the second that keeps distance :math:`\ge d` to everything kept (and the
    other way round). E.g. 960 weight-10 words of a Golay coset with 240 of the 640 weight-9 words of
    another give 1200 words at :math:`(25, 8, 10)`, where no single pool of length 24 or 25 has 1158.
    Pools of at least ``k`` and at most ``MAX_POOL_FOR_CUT`` words come back (no balanced units)."""
    if n > 64 or not 1 < w < n - 1:
        return []
    top = [
        sorted(_short_pools(n - 1, w - t, d, None), key=lambda p: -p.size)[:MIXED_TAIL_PARTS] for t in (0, 1)
    ]
    lam = w - d // 2
    out = []
    for a in top[0]:
        for b in top[1]:
            za = np.concatenate([a.words, np.zeros((a.size, 1), dtype=np.uint8)], axis=1)
            ob = np.concatenate([b.words, np.ones((b.size, 1), dtype=np.uint8)], axis=1)
            for first, second, how in ((za, ob, "then"), (ob, za, "after")):
                if first.shape[0] >= MAX_POOL_FOR_CUT:
                    continue
                kept = _greedy_union(words_to_ints(first), words_to_ints(second), lam)
                if k <= len(kept) <= MAX_POOL_FOR_CUT:
                    src = (
                        f"union of ({a.source} | 0) {how} ({b.source} | 1): "
                        f"{len(first)} + {len(kept) - len(first)} words"
                    )
                    out.append(CandidatePool(words_to_matrix(kept, n), d, np.full(len(kept), -1), src))
    return out


def widened_codes(n: int, w: int, d: int, k: int, rng: np.random.Generator, time_limit: float):
    r"""Codes of length ``n`` at distance :math:`\ge d` from shorter pools: first the cuts of the
    :func:`mixed_tail_pools`, then the heads of :func:`widen_heads`, each
    juxtaposed with ``ones`` all-ones columns (:math:`(u \mid 1 \dots 1)`, distances kept) and split to ``n``
    columns (:func:`codesearch.codes.algebra._juxtapose.split_columns`, no distance decreases), in two orders:
    ``k`` words cut from the pool, then split; and the whole pool split, then cut (the cut can then favour
    words whose ones fall on the split columns). Each is rebalanced (:mod:`codesearch.codes._rebalance`,
    distance kept); yields ``(matrix, source)``. The record codes this reaches are often *degenerate*
    (Brouwer's :math:`A(25, 8, 7) \ge 255` rests on :math:`S(4, 7, 23)` on 23 of its coordinates): a split
    column carries part of one column's load, so the column spread can stay large."""
    t0 = time.perf_counter()
    for pool in mixed_tail_pools(n, w, d, k):
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0:
            return
        words = _cut(pool, k, rng)
        if words is not None:
            balanced, moves = rebalance(words)
            tail = f" (rebalanced by {moves} moves)" if moves else ""
            yield balanced.astype(np.uint8), pool.source + tail
    for pool, ones in widen_heads(n, w, d, k):
        n1 = pool.words.shape[1]
        src = f"{pool.source}, " + (f"juxtaposed with {ones} all-ones column(s), " if ones else "")
        src += f"columns split from {n1 + ones} to {n}"

        def widen(words: np.ndarray, ones=ones) -> np.ndarray:
            if ones:
                words = _juxtapose.juxtapose(words, np.ones((len(words), ones), dtype=np.uint8))
            return _juxtapose.split_columns(words, n)

        for order in ("cut, then split", "split, then cut"):
            left = time_limit - (time.perf_counter() - t0)
            if left <= 0:
                return
            if order == "cut, then split":
                words = _cut(pool, k, rng)
                words = None if words is None else widen(words)
            else:
                wide = CandidatePool(widen(pool.words), pool.d, np.full(pool.size, -1), pool.source)
                words = _cut(wide, k, rng)
            if words is not None:
                balanced, moves = rebalance(words)
                tail = f", rebalanced by {moves} moves" if moves else ""
                yield balanced.astype(np.uint8), f"{src} ({order}{tail})"


#: most pools per part :func:`juxtaposed_codes` pairs
MAX_JUXTAPOSE_PARTS = 2
#: most pairs of parts :func:`juxtaposed_codes` cuts at one distance (a counted budget; time is only a cap)
MAX_JUXTAPOSE_PAIRS = 24


@lru_cache(maxsize=512)
def _juxtapose_parts(n: int, w: int, k: int) -> tuple[CandidatePool, ...]:
    """The ``MAX_JUXTAPOSE_PARTS`` pools of length ``n``, weight ``w`` and at least ``k`` words with the largest
    distance, then size (cached: every distance of one request asks again; only these are kept)."""
    if not 0 < w < n:
        return ()
    found = [p for p in candidate_pools(n, w, 2, k=k) if p.size >= k]
    return tuple(sorted(found, key=lambda p: (-p.d, -p.size))[:MAX_JUXTAPOSE_PARTS])


def juxtaposed_codes(n: int, w: int, d: int, k: int, rng: np.random.Generator, time_limit: float):
    r"""Juxtapositions :math:`(u_i \mid v_i)` of two structured codes of ``k`` words each
    (:func:`codesearch.codes.algebra._juxtapose.juxtapose`): lengths :math:`n_1 + n_2 = n`, weights
    :math:`w_1 + w_2 = w`, distances :math:`d_1 + d_2 \ge d`. Both parts are balanced cuts, so the result is
    balanced when both are. Pools of each length and weight are listed once (at distance 2, then filtered),
    the largest ``MAX_JUXTAPOSE_PARTS`` per part, at most ``MAX_JUXTAPOSE_PAIRS`` pairs cut (shortest first
    part first). Yields ``(matrix, source)``."""
    t0 = time.perf_counter()
    pools_at = _juxtapose_parts
    pairs = 0
    for n1 in range(4, n // 2 + 1):
        n2 = n - n1
        for w1 in range(1, min(w, n1)):
            w2 = w - w1
            if not 0 < w2 < n2 or time.perf_counter() - t0 > time_limit:
                continue
            left, right = pools_at(n1, w1, k), pools_at(n2, w2, k)
            for a in left:
                for b in right:
                    if a.d + b.d < d:
                        continue
                    if pairs >= MAX_JUXTAPOSE_PAIRS:
                        return
                    pairs += 1
                    wa, wb = _cut(a, k, rng), _cut(b, k, rng)
                    if wa is None or wb is None:
                        continue
                    yield _juxtapose.juxtapose(wa, wb), f"juxtaposition ({a.source} | {b.source})"


def partition_pool(n: int, w: int, seed: int) -> CandidatePool:
    r"""A distance-4 start -- the larger of the largest Graham-Sloane class (positions summing to
    :math:`a \pmod n`) and the partition product :math:`(u \mid v)` of :mod:`codesearch.codes._augment` --
    grown by the seeded (1, 2)-swap search on its counted budget, e.g. 1863 -> 1900 words at (18, 7) with seed
    0 (the class has 1768); no balanced units (the word cut balances)."""
    starts = [
        (_augment.product_code(n, w, seed=seed), "partition product"),
        (_augment.partition_class(n, w), "Graham-Sloane class"),
    ]
    start, name = max(starts, key=lambda s: len(s[0]))  # ties: the product
    grown = _augment.augment_distance4(start, n, w, seed=seed)
    src = f"{name} of {len(start)} words grown by (1, 2)-swaps to {len(grown)}"
    return CandidatePool(_gf2.unpack(grown, n), 4, np.full(len(grown), -1), src)


#: smallest distance at which :func:`projective_pool` runs (at d = 4 the partition pool does better)
PROJECTIVE_MIN_DISTANCE = 6


@lru_cache(maxsize=16)
def projective_pool(n: int, w: int, d: int, seed: int) -> CandidatePool | None:
    r"""Short orbits of :math:`\mathrm{PSL}(2, n - 1)` on the projective line, completed by the words of
    orbits that fit (:mod:`codesearch.codes.algebra._projective`), e.g. 790 words at (28, 10, 14) where the
    cyclic orbits reach d = 10 only with far fewer; each orbit is a balanced unit. ``None`` unless
    :math:`n - 1` is one of :func:`~codesearch.codes.algebra._projective.projective_orders` and a short
    orbit is valid at ``d``."""
    if n - 1 not in _projective.projective_orders() or d < PROJECTIVE_MIN_DISTANCE:
        return None
    code = _projective.projective_orbit_code(n - 1, w, d, seed=seed)
    if code is None or len(code.words) < 2:
        return None
    bits = _gf2.unpack(code.words, n)
    bits.setflags(write=False)
    return CandidatePool(bits, min_distance(bits), code.labels, code.source)


#: smallest distance at which :func:`fixed_point_pool` runs (at d <= 4 lexicodes and annealing do as well)
FIXED_POINT_MIN_DISTANCE = 6


@lru_cache(maxsize=16)
def fixed_point_pool(n: int, w: int, d: int, k: int) -> CandidatePool | None:
    r"""Orbits of a regular group of order :math:`n - 1` fixing the last point
    (:func:`~codesearch.codes.algebra._orbits.fixed_point_orbit_union`), at least ``k`` words, e.g. 44 at
    (23, 10, 9) where the cyclic orbits of length 23 give 23; ``None`` below
    :data:`FIXED_POINT_MIN_DISTANCE` or when no union reaches ``k``. The orbits are the units, but not
    balanced ones (the fixed point's column), so the word cut balances."""
    if d < FIXED_POINT_MIN_DISTANCE:
        return None
    union = _orbits.fixed_point_orbit_union(n, w, d, k)
    if union is None:
        return None
    bits = union.matrix()
    bits.setflags(write=False)
    return CandidatePool(bits, min_distance(bits), union.units, f"group orbits: {union.source}")


#: the largest pools :func:`completion_pools` completes at one distance
COMPLETION_SEEDS = 4
#: smallest distance at which :func:`completion_pools` runs (at d <= 4 lexicodes and annealing do as well)
COMPLETION_MIN_DISTANCE = 6
#: a completion with fewer than this share of K words ends :func:`completion_pools` at that distance: the
#: completions of the largest pools are of one size class (691/704/670/673 words at N = 28, w = 9, d = 8;
#: 100/99/105/100 at d = 10), so the smaller seeds would not reach K either and each costs a full lexicode
#: scan. Not closer to 1: at N = 19, w = 6, d = 6 the two 84-word seeds complete to 96 and 164 words, and
#: K = 160 needs the second
COMPLETION_GIVE_UP = 0.5


def _greedy_union(kept: np.ndarray, candidates: np.ndarray, lam: int) -> np.ndarray:
    """``kept`` plus, in order, every candidate sharing at most ``lam`` ones with everything kept so far."""
    out = np.array(kept, dtype=np.uint64)
    for c in np.asarray(candidates, dtype=np.uint64):
        if not (np.bitwise_count(out & c) > lam).any():
            out = np.append(out, c)
    return out


def completion_pools(
    n: int, w: int, d: int, k: int, pools: list[CandidatePool], time_limit: float
) -> list[CandidatePool]:
    r"""Structured pools too small for ``k`` words, completed: the union with their shifted (and, for
    :math:`w = N/2`, complemented) copies where distances allow, then a lexicode scan from that start.

    For each of the ``COMPLETION_SEEDS`` largest pools :math:`P` at distance :math:`\ge d`: the words of the
    cyclic shifts :math:`\sigma^s P` (:math:`s = 1..N-1`) and of the complements :math:`\bar P` (distance
    :math:`N - d(c, c')` to :math:`c`) are added one by one when they share at most :math:`t = w - d/2` ones
    with every word kept; the result seeds :func:`~codesearch.codes.generators._lexicode.lexicode_words`,
    which adds every word of the integer-order scan that fits. Every kept word is checked against all kept
    before it, so the pool has distance :math:`\ge d`; its words carry no balanced units (the word cut
    balances them). E.g. at (681, 23, 7) the 253 words of :math:`S(4, 7, 23)` (distance 8) complete to 759
    words at distance 6 where the plain lexicode has 625. Pools of at least ``k`` words come back. Seeds are
    taken largest first, and a completion of fewer than ``COMPLETION_GIVE_UP * k`` words ends the search
    (the rest would cost one full scan each and reach about as many words).
    """
    if d < COMPLETION_MIN_DISTANCE or n > 63 or not pools:
        return []
    t0 = time.perf_counter()
    lam = w - d // 2
    mask = np.uint64((1 << n) - 1)
    out = []
    for pool in sorted(pools, key=lambda p: -p.size)[:COMPLETION_SEEDS]:
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0:
            break
        base = words_to_ints(pool.words)
        kept = base
        for shift in range(1, n):
            kept = _greedy_union(kept, rotate(base, shift, n), lam)
        if 2 * w == n:
            kept = _greedy_union(kept, ~kept & mask, lam)
        images = len(kept) - len(base)
        words, info = lexicode_words(n, w, d, seed_words=kept, time_limit=left)
        if len(words) < COMPLETION_GIVE_UP * k:
            break
        if len(words) < k or len(words) > MAX_POOL_FOR_CUT:
            continue
        src = (
            f"completion of {pool.source}: +{images} shifted/complemented copies, "
            f"+{len(words) - len(kept)} lexicode words ({info['scanned']} scanned)"
        )
        matrix = words_to_matrix(words, n)
        out.append(CandidatePool(matrix, d, np.full(len(words), -1), src))
    return out


def candidate_words(n: int, w: int, d: int) -> np.ndarray:
    """The largest structured set of weight-``w`` words of length ``n`` with pairwise distance >= ``d``.

    Takes the biggest of the linear, Nordstrom-Robinson and design pools and of a union of group orbits:
    the look-ahead packing of :func:`codesearch.codes._orbits.orbit_packing` where the orbits are too many to
    enumerate, else a maximal greedy union (every such union has equal column sums). Returns an ``M x n``
    ``uint8`` matrix, possibly with 0 rows. E.g. ``candidate_words(32, 8, 8)`` gives a balanced 1000-word
    code (every column 250), where the plain greedy union of translation orbits stops at 948.
    """
    group = _group_orbit_pools(n, w, d, None, 0, packing=True, tries=1)
    pools = candidate_pools(n, w, d) + group
    orb = None if group else _orbit_pool(n, w, d, 0, 0, None)  # the packing beats the plain greedy
    if orb is not None:
        pools.append(orb)
    if not pools:
        return np.zeros((0, n), dtype=np.uint8)
    return max(pools, key=lambda p: p.size).words.copy()


# -- the cut --------------------------------------------------------------------------------------------------
def _reachable(counts: dict[int, int], target: int) -> bool:
    """Whether ``target`` is a sum of unit sizes taking at most ``counts[s]`` units of size ``s``."""
    if target < 0:
        return False
    reach, cap = 1, (1 << (target + 1)) - 1
    for s, c in counts.items():
        take = 1
        while c > 0:  # binary splitting of a bounded multiplicity
            t = min(take, c)
            reach = (reach | (reach << (s * t))) & cap
            c -= t
            take *= 2
    return bool((reach >> target) & 1)


def _cut_units(pool: CandidatePool, k: int, rng: np.random.Generator) -> np.ndarray | None:
    """Indices of ``k`` words forming a union of units, few pairs at the pool's minimum distance; None if
    no union of units has exactly ``k`` words."""
    labels = np.unique(pool.units, return_inverse=True)[1].reshape(-1)
    u = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=u)
    drop = pool.size - k
    if drop == 0:
        return np.arange(pool.size)
    counts = {int(v): int(c) for v, c in zip(*np.unique(sizes, return_counts=True))}
    if not _reachable(counts, drop):
        return None
    ov = overlaps(pool.words)
    np.fill_diagonal(ov, -1)
    dmin_ov = int(ov.max())
    at_min = (ov == dmin_ov).astype(np.float64)
    onehot = np.zeros((pool.size, u), dtype=np.float64)
    onehot[np.arange(pool.size), labels] = 1.0
    # pairs at d_min between units (BLAS float product of 0/1 matrices, exact below 2^53);
    # the diagonal counts each internal pair twice
    pu = np.rint(onehot.T @ at_min @ onehot).astype(np.int64)
    pu[np.diag_indices(u)] //= 2
    tie = rng.permutation(u)
    removed = np.zeros(u, dtype=bool)
    # gain[v] = pairs at d_min lost by removing unit v now (internal + with every kept unit)
    gain = pu.sum(axis=1).astype(float)
    need = drop
    while need > 0:
        best, best_key = -1, None
        for s in sorted(counts):
            if s > need or counts[s] == 0:
                continue
            rest = dict(counts)
            rest[s] -= 1
            if not _reachable(rest, need - s):
                continue
            cand = np.flatnonzero((~removed) & (sizes == s))
            scores = gain[cand] / s
            top = cand[scores == scores.max()]
            v = int(top[np.argmin(tie[top])])
            key = (float(gain[v]) / s, -tie[v])
            if best_key is None or key > best_key:
                best, best_key = v, key
        if best < 0:  # pragma: no cover - reachability was checked above
            return None
        removed[best] = True
        counts[int(sizes[best])] -= 1
        need -= int(sizes[best])
        gain -= pu[:, best]
        gain[best] = 0
    # same-size swaps: put back removed unit a, remove kept unit b, if fewer pairs remain
    for _ in range(50):
        kept = ~removed
        attach = pu[:, kept].sum(axis=1)  # pairs with kept units (includes own diagonal if kept)
        improved = False
        for a in np.flatnonzero(removed)[np.argsort(tie[removed])]:
            same = np.flatnonzero(kept & (sizes == sizes[a]))
            if not len(same):
                continue
            # pairs after swap: + (attach[a] - pu[a,b] + pu[a,a]) - attach[b]
            delta = attach[a] + pu[a, a] - pu[a, same] - attach[same]
            j = int(np.argmin(delta))
            if delta[j] < 0:
                b = int(same[j])
                removed[a], removed[b] = False, True
                kept = ~removed
                improved = True
                break
        if not improved:
            break
    return np.flatnonzero(~removed[labels])


#: Largest pool size x K for the greedy fallback cut (Algorithm 1's selection, O(K x pool x N))
MAX_GREEDY_CUT = 5_000_000
#: Widest column-sum window the word cut accepts: every sum in [floor(K w / N) - 2, ceil(K w / N) + 2];
#: a cut outside it falls back to Algorithm 1's greedy selection.
CUT_WINDOW_SLACK = 2
#: Swaps one word cut may make per kept word (a counted budget; the time limit is only a cap).
CUT_SWAPS_PER_WORD = 4
#: Single swaps the word cut combines two at a time when no single swap improves the balance.
CUT_DOUBLE_CANDIDATES = 256


class _SwapCut:
    r"""State of the word cut: kept and dropped words (positions in two arrays), column sums :math:`c`,
    each word's pairs with the kept set :math:`r`, and the kept x dropped matrix
    :math:`C = 2 N B\,\langle x_a, x_b\rangle + P_{ab}` (:math:`B` = ``big``), updated by one row and one column
    per swap, so a step costs one pass over :math:`K (M - K)` cells instead of a gather."""

    def __init__(self, words: np.ndarray, kept: np.ndarray | int):
        """``kept``: the kept word indices, or a count K: the K words with the fewest pool neighbours at the
        minimum distance (lowest index on ties)."""
        self.words = np.asarray(words, dtype=np.int64)
        self.m, self.n = self.words.shape
        self.w = int(self.words[0].sum())
        ov = overlaps(words).astype(np.int64)
        np.fill_diagonal(ov, -1)
        self.ov, self.pm = ov, (ov == ov.max()).astype(np.int64)
        if isinstance(kept, int):
            kept = np.argsort(self.pm.sum(axis=1), kind="stable")[:kept]
        inS = np.zeros(self.m, dtype=bool)
        inS[kept] = True
        self.kept, self.dropped = np.flatnonzero(inS), np.flatnonzero(~inS)
        self.k = len(self.kept)
        self.big = 2 * self.k + 2  # a pairs change lies in [-(k + 1), k]: balance always ranks first
        self.scale = 2 * self.n * self.big
        self.c = self.words[self.kept].sum(axis=0)
        self.r = self.pm[:, self.kept].sum(axis=1)
        ix = np.ix_(self.kept, self.dropped)
        self.inter = self.scale * ov[ix] + self.pm[ix]

    def spread(self) -> int:
        return int(self.c.max() - self.c.min())

    def balance_parts(self) -> tuple[np.ndarray, np.ndarray]:
        r"""Per-word halves of the balance change: :math:`p_a = N w - \langle x_a, e \rangle` (dropping a),
        :math:`q_b = N w + \langle x_b, e \rangle` (keeping b), :math:`e = 2 (N c - K w)`."""
        e = 2 * (self.n * self.c - self.k * self.w)
        xe = self.words @ e
        return self.n * self.w - xe, self.n * self.w + xe

    def balance_keys(self) -> np.ndarray:
        r"""``big`` x balance change + pairs change of every swap (kept position, dropped position): the balance
        change is :math:`p_a + q_b - 2 N \langle x_a, x_b\rangle = \Delta \sum_j (N c_j - K w)^2 / N` and the
        pairs change :math:`r_b - r_a - P_{ab}` (integers)."""
        p, q = self.balance_parts()
        u = (self.big * p - self.r)[self.kept]
        v = (self.big * q + self.r)[self.dropped]
        return u[:, None] + v[None, :] - self.inter

    def window_keys(self, lo: int, hi: int) -> np.ndarray:
        """``big`` x change of the violation of [lo, hi] + pairs change of every swap."""
        c = self.c
        v0 = np.maximum(0, c - hi) + np.maximum(0, lo - c)
        dec = np.maximum(0, c - 1 - hi) + np.maximum(0, lo - c + 1) - v0
        inc = np.maximum(0, c + 1 - hi) + np.maximum(0, lo - c - 1) - v0
        wa, wb = self.words[self.kept], self.words[self.dropped]
        both = (wa * (dec + inc)).astype(np.float64) @ wb.T.astype(np.float64)  # small integers: exact
        gain = (wa @ dec)[:, None] + (wb @ inc)[None, :] - both.astype(np.int64)
        pairs = self.r[self.dropped][None, :] - self.r[self.kept][:, None] - self.inter % self.scale
        return gain * self.big + pairs

    @staticmethod
    def best_single(keys: np.ndarray) -> tuple[int, int] | None:
        """(kept position, dropped position) of the smallest negative key (first in position order), or None."""
        j = int(np.argmin(keys))
        if keys.flat[j] >= 0:
            return None
        return divmod(j, keys.shape[1])

    def best_double(self, keys: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """Two swaps at once among the ``CUT_DOUBLE_CANDIDATES`` single swaps with the smallest balance keys:
        the pair (four distinct words) whose combined (balance, pairs) change is the smallest negative one,
        or None. In a pool of distance d >= 4 no single swap moves just one one between two columns; two
        swaps together often do what neither does alone."""
        flat = keys.ravel()
        top = min(CUT_DOUBLE_CANDIDATES, flat.size)
        sel = np.argpartition(flat, top - 1)[:top]
        sel = sel[np.lexsort((sel, flat[sel]))]  # smallest keys, then position order
        i, j = np.divmod(sel, keys.shape[1])
        ca, cb = self.kept[i], self.dropped[j]
        p, q = self.balance_parts()
        bal = p[ca] + q[cb] - 2 * self.n * self.ov[ca, cb]
        single = flat[sel] - bal * self.big
        delta = self.words[cb] - self.words[ca]  # L x N column changes
        # combined balance change: bal_1 + bal_2 + 2 N <delta_1, delta_2>; pairs change: both singles,
        # corrected for the pairs among the four words that each single counted against the old kept set
        pm = self.pm
        total = (bal[:, None] + bal[None, :] + 2 * self.n * (delta @ delta.T)) * self.big + (
            single[:, None]
            + single[None, :]
            + pm[np.ix_(ca, ca)]
            + pm[np.ix_(cb, cb)]
            - pm[np.ix_(ca, cb)]
            - pm[np.ix_(cb, ca)]
        )
        total[(i[:, None] == i[None, :]) | (j[:, None] == j[None, :])] = 0
        total[np.tril_indices(len(sel))] = 0  # each unordered pair once
        x = int(np.argmin(total))
        if total.flat[x] >= 0:
            return None
        x, y = divmod(x, len(sel))
        return (int(i[x]), int(j[x])), (int(i[y]), int(j[y]))

    def swap(self, i: int, j: int) -> None:
        """Drop the kept word at position i, keep the dropped word at position j (they trade positions)."""
        a, b = int(self.kept[i]), int(self.dropped[j])
        self.kept[i], self.dropped[j] = b, a
        self.c += self.words[b] - self.words[a]
        self.r += self.pm[:, b] - self.pm[:, a]
        self.inter[i, :] = self.scale * self.ov[b, self.dropped] + self.pm[b, self.dropped]
        self.inter[:, j] = self.scale * self.ov[self.kept, a] + self.pm[self.kept, a]


def _cut_swaps(pool: CandidatePool, k: int) -> np.ndarray:
    r"""K words of the pool, balanced first and then with few pairs at the pool's minimum distance, by
    best-improvement swaps (drop a kept word :math:`a`, keep a dropped word :math:`b`).

    Start: the :math:`K` words with the fewest pool neighbours at the minimum distance (lowest index on ties).
    With column sums :math:`c`, target :math:`\tau = K w / N` and :math:`\delta = x_b - x_a`, a swap changes
    :math:`N \sum_j (c_j - \tau)^2` by :math:`N (2w - 2\langle x_a, x_b\rangle) + 2\langle \delta, N c - K w
    \rangle` (integers; its minimum over sums fixed at :math:`K w` is spread :math:`\le 1`) and the pairs at
    the minimum distance by :math:`r_b - r_a - P_{ab}`, where :math:`P` is the pool's pair matrix and
    :math:`r = P x_S` counts each word's pairs with the kept set (:class:`_SwapCut`). Phase 1 takes the swap
    that lowers (balance, pairs) lexicographically most, and when none does while the spread is above the
    smallest possible, the best two swaps at once among the best ``CUT_DOUBLE_CANDIDATES`` single ones
    (:meth:`_SwapCut.best_double`); phase 2 keeps every sum in the window [min c, max c] phase 1 reached and
    takes the swap that lowers the pairs most. Each phase stops when no swap improves; both together make at
    most ``CUT_SWAPS_PER_WORD * K`` swaps. Deterministic (ties go to the first kept/dropped position; a
    swapped word takes the position of the word it replaces) and symmetric under complementation: the
    complement pool has the same integer scores, so a code and its complement are cut alike.
    """
    st = _SwapCut(pool.words, k)  # computes the overlaps once
    n, w = st.n, st.w
    target = 0 if (k * w) % n == 0 else 1
    left = CUT_SWAPS_PER_WORD * k
    while left > 0:
        keys = st.balance_keys()
        one = st.best_single(keys)
        moves = None if one is None else (one,)
        if moves is None and st.spread() > target:
            moves = st.best_double(keys)
        if moves is None:
            break
        for i, j in moves:
            st.swap(i, j)
            left -= 1
    lo, hi = int(st.c.min()), int(st.c.max())
    while left > 0:
        one = st.best_single(st.window_keys(lo, hi))
        if one is None:
            break
        st.swap(*one)
        left -= 1
    return np.sort(st.kept)


#: Largest pool on which a word cut that ends above the smallest possible spread gets a second opinion from the
#: MILP (small pools: HiGHS is quick there and sometimes finds a window the swaps miss).
CUT_MILP_MAX_POOL = 400
#: Wall-clock cap of that MILP (a safety cap; its node budget is what counts).
MILP_TIME_CAP = 10.0
#: Branch-and-bound nodes of one balanced-cut MILP (a counted budget; the time limit is only a cap).
MILP_NODE_LIMIT = 300
#: Column-sum windows the balanced cut tries, widening (low, high) around K w / N.
_MILP_WIDENINGS = ((0, 0), (1, 0), (1, 1), (2, 1), (2, 2))


def _milp_window(pool: CandidatePool, k: int, lo: int, hi: int, deg: np.ndarray, time_limit: float):
    """K words with every column sum in [lo, hi] and the fewest d_min-neighbours (linear proxy), or None."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    m = pool.size
    cons = [
        LinearConstraint(np.ones((1, m)), k, k),
        LinearConstraint(pool.words.T.astype(float), lo, hi),
    ]
    res = milp(
        deg,
        constraints=cons,
        integrality=np.ones(m),
        bounds=Bounds(np.zeros(m), np.ones(m)),
        options={"time_limit": max(1.0, time_limit), "node_limit": MILP_NODE_LIMIT, "disp": False},
    )
    if res.x is None:
        return None
    return np.flatnonzero(res.x > 0.5)


def _cut_milp(pool: CandidatePool, k: int, time_limit: float) -> np.ndarray | None:
    """K words in the narrowest column-sum window around K w / N (spread 0 when it is an integer, else 1),
    then the fewest d_min-neighbours (linear proxy), by MILP on a node budget; windows widen when empty."""
    n = pool.words.shape[1]
    w = int(pool.words[0].sum())
    ov = overlaps(pool.words)
    np.fill_diagonal(ov, -1)
    deg = (ov == ov.max()).sum(axis=1).astype(float)
    floor_, ceil_ = (k * w) // n, -(-(k * w) // n)
    t0 = time.perf_counter()
    for a, b in _MILP_WIDENINGS:
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0:
            break
        idx = _milp_window(pool, k, max(0, floor_ - a), min(k, ceil_ + b), deg, left)
        if idx is not None and len(idx) == k:
            return idx
    return None


def _cut_rank(words: np.ndarray) -> tuple[int, int, int]:
    """(minus the distance, column spread, pairs at the distance) of a cut: smaller is better (auto's order)."""
    code = ConstantWeightCode(words)
    return (-code.d, code.column_spread, pairs_at_min_distance(code))


def _cut(pool: CandidatePool, k: int, rng: np.random.Generator) -> np.ndarray | None:
    if pool.size < k:
        return None
    if pool.size > MAX_POOL_FOR_CUT:
        return None
    if (pool.units >= 0).all() and _balanced_labels(pool.words, pool.units):
        idx = _cut_units(pool, k, rng)
        if idx is not None:
            return pool.words[idx]
    if pool.size == k:
        return pool.words
    if not pool.word_cut:
        return None
    idx = _cut_swaps(pool, k)
    w, n = int(pool.words[0].sum()), pool.words.shape[1]
    sums = pool.words[idx].sum(axis=0)
    if int(sums.max() - sums.min()) > (0 if (k * w) % n == 0 else 1) and pool.size <= CUT_MILP_MAX_POOL:
        alt = _cut_milp(pool, k, MILP_TIME_CAP)
        if alt is not None and _cut_rank(pool.words[alt]) < _cut_rank(pool.words[idx]):
            idx = alt
            sums = pool.words[idx].sum(axis=0)
    if sums.min() >= (k * w) // n - CUT_WINDOW_SLACK and sums.max() <= -(-(k * w) // n) + CUT_WINDOW_SLACK:
        return pool.words[idx]
    if pool.size * k > MAX_GREEDY_CUT:
        return None
    # no column-sum window within 2 of K w / N: Algorithm 1's greedy selection (spread, then pairs), whose
    # spread the caller may still improve at the same distance (auto's rebalance)
    ov = overlaps(pool.words)
    np.fill_diagonal(ov, -1)
    return select_balanced(pool.words, k, int(ov.max()), rng)


# -- the generator --------------------------------------------------------------------------------------------
@register
class AlgebraicGenerator(Generator):
    r"""Constant-weight codes cut from linear codes, Nordstrom-Robinson translates, designs and group orbits.

    ``params``: ``restarts`` (int, default 3): orbit-search restarts per distance after the lexicographic one;
    ``orbit_tries`` (int, default 4): independent group-orbit packings for large rows such as (1000, 32, 8),
    the cut with the fewest pairs wins.
    """

    name = "algebraic"

    def size_limit(self, req: GenerateRequest) -> str | None:
        if req.subnns > 64:
            return f"algebraic supports N <= 64, not {req.subnns}"
        if req.classes > MAX_POOL_FOR_CUT:
            return f"algebraic cuts pools of at most {MAX_POOL_FOR_CUT} words, so K <= {MAX_POOL_FOR_CUT}, not {req.classes}"
        return None

    def applicable(self, req: GenerateRequest) -> bool:
        n, w = req.subnns, req.active
        if self.size_limit(req) is not None or not 0 < w < n:
            return False
        if orbit_enumeration_size(n, w) <= MAX_ORBIT_ENUMERATION:
            return True
        if any(req.classes <= c.weight_distribution[w] <= MAX_POOL_FOR_CUT for c in _linear_codes(n)):
            return True
        if any(len(p.packed) >= req.classes for p in _cyclic.section_pools(n, w)):
            return True
        small = _nr_pools(n, w, 2, 0) + _design_pools(n, w, 2) + _coset_pools(n, w, 2)
        if any(p.size >= req.classes for p in small):
            return True
        from ..bounds import max_distance_bound

        if n <= 64 and widen_heads(n, w, 2, req.classes):  # a shorter structured code widened to n
            return True
        # a structured pool too small for K may still seed a completion (completion_pools)
        return (
            n <= 63
            and bool(small or _cyclic.section_pools(n, w))
            and max_distance_bound(req.classes, n, w) >= COMPLETION_MIN_DISTANCE
        )

    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
        from ..bounds import max_distance_bound

        start = time.perf_counter()
        k, n, w = req.classes, req.subnns, req.active
        restarts = int(req.params.get("restarts", 3))
        extra = {"orbit_tries": int(req.params["orbit_tries"])} if "orbit_tries" in req.params else {}
        if not self.applicable(req):
            raise GenerationError(f"No structured source of length {n} and weight {w} for {k} words.")
        top = max_distance_bound(k, n, w)
        if req.min_distance is not None:
            top = min(top, req.min_distance + (req.min_distance % 2))
        floor = 2 if req.min_distance is None else req.min_distance
        distances = [d for d in range(top - top % 2, floor - 1, -2) if d >= 2]
        for i, d in enumerate(distances):
            if progress:
                progress(i / max(1, len(distances)), f"algebraic: trying d={d}")
            best, best_src = self._best_at(req, d, restarts, start)
            if best is not None:
                if progress:
                    progress(1.0, f"algebraic: d={best.d} from {best_src}")
                return GenerateResult(
                    code=best,
                    method=self.name,
                    seed=req.seed,
                    params={"restarts": restarts, **extra, "source": best_src},
                    seconds=time.perf_counter() - start,
                )
        raise GenerationError(
            f"The algebraic sources give no {k}-word code of length {n}, weight {w}"
            + (f" and distance >= {req.min_distance}." if req.min_distance else ".")
        )

    def _best_at(self, req: GenerateRequest, d: int, restarts: int, start: float):
        k, n, w = req.classes, req.subnns, req.active
        rng = np.random.default_rng(req.seed)
        best, best_src = None, ""

        def consider(pool: CandidatePool | None):
            nonlocal best, best_src
            if pool is None or pool.size < k:
                return
            words = _cut(pool, k, rng)
            if words is not None:
                consider_code(words, pool.source)

        def consider_code(words: np.ndarray, src: str):
            nonlocal best, best_src
            code = ConstantWeightCode(words)
            if code.d < d:
                return
            if best is None or sort_key(code) > sort_key(best):
                best, best_src = code, src

        for pool in candidate_pools(n, w, d, seed=req.seed, k=k):
            consider(pool)
        tries = int(req.params.get("orbit_tries", _orbits.PACKING_TRIES))
        deadline = start + req.time_limit
        for pool in _group_orbit_pools(
            n, w, d, k, req.seed, packing=best is None, tries=tries, deadline=deadline
        ):
            consider(pool)
        cheap = orbit_enumeration_size(n, w) <= 200_000
        if best is None or cheap:
            for r in range(restarts + 1):
                if r and time.perf_counter() - start > req.time_limit:
                    break
                consider(_orbit_pool(n, w, d, r, req.seed, k + 2 * n))
        if best is None and d == 4 and comb(n, w) <= _augment.MAX_WORDS:
            consider(partition_pool(n, w, req.seed))
        if best is None:  # short orbits of PSL(2, N - 1), completed
            consider(projective_pool(n, w, d, req.seed))
        if best is None:  # structured pools too small for K, completed (balanced by the cut)
            left = req.time_limit - (time.perf_counter() - start)
            for pool in completion_pools(n, w, d, k, candidate_pools(n, w, d, seed=req.seed), left):
                consider(pool)
        if best is None:  # the last resort at this d: structured codes of shorter lengths, juxtaposed/widened
            left = req.time_limit - (time.perf_counter() - start)
            for words, src in juxtaposed_codes(n, w, d, k, rng, left / 4):
                consider_code(words, src)
            left = req.time_limit - (time.perf_counter() - start)
            # a widened code is rigid: among them balance first (auto's order), then pairs at d
            wide = [(ConstantWeightCode(m), src) for m, src in widened_codes(n, w, d, k, rng, left)]
            wide = [(c, src) for c, src in wide if c.d >= d]
            if wide:
                code, src = max(wide, key=lambda cs: (-cs[0].column_spread, sort_key(cs[0])))
                consider_code(code.matrix, src)
        if best is None:  # orbits of a regular group on N - 1 points and a fixed point (unbalanced column)
            consider(fixed_point_pool(n, w, d, k))
        return best, best_src
