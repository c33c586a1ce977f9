r"""Inversive (Möbius) planes: the Steiner systems :math:`S(3, q + 1, q^2 + 1)`.

The points are the projective line :math:`\mathrm{GF}(q^2) \cup \{\infty\}`; the blocks are the images of
the subline :math:`\mathrm{GF}(q) \cup \{\infty\}` under the Möbius maps
:math:`z \mapsto (az + b)/(cz + d)`, :math:`ad - bc \ne 0`, of :math:`\mathrm{PGL}(2, q^2)`. The group is
sharply 3-transitive on the :math:`q^2 + 1` points, so any three points lie in exactly one block: the
:math:`q(q^2 + 1)` blocks of size :math:`q + 1` meet pairwise in at most 2 points, a constant-weight code of
length :math:`q^2 + 1`, weight :math:`q + 1` and distance :math:`2(q + 1) - 4 = 2q - 2` with every point in
:math:`q(q + 1)` blocks. It meets the Johnson bound :math:`A(q^2 + 1, 2q - 2, q + 1) \le
\binom{q^2+1}{3} / \binom{q+1}{3}`, e.g. :math:`A(26, 8, 6) = 130` (:math:`q = 5`), :math:`A(17, 6, 5) = 68`
(:math:`q = 4`), :math:`A(10, 4, 4) = 30` (:math:`q = 3`).

The orbit of the base block is found by a breadth-first search under the generators :math:`z \mapsto z + 1`,
:math:`z \mapsto gz` (:math:`g` primitive) and :math:`z \mapsto 1/z` of :math:`\mathrm{PGL}(2, q^2)`, on a
table-driven field :math:`\mathrm{GF}(p^m)` built from a primitive polynomial found by search.
"""

from __future__ import annotations

from functools import cache
from itertools import product

import numpy as np

__all__ = ["inversive_plane", "inversive_plane_orders"]

#: prime powers q whose plane has at most 64 points (q^2 + 1 <= 64)
_ORDERS = (2, 3, 4, 5, 7)


def inversive_plane_orders() -> tuple[int, ...]:
    """The orders :math:`q` for which :func:`inversive_plane` builds a plane (:math:`q^2 + 1 \\le 64`)."""
    return _ORDERS


def _prime_power(q: int) -> tuple[int, int]:
    for p in range(2, q + 1):
        if q % p == 0:
            m, r = 0, q
            while r % p == 0:
                r //= p
                m += 1
            if r != 1:
                break
            return p, m
    raise ValueError(f"q must be a prime power, not {q}.")


def _poly_mod_x(a: tuple[int, ...], f: tuple[int, ...], p: int) -> tuple[int, ...]:
    """x * a mod f over GF(p); polynomials are coefficient tuples, lowest degree first, f monic."""
    m = len(f) - 1
    top = a[-1]
    shifted = (0, *a[:-1])
    return tuple((shifted[i] - top * f[i]) % p for i in range(m))


@cache
def _field(p: int, m: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(add, mul) tables of GF(p^m) and a primitive element; element i has base-p digits = coefficients."""
    order = p**m

    def encode(a: tuple[int, ...]) -> int:
        return sum(c * p**i for i, c in enumerate(a))

    for tail in product(range(p), repeat=m):
        f = (*tail, 1)
        if f[0] == 0:
            continue
        x = tuple(1 if i == 0 else 0 for i in range(m))  # the element 1
        powers = []
        for _ in range(order - 1):
            powers.append(encode(x))
            x = _poly_mod_x(x, f, p)
        if len(set(powers)) == order - 1:  # x has order p^m - 1: f is primitive
            break
    else:  # pragma: no cover - a primitive polynomial always exists
        raise RuntimeError(f"no primitive polynomial of degree {m} over GF({p})")
    log = np.zeros(order, dtype=np.int64)
    exp = np.array(powers, dtype=np.int64)
    log[exp] = np.arange(order - 1)
    digits = np.array([[(i // p**j) % p for j in range(m)] for i in range(order)], dtype=np.int64)
    weights = p ** np.arange(m)
    add = ((digits[:, None, :] + digits[None, :, :]) % p) @ weights
    mul = np.zeros((order, order), dtype=np.int64)
    nz = np.arange(1, order)
    mul[1:, 1:] = exp[(log[nz][:, None] + log[nz][None, :]) % (order - 1)]
    gen = int(exp[1]) if order > 2 else 1
    return add, mul, gen


@cache
def _plane(q: int) -> np.ndarray:
    p, e = _prime_power(q)
    add, mul, g = _field(p, 2 * e)
    order = q * q
    inf = order
    inv = np.zeros(order, dtype=np.int64)
    for a in range(1, order):
        inv[a] = int(np.flatnonzero(mul[a] == 1)[0])
    # GF(q) inside GF(q^2): the fixed points of z -> z^q (0 and the (q + 1)-th powers of g)
    sub = [0]
    x = 1
    g_q1 = 1
    for _ in range(q + 1):
        g_q1 = int(mul[g_q1, g])
    for _ in range(q - 1):
        sub.append(x)
        x = int(mul[x, g_q1])
    base = frozenset(sub + [inf])
    # the generators of PGL(2, q^2) as permutations of the q^2 + 1 points
    pts = np.arange(order)
    shift = np.append(add[pts, 1], inf)
    scale = np.append(mul[pts, g], inf)
    invert = np.append(np.append(inf, inv[1:]), 0)
    gens = (shift, scale, invert)
    seen = {base}
    frontier = [base]
    while frontier:
        nxt = []
        for block in frontier:
            arr = np.fromiter(block, dtype=np.int64)
            for perm in gens:
                img = frozenset(int(v) for v in perm[arr])
                if img not in seen:
                    seen.add(img)
                    nxt.append(img)
        frontier = nxt
    rows = np.zeros((len(seen), order + 1), dtype=np.uint8)
    for i, block in enumerate(sorted(sorted(b) for b in seen)):
        rows[i, block] = 1
    return rows


def inversive_plane(q: int) -> np.ndarray:
    r"""The blocks of the inversive plane of order ``q`` as a :math:`q(q^2 + 1) \times (q^2 + 1)` 0/1 matrix.

    Rows are sorted (lexicographically by their point lists); point :math:`q^2` is :math:`\infty`. Every
    three points lie in exactly one block, so two blocks meet in at most two points (distance
    :math:`2q - 2`). ``q`` must be one of :func:`inversive_plane_orders` (2, 3, 4, 5, 7).

    >>> inversive_plane(5).shape
    (130, 26)
    """
    if q not in _ORDERS:
        raise ValueError(f"q must be one of {', '.join(map(str, _ORDERS))}, not {q}.")
    return _plane(q).copy()
