r"""Column balance at a fixed distance: move ones between columns without letting any pair come closer.

A code :math:`M` (:math:`K \times N`, rows of weight :math:`w`) with largest overlap :math:`t` (distance
:math:`d = 2(w - t)`) and column sums :math:`s`. A *move* :math:`x \to y` takes a row :math:`a` with
:math:`M_{ax} = 1, M_{ay} = 0` and moves that one to column :math:`y`: :math:`s_x` drops by one, :math:`s_y`
rises by one, the weight stays, and the overlap of :math:`a` with a row :math:`c` rises by one exactly when
:math:`M_{cy} = 1, M_{cx} = 0`. The move is *safe* when all those overlaps are below :math:`t` before it, so
the largest overlap (the distance) is kept; among the safe rows the one whose move creates the fewest new
pairs at :math:`t` is taken.

Rigid codes (lexicodes, near-maximal codes) often have no safe direct move from their fullest column to
their emptiest, so :func:`rebalance` looks for a *chain* :math:`x_0 \to x_1 \to \dots \to x_L` of safe moves
(a breadth-first search on the graph of columns whose edges are the safe moves): only the ends' sums change.
A chain from a column with sum :math:`s_{x_0}` to one with :math:`s_{x_L} \le s_{x_0} - 2` lowers
:math:`\sum s^2`, so the loop ends; it stops when the spread is the smallest possible (0 when :math:`N` divides
:math:`Kw`, else 1), when no chain exists, or when the counted budget of moves is spent. Deterministic: no
random choices, ties go to the lowest index.
"""

from __future__ import annotations

from collections import deque
from itertools import pairwise

import numpy as np

from ._bits import overlaps

#: moves per row :func:`rebalance` may make (a counted budget)
MOVES_PER_ROW = 2
#: longest chain of moves searched for
MAX_CHAIN = 6
#: overlap-matrix cells :func:`rebalance` may examine in all (a counted budget: a few seconds of numpy work)
MAX_WORK = 1_000_000_000


class _Budget:
    def __init__(self, cells: int):
        self.left = cells

    def spend(self, cells: int) -> None:
        self.left -= cells


def _safe_row(
    m: np.ndarray, g: np.ndarray, t: int, x: int, y: int, budget: _Budget | None = None
) -> int | None:
    """The row whose move of a one from column x to column y keeps every overlap <= t (fewest new pairs at
    t, then lowest index), or None."""
    rows = np.flatnonzero((m[:, x] == 1) & (m[:, y] == 0))
    if not len(rows):
        return None
    gain = np.flatnonzero((m[:, y] == 1) & (m[:, x] == 0))  # rows whose overlap with the mover rises
    if not len(gain):
        return int(rows[0])
    if budget is not None:
        budget.spend(len(rows) * len(gain))
    sub = g[np.ix_(rows, gain)]
    safe = sub.max(axis=1) < t
    if not safe.any():
        return None
    new_at_t = (sub[safe] == t - 1).sum(axis=1)
    return int(rows[safe][int(np.argmin(new_at_t))])


def _apply(m: np.ndarray, g: np.ndarray, a: int, x: int, y: int) -> None:
    delta = m[:, y].astype(np.int32) - m[:, x]
    delta[a] = 0
    m[a, x], m[a, y] = 0, 1
    g[a] += delta
    g[:, a] += delta


def _chain(
    m: np.ndarray, g: np.ndarray, t: int, cs: np.ndarray, budget: _Budget
) -> list[tuple[int, int, int]] | None:
    """A chain of safe moves from a column to one at least 2 lower (fullest starts first), applied; None if
    none."""
    low = int(cs.min())
    for src in np.argsort(-cs, kind="stable"):
        src = int(src)
        top = int(cs[src])
        if top - low < 2:
            break
        # breadth-first over columns; edges (safe moves) are computed on the current state, and a chain is
        # applied move by move, re-checked before each (an earlier move can make a later one unsafe)
        parent = {src: None}
        queue = deque([(src, 0)])
        while queue:
            x, depth = queue.popleft()
            if depth >= MAX_CHAIN:
                continue
            if budget.left <= 0:
                return None
            for y in np.argsort(cs, kind="stable"):
                y = int(y)
                if y in parent:
                    continue
                a = _safe_row(m, g, t, x, y, budget)
                if a is None:
                    continue
                parent[y] = (x, a)
                if cs[y] <= top - 2:
                    path = [y]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]][0])
                    path.reverse()
                    return _apply_path(m, g, t, path)
                queue.append((y, depth + 1))
    return None


def _apply_path(m: np.ndarray, g: np.ndarray, t: int, path: list[int]) -> list[tuple[int, int, int]] | None:
    done: list[tuple[int, int, int]] = []
    for x, y in pairwise(path):
        a = _safe_row(m, g, t, x, y)
        if a is None:  # an earlier move of the chain made this one unsafe: undo the chain
            for b, u, v in reversed(done):
                _apply(m, g, b, v, u)
            return None
        _apply(m, g, a, x, y)
        done.append((a, x, y))
    return done


def rebalance(matrix: np.ndarray, max_moves: int | None = None) -> tuple[np.ndarray, int]:
    """Lower the column spread of ``matrix`` by chains of safe moves; returns (new matrix, moves made).

    The distance never drops (every move keeps all overlaps at most the largest one of the input), rows keep
    their weight and stay distinct (overlaps stay below ``w``). ``max_moves`` defaults to
    ``MOVES_PER_ROW * K``; the search also stops after ``MAX_WORK`` overlap cells examined (both counted, so
    the result does not depend on the machine).
    """
    m = np.array(matrix, dtype=np.int8)
    k, n = m.shape
    if k < 2:
        return m, 0
    w = int(m[0].sum())
    target = 0 if (k * w) % n == 0 else 1
    g = overlaps(m)
    np.fill_diagonal(g, -1)
    t = int(g.max())
    limit = MOVES_PER_ROW * k if max_moves is None else int(max_moves)
    budget = _Budget(MAX_WORK)
    moves = 0
    while moves < limit and budget.left > 0:
        cs = m.sum(axis=0)
        if int(cs.max() - cs.min()) <= target:
            break
        chain = _chain(m, g, t, cs, budget)
        if chain is None:
            break
        moves += len(chain)
    return m, moves
