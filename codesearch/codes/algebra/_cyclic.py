r"""Binary cyclic codes of every odd length up to 35 and the constant-weight pools cut from their sections.

Cyclic codes
------------
:math:`x^n - 1` (:math:`n` odd) is square-free over GF(2); its irreducible factors correspond to the
2-cyclotomic cosets mod :math:`n` (a factor of degree :math:`|C|` per coset :math:`C`). They are found here
by trial division by every polynomial of degree at most :data:`MAX_TRIAL_DEGREE`; for :math:`n \le 35` at most
one factor is left over, and it is irreducible (checked against the coset sizes). Every product of factors
generates a cyclic code; :func:`cyclic_codes` lists those of dimension :math:`2 \le k \le`
:data:`MAX_CYCLIC_DIMENSION` (one per weight distribution), e.g. the quadratic-residue codes
:math:`[17, 9, 5]`, :math:`[23, 12, 7]` (Golay), :math:`[31, 16, 7]`, and the BCH, Hamming and
irreducible cyclic codes of lengths 9, 11, ..., 35 (21, 33 and 35 among them).

Sections
--------
A *section* of a code :math:`P` of length :math:`n_0` keeps the codewords with a fixed pattern :math:`p` on a
set :math:`S` of :math:`s` coordinates and deletes :math:`S` (shortening is :math:`p = 0`, "derived" designs
are :math:`p = 1`). The words of weight :math:`w + |p|` of :math:`P` that match :math:`p` become words of
weight :math:`w` and length :math:`n_0 - s`, and two of them are at the distance of their sum in :math:`P`.
From the extended Golay code this gives the Steiner systems and their weight classes: octads through 2
points are the 77 blocks of S(3, 6, 22), octads meeting two points in one the 176 weight-7 words of length 22
at distance 8, the 2576 dodecads through 2 points the 616 weight-10 words, and so on (each an optimal
constant-weight code in Brouwer's table).

:func:`section_pools` gives, for a length :math:`N` and weight :math:`w`, the sections with
:math:`n_0 - N \le` :data:`MAX_SECTION` of every cyclic code of length :math:`n_0` and of its extension
(:math:`n_0 + 1`), as (packed words, exact minimum distance, units, source). The parents of length
:math:`n_0 = N` come with their natural balanced units (cyclic-shift orbits of a cyclic code); a section
whose column sums are all equal is one unit; the others carry no units (the word cut balances them).
Everything is deterministic (no randomness at all).
"""

from __future__ import annotations

from functools import cache, lru_cache
from itertools import combinations

import numpy as np

from . import _gf2

__all__ = [
    "MAX_CYCLIC_DIMENSION",
    "MAX_CYCLIC_LENGTH",
    "MAX_SECTION",
    "SectionPool",
    "cyclic_codes",
    "min_distance_packed",
    "section_pools",
    "xn1_factors",
]

#: Longest odd length whose cyclic codes are listed.
MAX_CYCLIC_LENGTH = 35
#: Largest dimension of a listed cyclic code (2^k codewords are enumerated).
MAX_CYCLIC_DIMENSION = 16
#: Trial division of x^n - 1 uses every polynomial of degree at most this.
MAX_TRIAL_DEGREE = 12
#: Most coordinates a section deletes.
MAX_SECTION = 6
#: Largest pool a section contributes (the cut handles at most 6000 words).
MAX_SECTION_POOL = 6000


@cache
def xn1_factors(n: int) -> tuple[int, ...]:
    """The irreducible factors of :math:`x^n - 1` over GF(2) for odd ``n`` <= 35, by degree then value."""
    if n < 1 or n % 2 == 0 or n > MAX_CYCLIC_LENGTH:
        raise ValueError(f"x^n - 1 is factored for odd 1 <= n <= {MAX_CYCLIC_LENGTH}, not n={n}.")
    rem = (1 << n) | 1
    out: list[int] = []
    for deg in range(1, MAX_TRIAL_DEGREE + 1):
        if rem.bit_length() - 1 < 2 * deg:
            break
        for f in range((1 << deg) | 1, 1 << (deg + 1), 2):
            while True:
                q, r = _gf2.poly_divmod(rem, f)
                if r:
                    break
                out.append(f)
                rem = q
    if rem != 1:
        out.append(rem)
    out.sort(key=lambda f: (f.bit_length(), f))
    sizes = sorted(len(c) for c in {_gf2.cyclotomic_coset(i, n) for i in range(n)})
    if sorted(f.bit_length() - 1 for f in out) != sizes:  # pragma: no cover - n <= 35 never leaves two
        raise ArithmeticError(f"x^{n} - 1 was not split into irreducible factors.")
    return tuple(out)


def _product(polys) -> int:
    g = 1
    for f in polys:
        g = _gf2.poly_mul(g, f)
    return g


