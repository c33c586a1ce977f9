"""The constant-weight code: a K x N binary matrix, one row (codeword) per class."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import numpy as np


class ConstantWeightCode:
    r"""A binary code of ``size`` distinct words of length ``n``, each with exactly ``w`` ones.

    Row :math:`k` is the codeword of class :math:`k`; column :math:`j` says which classes subNN
    :math:`j` serves. The minimum distance is

    .. math:: d = \min_{a \ne b} d_H(c_a, c_b),

    always even for a constant-weight code. The object is immutable: ``matrix`` is a read-only view.

    Parameters
    ----------
    matrix:
        A 2-D array-like of 0/1 integers or booleans with at least two rows.

    Raises
    ------
    TypeError
        When ``matrix`` is not array-like of integers/booleans.
    ValueError
        When it is not 2-D, has entries other than 0/1, fewer than two rows, rows of different
        weights, a weight of 0 or ``n``, or duplicate rows.
    """

    __slots__ = ("__dict__", "_matrix")

    def __init__(self, matrix: np.ndarray | Iterable[Iterable[int]]):
        try:
            arr = np.asarray(matrix)
        except Exception as exc:  # pragma: no cover - numpy raises many types
            raise TypeError(f"Argument 'matrix' must be array-like, not {type(matrix).__name__}.") from exc
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
            raise TypeError(f"Argument 'matrix' must hold integers or booleans, not {arr.dtype}.")
        if arr.ndim != 2:
            raise ValueError(f"Argument 'matrix' must be 2-D, not {arr.ndim}-D.")
        if arr.size and not np.isin(arr, (0, 1)).all():
            raise ValueError("Argument 'matrix' must contain only 0 and 1.")
        if arr.shape[0] < 2:
            raise ValueError(f"A code needs at least 2 codewords, not {arr.shape[0]}.")
        arr = arr.astype(np.uint8)
        weights = arr.sum(axis=1)
        if not (weights == weights[0]).all():
            bad = int(np.flatnonzero(weights != weights[0])[0])
            raise ValueError(
                f"Every codeword must have the same weight (rule A): row 0 has {int(weights[0])} ones, "
                f"row {bad} has {int(weights[bad])}."
            )
        w = int(weights[0])
        if not 0 < w < arr.shape[1]:
            raise ValueError(f"The weight must satisfy 0 < w < n, not w={w}, n={arr.shape[1]}.")
        _, first, counts = np.unique(arr, axis=0, return_index=True, return_counts=True)
        if (counts > 1).any():
            row = int(first[np.argmax(counts > 1)])
            raise ValueError(f"Codewords must be distinct: row {row} appears more than once.")
        arr.setflags(write=False)
        self._matrix = arr

    # -- construction helpers -------------------------------------------------------------
    @classmethod
    def from_strings(cls, words: Iterable[str]) -> ConstantWeightCode:
        """Build a code from bit strings such as ``"10110"`` (character ``j`` = subNN ``j``)."""
        words = list(words)
        if not all(isinstance(s, str) for s in words):
            raise TypeError("Codewords must be strings of '0' and '1'.")
        if not words:
            raise ValueError("A code needs at least 2 codewords, not 0.")
        n = len(words[0])
        for i, s in enumerate(words):
            if len(s) != n or set(s) - {"0", "1"}:
                raise ValueError(f"Codeword {i} ({s!r}) must be {n} characters of '0' and '1'.")
        return cls(np.array([[c == "1" for c in s] for s in words], dtype=np.uint8).reshape(len(words), n))

    @classmethod
    def from_supports(cls, supports: Iterable[Iterable[int]], n: int) -> ConstantWeightCode:
        """Build a code from the sets of positions of ones."""
        supports = [list(s) for s in supports]
        m = np.zeros((len(supports), n), dtype=np.uint8)
        for i, s in enumerate(supports):
            m[i, s] = 1
        return cls(m)

    # -- read-only properties ---------------------------------------------------------------
    @property
    def matrix(self) -> np.ndarray:
        """The K x N read-only ``uint8`` matrix."""
        return self._matrix

    @property
    def n(self) -> int:
        """Length: the number of subNNs N."""
        return int(self._matrix.shape[1])

    @property
    def size(self) -> int:
        """Number of codewords K (classes)."""
        return int(self._matrix.shape[0])

    @property
    def w(self) -> int:
        """Weight: the number of active subNNs per class."""
        return int(self._matrix[0].sum())

    @property
    def ratio(self) -> float:
        """r = w / N."""
        return self.w / self.n

    @property
    def id(self) -> str:
        """``"<active>/<subnns>"``, the key of this code in a scheme."""
        return f"{self.w}/{self.n}"

    @cached_property
    def distances(self) -> np.ndarray:
        """The K x K matrix of pairwise Hamming distances (K^2 memory: for small codes only)."""
        m = self._matrix.astype(np.int32)
        overlap = m @ m.T
        d = 2 * (self.w - overlap)
        d.setflags(write=False)
        return d

    @cached_property
    def overlap_histogram(self) -> np.ndarray:
        """``h[g]``: unordered codeword pairs sharing exactly ``g`` ones (pairs at distance ``2(w - g)``).

        Computed in chunks (:mod:`codesearch.codes._large`), never as a K x K matrix."""
        from ._large import overlap_histogram

        h = overlap_histogram(self._matrix)
        h.setflags(write=False)
        return h

    def _adopt_overlap_histogram(self, hist: np.ndarray) -> None:
        """Cache an overlap histogram computed elsewhere from this very matrix (the ``repair`` generator keeps
        one exact while it changes rows), so the pair metrics need no second pass. Checked: it must count
        every pair once."""
        h = np.array(hist, dtype=np.int64)
        if h.shape != (self.n + 1,) or int(h.sum()) != self.size * (self.size - 1) // 2 or (h < 0).any():
            raise ValueError("The histogram does not count each pair of this code once.")
        h.setflags(write=False)
        self.__dict__["overlap_histogram"] = h

    @cached_property
    def d(self) -> int:
        """Minimum pairwise Hamming distance."""
        return 2 * (self.w - int(np.flatnonzero(self.overlap_histogram)[-1]))

    @property
    def column_sums(self) -> np.ndarray:
        """How many classes each subNN serves."""
        return self._matrix.sum(axis=0).astype(np.int64)

    @property
    def column_spread(self) -> int:
        """max column sum - min column sum (0 = exactly balanced)."""
        cs = self.column_sums
        return int(cs.max() - cs.min())

    @property
    def codewords(self) -> list[str]:
        """Rows as bit strings."""
        return ["".join("1" if b else "0" for b in row) for row in self._matrix]

    # -- dunder -------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConstantWeightCode) and np.array_equal(self._matrix, other._matrix)

    def __hash__(self) -> int:
        return hash((self._matrix.shape, self._matrix.tobytes()))

    def __repr__(self) -> str:
        return f"<ConstantWeightCode: K={self.size}, N={self.n}, w={self.w}, d={self.d}>"
