r"""Hadamard matrices and the equidistant constant-weight codes they give.

A Hadamard matrix :math:`H` of order :math:`n` has entries :math:`\pm 1` and :math:`HH^\top = nI`. Scaling
columns so that the first row is all :math:`+1` keeps that property, and then every other row, orthogonal
to the first, has exactly :math:`n/2` entries :math:`+1`; two such rows agree in :math:`n/2` places. Reading
:math:`+1` as a one, the :math:`n - 1` rows and their complements are :math:`2n - 2` words of weight
:math:`n/2` at pairwise distance :math:`n/2` (a row and its complement: :math:`n`), which reaches
:math:`A(4m, 2m, 2m) = 8m - 2` (e.g. 54 words at :math:`(28, 14, 14)`).

Constructions (:func:`hadamard_matrix`):

* Sylvester: :math:`H_{2n} = \begin{pmatrix} H_n & H_n \\ H_n & -H_n \end{pmatrix}`, orders :math:`2^m`;
* Paley I, :math:`p \equiv 3 \pmod 4` prime, order :math:`p + 1`: :math:`H = I + S` with
  :math:`S = \begin{pmatrix} 0 & \mathbf 1^\top \\ -\mathbf 1 & Q \end{pmatrix}` and the Jacobsthal matrix
  :math:`Q_{ab} = \chi(b - a)` (:math:`\chi` the Legendre symbol), which is skew for these :math:`p`;
* Paley II, :math:`q \equiv 1 \pmod 4` prime, order :math:`2(q + 1)`: with the symmetric conference matrix
  :math:`C = \begin{pmatrix} 0 & \mathbf 1^\top \\ \mathbf 1 & Q \end{pmatrix}`,
  :math:`H = C \otimes \begin{pmatrix} 1 & 1 \\ 1 & -1 \end{pmatrix} + I \otimes
  \begin{pmatrix} 1 & -1 \\ -1 & -1 \end{pmatrix}` (order 28 from :math:`q = 13`, 12 from :math:`q = 5`).

Every matrix returned is checked (:math:`HH^\top = nI`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["hadamard_code", "hadamard_matrix"]


def _is_prime(p: int) -> bool:
    return p >= 2 and all(p % q for q in range(2, int(p**0.5) + 1))


def _jacobsthal(q: int) -> np.ndarray:
    squares = {(x * x) % q for x in range(1, q)}
    chi = np.array([0] + [1 if x in squares else -1 for x in range(1, q)], dtype=np.int64)
    idx = (np.arange(q)[None, :] - np.arange(q)[:, None]) % q
    return chi[idx]


def hadamard_matrix(n: int) -> np.ndarray | None:
    """A Hadamard matrix of order ``n`` (int64 entries +-1) from Sylvester, Paley I or Paley II, or None
    when none of them gives order ``n``."""
    h = None
    if n >= 1 and n & (n - 1) == 0:
        h = np.ones((1, 1), dtype=np.int64)
        while len(h) < n:
            h = np.block([[h, h], [h, -h]])
    elif n % 4 == 0 and _is_prime(n - 1) and (n - 1) % 4 == 3:
        p = n - 1
        s = np.zeros((n, n), dtype=np.int64)
        s[0, 1:], s[1:, 0], s[1:, 1:] = 1, -1, _jacobsthal(p)
        h = np.eye(n, dtype=np.int64) + s
    elif n % 4 == 0 and _is_prime(n // 2 - 1) and (n // 2 - 1) % 4 == 1:
        q = n // 2 - 1
        c = np.zeros((q + 1, q + 1), dtype=np.int64)
        c[0, 1:], c[1:, 0], c[1:, 1:] = 1, 1, _jacobsthal(q)
        h = np.kron(c, np.array([[1, 1], [1, -1]])) + np.kron(
            np.eye(q + 1, dtype=np.int64), np.array([[1, -1], [-1, -1]])
        )
    if h is None:
        return None
    if not np.array_equal(h @ h.T, n * np.eye(n, dtype=np.int64)):  # pragma: no cover - a construction bug
        raise AssertionError(f"the order-{n} construction is not a Hadamard matrix")
    return h


def hadamard_code(n: int) -> np.ndarray | None:
    """The ``2n - 2`` words of weight ``n/2`` and length ``n`` at pairwise distance >= ``n/2`` (rows 2..n of a
    Hadamard matrix normalised to an all-ones first row, and their complements), as 0/1 uint8 rows in
    complementary pairs (row 2i and row 2i + 1); None when :func:`hadamard_matrix` has no order ``n``."""
    h = hadamard_matrix(n)
    if h is None or n < 4:
        return None
    h = h * h[0][None, :]  # first row all +1
    rows = (h[1:] > 0).astype(np.uint8)
    out = np.empty((2 * len(rows), n), dtype=np.uint8)
    out[0::2], out[1::2] = rows, 1 - rows
    return out