@cache
def cyclic_codes(n: int) -> tuple[_gf2.LinearCode, ...]:
    r"""Cyclic codes of odd length ``n`` with :math:`2 \le k \le` MAX_CYCLIC_DIMENSION and :math:`d \ge 3`.

    One code per weight distribution (codes equivalent under a multiplier share it), highest ``d`` first.
    """
    factors = xn1_factors(n)
    seen: dict[tuple, _gf2.LinearCode] = {}
    for r in range(len(factors) + 1):
        for sub in combinations(factors, r):
            deg = sum(f.bit_length() - 1 for f in sub)
            k = n - deg
            if not 2 <= k <= MAX_CYCLIC_DIMENSION:
                continue
            code = _gf2.cyclic_code(n, _product(sub))
            if code.min_distance < 3:
                continue
            key = tuple(code.weight_distribution.tolist())
            if key not in seen:
                code.name = f"cyclic [{n},{k},{code.min_distance}]"
                seen[key] = code
    return tuple(sorted(seen.values(), key=lambda c: (-c.min_distance, c.k, c.name)))


def min_distance_packed(words: np.ndarray, chunk: int = 512) -> int:
    """Smallest Hamming distance between distinct packed words (0 for fewer than 2), in chunks of rows."""
    words = np.asarray(words, dtype=np.uint64)
    m = len(words)
    if m < 2:
        return 0
    best = 64 * 2
    for i in range(0, m - 1, chunk):
        a = words[i : i + chunk]
        b = words[i + 1 :]
        dist = np.bitwise_count(a[:, None] ^ b[None, :]).astype(np.int16)
        # only j > i counts: mask the lower triangle of this block
        rows = np.arange(len(a))[:, None]
        cols = np.arange(len(b))[None, :]
        dist[cols < rows] = 127
        best = min(best, int(dist.min()))
    return best


class SectionPool:
    """A pool of packed weight-``w`` words of length ``n`` with exact minimum distance ``d``."""

    __slots__ = ("d", "n", "packed", "source", "units")

    def __init__(self, packed: np.ndarray, n: int, d: int, units: np.ndarray, source: str):
        self.packed, self.n, self.d, self.units, self.source = packed, n, d, units, source

    def words(self) -> np.ndarray:
        return _gf2.unpack(self.packed, self.n)


def _cyclic_orbit_labels(packed: np.ndarray, n: int) -> np.ndarray:
    """Labels of the cyclic-shift orbits of a shift-closed set of packed words."""
    canon = _gf2.cyclic_shifts(packed, n).min(axis=1)
    return np.unique(canon, return_inverse=True)[1].reshape(-1)


@cache
def _parents(n0: int) -> tuple[tuple[_gf2.LinearCode, bool], ...]:
    """(code, is_cyclic) of length ``n0``: cyclic codes (n0 odd) or extended cyclic codes (n0 even)."""
    if n0 % 2:
        return tuple((c, True) for c in cyclic_codes(n0)) if 9 <= n0 <= MAX_CYCLIC_LENGTH else ()
    if not 10 <= n0 <= MAX_CYCLIC_LENGTH + 1:
        return ()
    out = []
    for c in cyclic_codes(n0 - 1):
        ext = c.extended()
        ext.name = f"extended {c.name}"
        if ext.min_distance > c.min_distance:
            out.append((ext, False))
    return tuple(out)


@lru_cache(maxsize=64)
def section_pools(n: int, w: int) -> tuple[SectionPool, ...]:
    r"""Distinct weight-``w`` pools of length ``n`` from sections of (extended) cyclic codes, best ``d`` first.

    For every parent of length :math:`n_0 \in [n, n + \mathrm{MAX\_SECTION}]`, ``S`` is its last
    :math:`s = n_0 - n` coordinates (for an extended code, the parity coordinate among them) and the pattern
    on ``S`` has its :math:`j` ones first, :math:`j = 0..s`. Pools of fewer than 2 or more than
    MAX_SECTION_POOL words, or distance below 4, are left out; equal word sets are listed once.
    """
    if not 0 < w < n or n > 64:
        return ()
    out: list[SectionPool] = []
    seen: set[bytes] = set()
    low = np.uint64((1 << n) - 1)
    for n0 in range(n, n + MAX_SECTION + 1):
        s = n0 - n
        smask = ((1 << s) - 1) << n
        for code, cyclic in _parents(n0):
            words = code.packed_codewords
            weights = np.bitwise_count(words)
            for j in range(s + 1):
                if code.weight_distribution[w + j] < 2:
                    continue
                pattern = np.uint64(((1 << j) - 1) << n)
                sel = words[(weights == w + j) & ((words & np.uint64(smask)) == pattern)]
                if not 2 <= len(sel) <= MAX_SECTION_POOL:
                    continue
                packed = np.sort(sel & low)
                key = packed.tobytes()
                if key in seen:
                    continue
                seen.add(key)
                d = min_distance_packed(packed)
                if d < 4:
                    continue
                if s == 0:
                    how = f"weight-{w} words of {code.name}"
                else:
                    how = f"weight-{w + j} words of {code.name} with {j} ones on {s} deleted coordinates"
                bits = _gf2.unpack(packed, n)
                cs = bits.sum(axis=0)
                if s == 0 and cyclic:
                    units, how = _cyclic_orbit_labels(packed, n), how + " (cyclic orbits)"
                elif cs.min() == cs.max():
                    units = np.zeros(len(packed), dtype=np.int64)
                else:
                    units = np.full(len(packed), -1, dtype=np.int64)
                out.append(SectionPool(packed, n, d, units, how))
    out.sort(key=lambda p: (-p.d, -len(p.packed), p.source))
    return tuple(out)
