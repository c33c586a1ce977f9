r"""Linear codes over GF(2), built with numpy: the structured sources of the ``algebraic`` generator.

Conventions
-----------
* A binary word of length :math:`n \le 64` is stored either as a row of a ``uint8`` 0/1 matrix or *packed*
  into a ``uint64`` whose bit :math:`j` is coordinate :math:`j` (:func:`pack`, :func:`unpack`).
* A polynomial over GF(2) is a Python ``int`` whose bit :math:`i` is the coefficient of :math:`x^i`.
* Codes of length :math:`2^m` (Reed-Muller, extended BCH) label coordinate :math:`x \in \{0,\dots,2^m-1\}`
  with the vector :math:`x \in \mathrm{GF}(2)^m` (bit :math:`i` of the integer is :math:`x_i`; for extended
  BCH this is the polynomial-basis representation of a field element of :math:`\mathrm{GF}(2^m)`). Both
  families are invariant under the translations :math:`x \mapsto x + t`, which act on positions as
  ``x ^ t`` (:func:`translation_permutation`) -- a group acting regularly, hence transitively, on the
  coordinates. Any union of translation orbits therefore has equal column sums.

What is here
------------
* linear algebra: :func:`row_reduce`, :func:`rank`, :func:`nullspace`;
* :class:`LinearCode` (generator in reduced row-echelon form, parity check, all codewords, weight
  distribution, words of one weight, extension, puncturing, shortening);
* polynomial arithmetic and :class:`GF2m` (log/antilog tables, cyclotomic cosets, minimal polynomials);
* families: :func:`cyclic_code`, :func:`bch_code`, :func:`extended_bch_code`, :func:`reed_muller_code`;
* :func:`hensel_lift` (Graeffe's method over :math:`\mathbb{Z}_4`), :func:`octacode` and
  :func:`nordstrom_robinson` (Gray image of the octacode: the (16, 256, 6) Nordstrom-Robinson code);
* group actions: :func:`cyclic_shifts`, :func:`translation_permutation`, :func:`orbit`.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from itertools import combinations

import numpy as np

from .._bits import as_bits as _as_bits
from .._bits import cyclic_shifts, pack, popcount, unpack

__all__ = [
    "PRIMITIVE_POLYNOMIALS",
    "GF2m",
    "LinearCode",
    "bch_code",
    "cyclic_code",
    "cyclic_shifts",
    "cyclotomic_coset",
    "extended_bch_code",
    "hensel_lift",
    "nordstrom_robinson",
    "nullspace",
    "octacode",
    "orbit",
    "pack",
    "poly_divmod",
    "poly_mul",
    "popcount",
    "rank",
    "reed_muller_code",
    "row_reduce",
    "translation_permutation",
    "unpack",
]

#: A primitive polynomial of each degree m = 2..10 (bit i = coefficient of x^i).
PRIMITIVE_POLYNOMIALS: dict[int, int] = {
    2: 0b111,  # x^2 + x + 1
    3: 0b1011,  # x^3 + x + 1
    4: 0b10011,  # x^4 + x + 1
    5: 0b100101,  # x^5 + x^2 + 1
    6: 0b1000011,  # x^6 + x + 1
    7: 0b10000011,  # x^7 + x + 1
    8: 0b100011101,  # x^8 + x^4 + x^3 + x^2 + 1
    9: 0b1000010001,  # x^9 + x^4 + 1
    10: 0b10000001001,  # x^10 + x^3 + 1
}

#: Largest dimension whose 2^k codewords :class:`LinearCode` will list.
MAX_ENUMERATION_DIMENSION = 24


# -- packing --------------------------------------------------------------------------------------------------
# -- linear algebra -------------------------------------------------------------------------------------------
def row_reduce(matrix) -> tuple[np.ndarray, list[int]]:
    """Reduced row-echelon form over GF(2) and the pivot columns; zero rows are dropped."""
    a = _as_bits(matrix).copy()
    rows, cols = a.shape
    pivots: list[int] = []
    r = 0
    for c in range(cols):
        if r == rows:
            break
        hits = np.flatnonzero(a[r:, c])
        if not len(hits):
            continue
        p = r + int(hits[0])
        if p != r:
            a[[r, p]] = a[[p, r]]
        others = np.flatnonzero(a[:, c])
        others = others[others != r]
        a[others] ^= a[r]
        pivots.append(c)
        r += 1
    return a[:r], pivots


def rank(matrix) -> int:
    """Rank over GF(2)."""
    return len(row_reduce(matrix)[1])


def nullspace(matrix) -> np.ndarray:
    r"""A basis (rows) of :math:`\{x : M x^T = 0\}` over GF(2): for a generator matrix, a parity-check matrix."""
    a = _as_bits(matrix)
    n = a.shape[1]
    red, pivots = row_reduce(a)
    free = [c for c in range(n) if c not in set(pivots)]
    basis = np.zeros((len(free), n), dtype=np.uint8)
    for i, f in enumerate(free):
        basis[i, f] = 1
        for row, p in enumerate(pivots):
            basis[i, p] = red[row, f]
    return basis


# -- linear codes ---------------------------------------------------------------------------------------------
class LinearCode:
    r"""A binary linear :math:`[n, k]` code given by any spanning set of rows.

    ``generator`` is the reduced row-echelon basis (read-only). Codeword listing needs
    :math:`k \le 24` and :math:`n \le 64` (packed ``uint64``); :math:`2^{16} = 65536` words take
    milliseconds.
    """

    def __init__(self, rows, name: str = "code"):
        bits = _as_bits(rows, "rows")
        red, _ = row_reduce(bits)
        red.setflags(write=False)
        self._generator = red
        self._n = int(bits.shape[1])
        self.name = name

    @property
    def generator(self) -> np.ndarray:
        """k x n generator matrix in reduced row-echelon form."""
        return self._generator

    @property
    def n(self) -> int:
        return self._n

    @property
    def k(self) -> int:
        return int(self._generator.shape[0])

    @cached_property
    def parity_check(self) -> np.ndarray:
        """(n-k) x n matrix H with H c^T = 0 exactly for the codewords c."""
        h = nullspace(self._generator) if self.k else np.eye(self.n, dtype=np.uint8)
        h.setflags(write=False)
        return h

    @cached_property
    def packed_codewords(self) -> np.ndarray:
        """All 2^k codewords packed into ``uint64``, in Gray-free binary order of the message."""
        if self.k > MAX_ENUMERATION_DIMENSION:
            raise ValueError(
                f"Listing 2^{self.k} codewords is too many (at most 2^{MAX_ENUMERATION_DIMENSION})."
            )
        words = np.zeros(1, dtype=np.uint64)
        for g in pack(self._generator):
            words = np.concatenate([words, words ^ g])
        words.setflags(write=False)
        return words

    @cached_property
    def weight_distribution(self) -> np.ndarray:
        """A_0..A_n: the number of codewords of each weight."""
        return np.bincount(popcount(self.packed_codewords), minlength=self.n + 1)

    @property
    def min_distance(self) -> int:
        nz = np.flatnonzero(self.weight_distribution[1:])
        return int(nz[0]) + 1 if len(nz) else 0

    def words_of_weight(self, w: int) -> np.ndarray:
        """The codewords of weight ``w`` as a ``uint8`` matrix, rows sorted by packed value."""
        words = self.packed_codewords
        return unpack(np.sort(words[popcount(words) == w]), self.n)

    def contains(self, words) -> np.ndarray:
        """Boolean per row of ``words``: whether it is a codeword (H c^T = 0)."""
        return ~((_as_bits(words, "words").astype(np.int64) @ self.parity_check.T.astype(np.int64)) % 2).any(
            axis=1
        )

    def extended(self) -> LinearCode:
        """Append an overall parity bit (length n+1; odd weights gain one)."""
        g = self._generator
        return LinearCode(np.hstack([g, g.sum(axis=1, keepdims=True) % 2]), f"extended {self.name}")

    def punctured(self, position: int) -> LinearCode:
        """Delete one coordinate."""
        return LinearCode(np.delete(self._generator, position, axis=1), f"punctured {self.name}")

    def shortened(self, position: int) -> LinearCode:
        """Keep the codewords that are 0 at ``position``, then delete it."""
        h = self.parity_check
        sub = nullspace(np.vstack([h, np.eye(self.n, dtype=np.uint8)[position]]))
        return LinearCode(np.delete(sub, position, axis=1), f"shortened {self.name}")

    def __repr__(self) -> str:
        return f"<LinearCode {self.name}: [{self.n}, {self.k}]>"


# -- polynomials and finite fields ----------------------------------------------------------------------------
def poly_mul(a: int, b: int) -> int:
    """Product of two GF(2) polynomials."""
    out = 0
    while b:
        if b & 1:
            out ^= a
        a <<= 1
        b >>= 1
    return out


def poly_divmod(a: int, b: int) -> tuple[int, int]:
    """Quotient and remainder of GF(2) polynomials."""
    if b == 0:
        raise ZeroDivisionError("Division by the zero polynomial.")
    q = 0
    db = b.bit_length()
    while a and a.bit_length() >= db:
        s = a.bit_length() - db
        q ^= 1 << s
        a ^= b << s
    return q, a


def cyclotomic_coset(i: int, n: int) -> tuple[int, ...]:
    r"""The 2-cyclotomic coset :math:`\{i, 2i, 4i, \dots\} \bmod n`, sorted."""
    out, j = set(), i % n
    while j not in out:
        out.add(j)
        j = (2 * j) % n
    return tuple(sorted(out))


class GF2m:
    r""":math:`\mathrm{GF}(2^m)` as polynomials modulo a primitive polynomial; elements are ints < 2^m.

    ``exp[i]`` is :math:`\alpha^i` (for :math:`0 \le i < 2^{m+1}`), ``log[x]`` its inverse on nonzero x.
    """

    def __init__(self, m: int, primitive: int | None = None):
        if primitive is None:
            if m not in PRIMITIVE_POLYNOMIALS:
                raise ValueError(f"No built-in primitive polynomial of degree {m}; pass one.")
            primitive = PRIMITIVE_POLYNOMIALS[m]
        self.m, self.primitive, self.order = m, primitive, (1 << m) - 1
        exp = np.zeros(2 * self.order + 2, dtype=np.int64)
        log = np.full(1 << m, -1, dtype=np.int64)
        x = 1
        for i in range(self.order):
            if log[x] != -1:
                raise ValueError(f"Polynomial {primitive:#b} is not primitive of degree {m}.")
            exp[i], log[x] = x, i
            x <<= 1
            if x >> m:
                x ^= primitive
        if x != 1:
            raise ValueError(f"Polynomial {primitive:#b} is not primitive of degree {m}.")
        exp[self.order :] = exp[: len(exp) - self.order]
        self.exp, self.log = exp, log

    def mul(self, a: int, b: int) -> int:
        if a == 0 or b == 0:
            return 0
        return int(self.exp[self.log[a] + self.log[b]])

    def minimal_polynomial(self, i: int) -> int:
        r"""Minimal polynomial of :math:`\alpha^i`: :math:`\prod_{j \in C_i}(x - \alpha^j)`, a GF(2) polynomial."""
        coeffs = [1]  # field coefficients, lowest degree first
        for j in cyclotomic_coset(i, self.order):
            root = int(self.exp[j])
            new = [0] * (len(coeffs) + 1)
            for d, c in enumerate(coeffs):
                new[d + 1] ^= c
                new[d] ^= self.mul(c, root)
            coeffs = new
        if any(c not in (0, 1) for c in coeffs):  # pragma: no cover - impossible for a true field
            raise ArithmeticError("Minimal polynomial has coefficients outside GF(2).")
        return sum(c << d for d, c in enumerate(coeffs))


def cyclic_code(n: int, generator_poly: int, name: str | None = None) -> LinearCode:
    """The cyclic code of length n generated by g(x) (g must divide x^n - 1)."""
    if poly_divmod((1 << n) | 1, generator_poly)[1]:
        raise ValueError(f"g(x) = {generator_poly:#b} does not divide x^{n} - 1.")
    deg = generator_poly.bit_length() - 1
    rows = np.zeros((n - deg, n), dtype=np.uint8)
    gbits = [(generator_poly >> i) & 1 for i in range(deg + 1)]
    for s in range(n - deg):
        rows[s, s : s + deg + 1] = gbits
    return LinearCode(rows, name or f"cyclic[{n}] g={generator_poly:#x}")


def bch_code(m: int, designed_distance: int) -> LinearCode:
    r"""Narrow-sense primitive BCH code of length :math:`2^m - 1`.

    Zeros: :math:`\alpha^1, \dots, \alpha^{\delta-1}` and their conjugates, so :math:`d \ge \delta` (BCH bound).
    E.g. ``bch_code(5, 11)`` is the [31, 11, 11] code (zeros: cosets of 1, 3, 5, 7).
    """
    field = GF2m(m)
    n = field.order
    cosets = {cyclotomic_coset(i, n) for i in range(1, designed_distance)}
    g = 1
    for c in sorted(cosets):
        g = poly_mul(g, field.minimal_polynomial(c[0]))
    return cyclic_code(n, g, f"BCH[{n}] delta={designed_distance}")


def extended_bch_code(m: int, designed_distance: int) -> LinearCode:
    r"""Extended narrow-sense primitive BCH code of length :math:`2^m`, coordinates labelled by GF(2^m).

    Position :math:`x` holds the coordinate of the field element whose polynomial-basis vector is the
    integer :math:`x`: the cyclic code's position :math:`i` (element :math:`\alpha^i`) moves to
    ``exp[i]`` and the overall parity bit sits at position 0 (the element 0). In this labelling the code
    is invariant under every affine map :math:`x \mapsto ax + b` (Kasami-Lin-Peterson), in particular
    under the translations ``x ^ b``. ``extended_bch_code(5, 11)`` is the [32, 11, 12] code with
    :math:`A_{12} = A_{20} = 496`, :math:`A_{16} = 1054`.
    """
    field = GF2m(m)
    ext = bch_code(m, designed_distance).extended().generator
    n = 1 << m
    rows = np.zeros_like(ext)
    rows[:, field.exp[: n - 1]] = ext[:, : n - 1]
    rows[:, 0] = ext[:, n - 1]
    return LinearCode(rows, f"eBCH[{n}] delta={designed_distance}")


def reed_muller_code(r: int, m: int) -> LinearCode:
    r"""Reed-Muller code :math:`RM(r, m)`: evaluations of polynomials of degree :math:`\le r` on GF(2)^m.

    Parameters :math:`[2^m, \sum_{i \le r}\binom{m}{i}, 2^{m-r}]`; position x is the point x.
    Its minimum-weight words are the :math:`(m-r)`-flats of AG(m, 2).
    """
    if not 0 <= r <= m:
        raise ValueError(f"RM(r, m) needs 0 <= r <= m, not r={r}, m={m}.")
    points = np.arange(1 << m)
    coords = ((points[None, :] >> np.arange(m)[:, None]) & 1).astype(np.uint8)
    rows = []
    for deg in range(r + 1):
        for mono in combinations(range(m), deg):
            rows.append(
                np.prod(coords[list(mono)], axis=0).astype(np.uint8) if mono else np.ones(1 << m, np.uint8)
            )
    return LinearCode(np.array(rows), f"RM({r},{m})")


# -- Z4 codes and Nordstrom-Robinson --------------------------------------------------------------------------
def hensel_lift(f: int) -> list[int]:
    r"""Hensel lift to :math:`\mathbb{Z}_4` of a GF(2) polynomial ``f`` (Graeffe's method).

    Write :math:`f(x) = e(x) + o(x)` (even and odd powers); the lift :math:`g` satisfies
    :math:`g(x^2) = \pm(e(x)^2 - o(x)^2) \bmod 4`, monic. Returns coefficients lowest degree first.
    :math:`x^3 + x + 1 \mapsto x^3 + 2x^2 + x + 3`.
    """
    deg = f.bit_length() - 1
    coeffs = [(f >> i) & 1 for i in range(deg + 1)]
    e = [c if i % 2 == 0 else 0 for i, c in enumerate(coeffs)]
    o = [c if i % 2 == 1 else 0 for i, c in enumerate(coeffs)]
    sq = [0] * (2 * deg + 1)
    for i in range(deg + 1):
        for j in range(deg + 1):
            sq[i + j] += e[i] * e[j] - o[i] * o[j]
    g = [sq[2 * i] % 4 for i in range(deg + 1)]
    if g[deg] != 1:
        g = [(-c) % 4 for c in g]
    return g


def octacode() -> np.ndarray:
    r"""The octacode: the 256 words of the extended cyclic :math:`\mathbb{Z}_4` code of length 8.

    The length-7 cyclic code is generated by the Hensel lift :math:`g(x) = x^3 + 2x^2 + x + 3` of
    :math:`x^3 + x + 1`; the eighth coordinate makes every coordinate sum :math:`\equiv 0 \pmod 4`.
    Returns a 256 x 8 array over {0,1,2,3}; minimum Lee distance 6.
    """
    g = hensel_lift(PRIMITIVE_POLYNOMIALS[3])
    gen = np.zeros((4, 7), dtype=np.int64)
    for s in range(4):
        gen[s, s : s + 4] = g
    msgs = np.array(np.meshgrid(*[np.arange(4)] * 4, indexing="ij")).reshape(4, -1).T
    words = (msgs @ gen) % 4
    return np.hstack([words, (-words.sum(axis=1, keepdims=True)) % 4])


_GRAY = np.array([[0, 0], [0, 1], [1, 1], [1, 0]], dtype=np.uint8)


@lru_cache(maxsize=1)
def _nr() -> np.ndarray:
    words = _GRAY[octacode()].reshape(256, 16)
    words = words[np.lexsort(words.T[::-1])]
    words.setflags(write=False)
    return words


def nordstrom_robinson() -> np.ndarray:
    r"""The Nordstrom-Robinson code: the Gray image (0->00, 1->01, 2->11, 3->10) of the octacode.

    A nonlinear (16, 256, 6) code containing 0 and the all-ones word, distance-invariant, with weight
    distribution :math:`A_0 = 1, A_6 = 112, A_8 = 30, A_{10} = 112, A_{16} = 1`. Returns a read-only
    256 x 16 ``uint8`` matrix (rows sorted).
    """
    return _nr()


# -- group actions ---------------------------------------------------------------------------------------------
def translation_permutation(m: int, t: int) -> np.ndarray:
    r"""The permutation :math:`x \mapsto x \oplus t` of the :math:`2^m` positions of GF(2)^m."""
    return np.arange(1 << m) ^ t


def orbit(words, permutations) -> np.ndarray:
    """Distinct images of the rows of ``words`` under a list of position permutations (new[:, p[j]] = old[:, j])."""
    bits = _as_bits(words, "words")
    images = []
    for p in permutations:
        img = np.empty_like(bits)
        img[:, np.asarray(p)] = bits
        images.append(img)
    return np.unique(np.vstack(images), axis=0)
