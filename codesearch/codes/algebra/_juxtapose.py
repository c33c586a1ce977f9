r"""Longer constant-weight codes from shorter ones: juxtaposition and column splitting.

**Juxtaposition** (:func:`juxtapose`). Rows :math:`u_i` of a :math:`(n_1, d_1, w_1)` code and :math:`v_i` of a
:math:`(n_2, d_2, w_2)` code, paired in order, give the words :math:`(u_i \mid v_i)` of length
:math:`n_1 + n_2` and weight :math:`w_1 + w_2` with

.. math:: d\big((u_i \mid v_i), (u_j \mid v_j)\big) = d(u_i, u_j) + d(v_i, v_j) \ge d_1 + d_2 ,

and column sums those of the two parts side by side (balanced when both parts are). A part may repeat one
word (distance 0), e.g. the all-ones column: :math:`(u_i \mid 1)` keeps :math:`d(u_i, u_j)`.

**Column splitting** (:func:`split_columns`). Give each coordinate :math:`c` of a code of length :math:`s`
a group :math:`G_c` of :math:`g_c \ge 1` coordinates of the new length :math:`n = \sum_c g_c`, and place
each one of a word in column :math:`c` on one coordinate of :math:`G_c`, any one. Weights are kept and no
distance decreases: on :math:`G_c`, two words that both had :math:`c` contribute 0 (same place) or 2,
a word with :math:`c` against one without contributes 1 as before, and two words without contribute 0.
So a code that reaches a distance on fewer coordinates reaches it on :math:`n` (every subNN then serves some
class), with the load of a split column shared by its group; e.g. the 2,576 dodecads of the Golay code give
a :math:`(26, 8, 12)` code. Loads are shared greedily: the extra coordinates go one by one to the column
with the largest load per group member, and each one of each word (rows in order) goes to the least loaded
member of its group, so loads inside a group differ by at most 1. Deterministic.
"""

from __future__ import annotations

import numpy as np

__all__ = ["juxtapose", "split_columns"]


def _as_rows(matrix, name: str) -> np.ndarray:
    arr = np.asarray(matrix)
    if arr.ndim != 2 or not np.isin(arr, (0, 1)).all():
        raise ValueError(f"Argument '{name}' must be a 2-D 0/1 matrix.")
    return arr.astype(np.uint8)


def juxtapose(left, right) -> np.ndarray:
    r"""The words :math:`(u_i \mid v_i)`: row :math:`i` of ``left`` followed by row :math:`i` of ``right``.

    Both must have the same number of rows. The distance of two result rows is the sum of their distances in
    the parts, so the result has distance :math:`\ge d_1 + d_2`.

    >>> juxtapose([[1, 0], [0, 1]], [[1, 1, 0], [0, 1, 1]]).tolist()
    [[1, 0, 1, 1, 0], [0, 1, 0, 1, 1]]
    """
    a, b = _as_rows(left, "left"), _as_rows(right, "right")
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"The parts must have the same number of rows, not {a.shape[0]} and {b.shape[0]}.")
    return np.concatenate([a, b], axis=1)


def group_sizes(loads, n: int) -> np.ndarray:
    """Group size per column when ``n - len(loads)`` extra coordinates go, one at a time, to the column with
    the largest load per member (ties: the lowest column)."""
    loads = np.asarray(loads, dtype=np.int64)
    s = len(loads)
    if n < s:
        raise ValueError(f"The new length must be at least {s}, not {n}.")
    g = np.ones(s, dtype=np.int64)
    for _ in range(n - s):
        # the largest loads[c] / g[c], compared exactly by cross-multiplying
        best = 0
        for c in range(1, s):
            if loads[c] * g[best] > loads[best] * g[c]:
                best = c
        g[best] += 1
    return g


def split_columns(matrix, n: int) -> np.ndarray:
    r"""The code on ``n`` coordinates in which each column of ``matrix`` is split into a group (see the module).

    Columns keep their positions; the extra coordinates of the groups follow in order of their source column.
    No distance decreases and every weight is kept. With ``n`` equal to the length, a copy comes back.

    >>> split_columns([[1, 1, 0], [1, 0, 1], [1, 1, 1]], 4).tolist()
    [[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 0]]
    """
    m = _as_rows(matrix, "matrix")
    k, s = m.shape
    g = group_sizes(m.sum(axis=0), n)
    members: list[list[int]] = []
    nxt = s
    for c in range(s):
        members.append([c, *range(nxt, nxt + g[c] - 1)])
        nxt += g[c] - 1
    out = np.zeros((k, n), dtype=np.uint8)
    load = np.zeros(n, dtype=np.int64)
    for i in range(k):
        for c in np.flatnonzero(m[i]):
            grp = members[c]
            j = min(grp, key=lambda col: (load[col], col))
            out[i, j] = 1
            load[j] += 1
    return out
