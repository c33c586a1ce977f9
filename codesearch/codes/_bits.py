r"""Bit-level helpers shared by the whole coding core: packed words, popcounts, overlaps, rotations.

Two packings are used:

- **one word per row** (:func:`pack`, :func:`unpack`): a 0/1 row of length :math:`n \le 64` as one
  ``uint64``, bit :math:`j` = column :math:`j`; the algebraic constructions and group actions work on these.
- **rows of any length** (:func:`pack_rows`, :func:`row_overlaps`): ``ceil(n/64)`` ``uint64`` per row, for
  the large-code passes (:mod:`codesearch.codes._large`).

Two weight-:math:`w` words meeting in :math:`g` positions are at Hamming distance :math:`2(w - g)`, so
distances come from overlaps (:func:`overlaps`, :func:`min_distance`).
"""

from __future__ import annotations

import numpy as np

_ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def as_bits(matrix, name: str = "matrix") -> np.ndarray:
    """``matrix`` as a 2-D ``uint8`` 0/1 array; ``TypeError``/``ValueError`` naming ``name`` otherwise."""
    arr = np.asarray(matrix)
    if not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
        raise TypeError(f"Argument '{name}' must hold integers or booleans, not {arr.dtype}.")
    if arr.ndim != 2:
        raise ValueError(f"Argument '{name}' must be 2-D, not {arr.ndim}-D.")
    if arr.size and not np.isin(arr, (0, 1)).all():
        raise ValueError(f"Argument '{name}' must contain only 0 and 1.")
    return arr.astype(np.uint8)


def pack(matrix) -> np.ndarray:
    """Pack the rows of a 0/1 matrix with at most 64 columns into ``uint64`` (bit j = column j)."""
    bits = as_bits(matrix)
    n = bits.shape[1]
    if n > 64:
        raise ValueError(f"Only words of length at most 64 can be packed, not {n}.")
    if not n:
        return np.zeros(len(bits), np.uint64)
    weights = np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64))
    return (bits.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)


def unpack(masks, n: int) -> np.ndarray:
    """Inverse of :func:`pack`: a ``len(masks) x n`` ``uint8`` matrix."""
    masks = np.asarray(masks, dtype=np.uint64).reshape(-1)
    shifts = np.arange(n, dtype=np.uint64)
    return ((masks[:, None] >> shifts[None, :]) & np.uint64(1)).astype(np.uint8)


def popcount(masks) -> np.ndarray:
    """Number of ones of each packed word, as ``int64``."""
    return np.bitwise_count(np.asarray(masks, dtype=np.uint64)).astype(np.int64)


def rotate(masks, s: int, n: int) -> np.ndarray:
    r"""Cyclic shift of packed length-``n`` words by ``s``: position :math:`j` goes to :math:`j + s \bmod n`."""
    masks = np.asarray(masks, dtype=np.uint64)
    s %= n
    if s == 0:
        return masks
    full = np.uint64((1 << n) - 1) if n < 64 else _ALL_ONES
    return ((masks << np.uint64(s)) | (masks >> np.uint64(n - s))) & full


def cyclic_shifts(masks, n: int) -> np.ndarray:
    """All ``n`` cyclic shifts of packed words: array ``[len(masks), n]``, column s = :func:`rotate` by s."""
    masks = np.asarray(masks, dtype=np.uint64).reshape(-1)
    out = np.empty((len(masks), n), dtype=np.uint64)
    for s in range(n):
        out[:, s] = rotate(masks, s, n)
    return out


def pack_rows(m: np.ndarray) -> np.ndarray:
    """Rows of a 0/1 matrix of any width as ``K x ceil(N/64)`` uint64 words (for :func:`row_overlaps`)."""
    m = np.asarray(m, dtype=np.uint8)
    k, n = m.shape
    width = -(-n // 64) * 64
    padded = np.zeros((k, width), dtype=np.uint8)
    padded[:, :n] = m
    # column-major: row_overlaps reads one word column at a time
    return np.asfortranarray(np.packbits(padded, axis=1).view(np.uint64))


def row_overlaps(packed: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Overlap of one packed row (``ceil(N/64)`` uint64) with every packed row, as int64."""
    # one word column at a time (uint8 counts, at most 128): a sum over axis 1 of a K x 2 array is a slow
    # generic reduction, and this runs several times per repair move
    out = np.bitwise_count(packed[:, 0] & row[0])
    for j in range(1, packed.shape[1]):
        out += np.bitwise_count(packed[:, j] & row[j])
    return out.astype(np.int64)


def overlaps(m: np.ndarray) -> np.ndarray:
    """K x K matrix of row overlaps (shared ones) as int32. Exact: float32 sums of 0/1 up to 2^24."""
    f = np.asarray(m, dtype=np.float32)
    return (f @ f.T).astype(np.int32)


def min_distance(words: np.ndarray) -> int:
    """Minimum Hamming distance of the rows of a constant-weight 0/1 matrix (``2n`` for one row, 0 for none)."""
    if len(words) < 2:
        return 2 * int(words.shape[1]) if len(words) else 0
    w = int(words[0].sum())
    ov = overlaps(words)
    np.fill_diagonal(ov, -1)
    return 2 * (w - int(ov.max()))
