r"""Upper bounds on constant-weight codes and the LP bound on pairs at the minimum distance.

Notation: :math:`A(n, d, w)` is the largest number of words of length :math:`n` and weight :math:`w`
with pairwise Hamming distance at least :math:`d`. Two words of weight :math:`w` meeting in
:math:`w - i` positions are at distance :math:`2i`, so distances are even and :math:`A(n, 2\delta - 1, w)
= A(n, 2\delta, w)`; throughout, :math:`\delta = \lceil d/2 \rceil` and :math:`i` is the *half-distance*.
Complementing every word gives :math:`A(n, d, w) = A(n, d, n - w)`, so the functions below work with
:math:`v = \min(w, n - w)`.

Two bounds are implemented:

* the recursive, restricted Johnson bound (:func:`johnson_bound`);
* Delsarte's linear-programming bound in the Johnson scheme :math:`J(n, v)`, written with Eberlein
  polynomials (:func:`delsarte_lp_bound`), solved with ``scipy.optimize.linprog(method="highs")``.

:func:`max_size_bound` takes the better of the two, :func:`max_distance_bound` turns it into the largest
minimum distance a ``K``-word code can have, and :func:`lp_min_pairs` is the LP lower bound on how many
pairs of a ``K``-word code sit at a given minimum distance. Every function is cached
(:func:`functools.lru_cache`), so repeated calls from :func:`codesearch.codes.code_metrics` are free.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy.optimize import linprog

__all__ = [
    "bounds_table",
    "delsarte_lp_bound",
    "johnson_bound",
    "lp_min_pairs",
    "max_distance_bound",
    "max_size_bound",
]

# Relative slack applied to LP optima before rounding, so that floating-point error of the solver can only
# make a bound weaker, never wrong.
_REL_TOL = 1e-6
_ABS_TOL = 1e-6


# -- input checks ---------------------------------------------------------------------------------------
def _int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"Argument '{name}' must be an integer, not {type(value).__name__}.")
    return int(value)


def _check_nw(n, w) -> tuple[int, int]:
    n, w = _int("n", n), _int("w", w)
    if n < 1:
        raise ValueError(f"Argument 'n' must be at least 1, not {n}.")
    if not 0 <= w <= n:
        raise ValueError(f"Argument 'w' must satisfy 0 <= w <= n, not w={w}, n={n}.")
    return n, w


def _check_ndw(n, d, w) -> tuple[int, int, int]:
    n, w = _check_nw(n, w)
    d = _int("d", d)
    if d < 0:
        raise ValueError(f"Argument 'd' must be non-negative, not {d}.")
    return n, d, w


def _check_code_params(K, n, w) -> tuple[int, int, int]:
    K, n, w = _int("K", K), _int("n", n), _int("w", w)
    if K < 2:
        raise ValueError(f"Argument 'K' must be at least 2, not {K}.")
    if n < 2:
        raise ValueError(f"Argument 'n' must be at least 2, not {n}.")
    if not 0 < w < n:
        raise ValueError(f"Argument 'w' must satisfy 0 < w < n, not w={w}, n={n}.")
    if K > math.comb(n, w):
        raise ValueError(f"Argument 'K' must be at most C(n, w) = C({n}, {w}) = {math.comb(n, w)}, not {K}.")
    return K, n, w


# -- Johnson bound --------------------------------------------------------------------------------------
def johnson_bound(n: int, d: int, w: int) -> int:
    r"""The recursive, restricted Johnson upper bound on :math:`A(n, d, w)`.

    With :math:`\delta = \lceil d/2 \rceil` and :math:`v = \min(w, n - w)` (complement symmetry):

    * :math:`\delta \le 1`: every word of weight :math:`w` is allowed, :math:`A = \binom{n}{w}`;
    * :math:`v = 0` or :math:`\delta > v`: at most one word, :math:`A = 1`;
    * :math:`\delta = v`: the supports are disjoint, :math:`A = \lfloor n / v \rfloor`;
    * otherwise the minimum of the restricted (first) Johnson bound, valid when
      :math:`\delta n > v (n - v)`,

      .. math:: A(n, 2\delta, v) \le \left\lfloor \frac{\delta n}{\delta n - v(n - v)} \right\rfloor,

      and the two recursive (second) Johnson bounds

      .. math:: A(n, 2\delta, w) \le \left\lfloor \frac{n}{w} A(n-1, 2\delta, w-1) \right\rfloor,
                \qquad
                A(n, 2\delta, w) \le \left\lfloor \frac{n}{n-w} A(n-1, 2\delta, w) \right\rfloor,

      where the inner :math:`A` are themselves replaced by this bound.

    Parameters
    ----------
    n:
        Word length, at least 1.
    d:
        Minimum distance, at least 0 (an odd ``d`` is treated as ``d + 1``).
    w:
        Weight, ``0 <= w <= n``.

    Raises
    ------
    TypeError
        When an argument is not an integer.
    ValueError
        When ``n < 1``, ``d < 0`` or ``w`` is outside ``[0, n]``.
    """
    n, d, w = _check_ndw(n, d, w)
    return _johnson(n, (d + 1) // 2, w)


@lru_cache(maxsize=None)
def _johnson(n: int, delta: int, w: int) -> int:
    v = min(w, n - w)
    if delta <= 1:
        return math.comb(n, w)
    if v == 0 or delta > v:
        return 1
    if delta == v:
        return n // v
    # Bottom-up over lengths m = n - v .. n (depth of the recursion is v, never n).
    best = _johnson_recursive(n, delta, v)
    denom = delta * n - v * (n - v)
    if denom > 0:
        best = min(best, (delta * n) // denom)
    return best


def _johnson_recursive(n: int, delta: int, v: int) -> int:
    """Both second-Johnson recursions, each inner value being the full (cached) Johnson bound."""
    inner_w = _johnson(n - 1, delta, v - 1)  # shorten on a 1: weight drops
    best = (n * inner_w) // v
    if n - 1 >= v:
        inner_nw = _johnson(n - 1, delta, v)  # shorten on a 0: weight stays
        best = min(best, (n * inner_nw) // (n - v))
    return best


# -- Delsarte LP bound ----------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _eberlein_ratios(n: int, v: int) -> np.ndarray:
    r"""The matrix :math:`q_{k,i} = E_i(k) / E_i(0)` for :math:`0 \le k, i \le v` (``v <= n - v``).

    :math:`E_i(k) = \sum_{j=0}^{i} (-1)^j \binom{k}{j}\binom{v-k}{i-j}\binom{n-v-k}{i-j}` is the Eberlein
    (dual Hahn) polynomial, the eigenvalue of the distance-:math:`i` relation of :math:`J(n, v)` on its
    :math:`k`-th eigenspace, and :math:`E_i(0) = \binom{v}{i}\binom{n-v}{i}` is the valency. The entries lie
    in :math:`[-1, 1]`; they are computed exactly with fractions and rounded once to float64.
    """
    q = np.empty((v + 1, v + 1), dtype=np.float64)
    for i in range(v + 1):
        valency = math.comb(v, i) * math.comb(n - v, i)
        for k in range(v + 1):
            e = sum(
                (-1) ** j * math.comb(k, j) * math.comb(v - k, i - j) * math.comb(n - v - k, i - j)
                for j in range(i + 1)
            )
            q[k, i] = float(Fraction(e, valency))
    q.setflags(write=False)
    return q


def _delsarte_system(n: int, delta: int, v: int):
    r"""``(A_ub, b_ub, ub)`` for the variables :math:`A_\delta, \dots, A_v` (``ub`` = per-variable caps)."""
    q = _eberlein_ratios(n, v)
    cols = np.arange(delta, v + 1)
    # sum_i A_i q[k, i] >= -1  <=>  -sum_i A_i q[k, i] <= 1, for k = 1..v
    a_ub = -q[1:, cols]
    b_ub = np.ones(v, dtype=np.float64)
    # Cheap extra constraints: A_i <= valency (words at distance 2i from a fixed word), and
    # A_v (disjoint supports) <= floor((n - v) / v) because those words are pairwise disjoint... only when
    # 2v >= 2*delta, i.e. always here; disjoint words of weight v in n - v positions with pairwise distance
    # >= 2*delta number at most A(n - v, 2*delta, v) <= Johnson.
    ub = [float(math.comb(v, i) * math.comb(n - v, i)) for i in cols]
    ub[-1] = min(ub[-1], float(_johnson(n - v, delta, v)) if n - v >= v else 0.0)
    return a_ub, b_ub, ub


def delsarte_lp_bound(n: int, d: int, w: int) -> float:
    r"""Delsarte's linear-programming upper bound on :math:`A(n, d, w)` in the Johnson scheme.

    Let :math:`v = \min(w, n - w)` and :math:`\delta = \lceil d/2 \rceil`. For a code :math:`C`, its
    distance distribution :math:`A_i = |\{(x, y) \in C^2 : d(x, y) = 2i\}| / |C|` has :math:`A_0 = 1`,
    :math:`A_i = 0` for :math:`0 < i < \delta`, :math:`A_i \ge 0`, :math:`|C| = \sum_i A_i`, and satisfies
    Delsarte's inequalities :math:`\sum_i A_i Q_k(i) \ge 0`, :math:`k = 1, \dots, v`, where
    :math:`Q_k(i) = \mu_k E_i(k) / E_i(0)`, :math:`\mu_k = \binom{n}{k} - \binom{n}{k-1} > 0` and
    :math:`E_i(k)` is the Eberlein polynomial (see ``_eberlein_ratios``). Dividing by :math:`\mu_k`,

    .. math::

        A(n, d, w) \le 1 + \max \Big\{ \sum_{i=\delta}^{v} A_i \;:\; A_i \ge 0,\;
        \sum_{i=\delta}^{v} A_i \frac{E_i(k)}{E_i(0)} \ge -1 \ (k = 1..v) \Big\}.

    Two valid extra constraints are added: :math:`A_i \le E_i(0)` (the words at distance :math:`2i` from a
    codeword) and :math:`A_v \le A(n - v, 2\delta, v)` (those words have disjoint supports from it when
    :math:`v = w`; by complementation in general), the latter replaced by its Johnson bound.

    Returns the LP optimum as a float (``float(math.comb(n, w))`` for ``d <= 2`` and ``1.0`` when
    :math:`\delta > v`); round it down yourself, or use :func:`max_size_bound`.

    Raises
    ------
    TypeError
        When an argument is not an integer.
    ValueError
        When ``n < 1``, ``d < 0`` or ``w`` is outside ``[0, n]``.
    """
    n, d, w = _check_ndw(n, d, w)
    return _lp_max(n, (d + 1) // 2, min(w, n - w))


@lru_cache(maxsize=None)
def _lp_max(n: int, delta: int, v: int) -> float:
    if delta <= 1:
        return float(math.comb(n, v))
    if v == 0 or delta > v:
        return 1.0
    a_ub, b_ub, ub = _delsarte_system(n, delta, v)
    c = -np.ones(a_ub.shape[1])
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=list(zip([0.0] * len(ub), ub)), method="highs")
    if res.status != 0:  # pragma: no cover - the LP is always feasible (A = 0) and bounded (caps)
        raise RuntimeError(f"The Delsarte LP for n={n}, d={2 * delta}, w={v} failed: {res.message}")
    return 1.0 + float(-res.fun)


def _floor_lp(x: float) -> int:
    """Round an LP optimum down, after a small slack that only weakens the bound."""
    return int(math.floor(x + _ABS_TOL + _REL_TOL * abs(x)))


def max_size_bound(n: int, d: int, w: int) -> int:
    r"""The best upper bound on :math:`A(n, d, w)` available here.

    .. math:: \min\big(\mathrm{Johnson}(n, d, w),\ \lfloor \mathrm{LP}(n, d, w) + \varepsilon \rfloor\big)

    with :math:`\varepsilon = 10^{-6}(1 + \mathrm{LP})` absorbing solver round-off (the slack can only make
    the bound weaker). Arguments and errors as :func:`johnson_bound`.
    """
    n, d, w = _check_ndw(n, d, w)
    return _max_size(n, (d + 1) // 2, w)


@lru_cache(maxsize=None)
def _max_size(n: int, delta: int, w: int) -> int:
    v = min(w, n - w)
    return min(_johnson(n, delta, w), _floor_lp(_lp_max(n, delta, v)))


def _size_at_least(K: int, n: int, delta: int, w: int) -> bool:
    """``max_size_bound >= K`` without solving the LP when the Johnson bound already says no."""
    if _johnson(n, delta, w) < K:
        return False
    return _max_size(n, delta, w) >= K


def max_distance_bound(K: int, n: int, w: int) -> int:
    r"""The largest even :math:`d` with ``max_size_bound(n, d, w) >= K``.

    A code of ``K`` words of length ``n`` and weight ``w`` with minimum distance :math:`d` has
    :math:`K \le A(n, d, w) \le` ``max_size_bound(n, d, w)``, so every such code has minimum distance at most
    this value. It is at least 2 because ``K <= C(n, w)`` and at most :math:`2\min(w, n - w)`.

    Raises
    ------
    TypeError
        When an argument is not an integer.
    ValueError
        When ``K < 2``, ``n < 2``, ``w`` is not in ``(0, n)`` or ``K > C(n, w)``.
    """
    K, n, w = _check_code_params(K, n, w)
    return _max_distance(K, n, w)


@lru_cache(maxsize=None)
def _max_distance(K: int, n: int, w: int) -> int:
    v = min(w, n - w)
    for delta in range(v, 0, -1):
        if _size_at_least(K, n, delta, w):
            return 2 * delta
    return 2  # pragma: no cover - delta = 1 gives C(n, w) >= K


def lp_min_pairs(K: int, n: int, w: int, d: int) -> int | None:
    r"""LP lower bound on the number of unordered pairs at distance exactly ``d`` in a ``K``-word code of
    length ``n``, weight ``w`` and minimum distance at least ``d``.

    With the notation of :func:`delsarte_lp_bound` (:math:`\delta = d/2`, :math:`v = \min(w, n - w)`), the
    distance distribution of such a code satisfies :math:`\sum_{i \ge \delta} A_i = K - 1` and Delsarte's
    inequalities, and the number of pairs at distance :math:`d` is :math:`K A_\delta / 2`. Hence

    .. math::

        \text{pairs} \ge \Big\lceil \tfrac{K}{2} \min\{ A_\delta : A \text{ feasible},
        \textstyle\sum_i A_i = K - 1 \} - \varepsilon \Big\rceil ,

    with :math:`\varepsilon = 10^{-6}(1 + K A_\delta / 2)` absorbing solver round-off (the slack can only
    weaken the bound). Because the Delsarte constraints hold for :math:`tA` whenever they hold for
    :math:`A` and :math:`0 \le t \le 1`, the LP is feasible exactly when the Delsarte LP bound for distance
    ``d`` is at least ``K``; it is solved with ``sum = min(K - 1, LP - 1)`` so that a ``K`` equal to the
    LP optimum is not lost to round-off.

    Returns ``None`` when the LP is infeasible (no ``K``-word code with minimum distance ``>= d`` exists).

    Raises
    ------
    TypeError
        When an argument is not an integer.
    ValueError
        When ``K < 2``, ``n < 2``, ``w`` is not in ``(0, n)``, ``K > C(n, w)``, or ``d`` is not an even
        number with ``2 <= d``.
    """
    K, n, w = _check_code_params(K, n, w)
    d = _int("d", d)
    if d < 2 or d % 2:
        raise ValueError(f"Argument 'd' must be an even integer >= 2, not {d}.")
    return _lp_min_pairs(K, n, w, d // 2)


@lru_cache(maxsize=None)
def _lp_min_pairs(K: int, n: int, w: int, delta: int) -> int | None:
    v = min(w, n - w)
    if delta > v:
        return None
    lp = _lp_max(n, delta, v)
    if lp < K * (1.0 - _REL_TOL) - _ABS_TOL:
        return None
    total = min(float(K - 1), lp - 1.0)
    a_ub, b_ub, ub = _delsarte_system(n, delta, v)
    m = a_ub.shape[1]
    c = np.zeros(m)
    c[0] = 1.0
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.ones((1, m)),
        b_eq=[total],
        bounds=list(zip([0.0] * m, ub)),
        method="highs",
    )
    if res.status == 2:
        return None
    if res.status != 0:  # pragma: no cover - bounded (caps) and feasible (checked above)
        raise RuntimeError(f"The pairs LP for K={K}, n={n}, w={w}, d={2 * delta} failed: {res.message}")
    pairs = K * max(float(res.fun), 0.0) / 2.0
    return max(0, int(math.ceil(pairs - _ABS_TOL - _REL_TOL * pairs)))


def bounds_table(K: int, n: int, w: int) -> list[dict]:
    r"""One row per even :math:`d = 2, 4, \dots, 2\min(w, n - w)`: what ``codesearch bounds`` prints.

    Each row is ``{"d", "johnson", "lp", "max_size", "feasible", "lp_min_pairs"}``: the Johnson bound on
    :math:`A(n, d, w)` (int), the Delsarte LP optimum (float, rounded to 4 decimals), their combination
    :func:`max_size_bound` (int), whether it admits ``K`` words (``max_size >= K``), and for feasible rows
    :func:`lp_min_pairs` (``None`` otherwise, or when the LP alone is infeasible). JSON-ready.

    Raises
    ------
    TypeError, ValueError
        As :func:`max_distance_bound`.
    """
    K, n, w = _check_code_params(K, n, w)
    return [dict(row) for row in _bounds_table(K, n, w)]


@lru_cache(maxsize=None)
def _bounds_table(K: int, n: int, w: int) -> tuple[tuple, ...]:
    v = min(w, n - w)
    rows = []
    for delta in range(1, v + 1):
        size = _max_size(n, delta, w)
        feasible = size >= K
        rows.append(
            (
                ("d", 2 * delta),
                ("johnson", _johnson(n, delta, w)),
                ("lp", round(_lp_max(n, delta, v), 4)),
                ("max_size", size),
                ("feasible", feasible),
                ("lp_min_pairs", _lp_min_pairs(K, n, w, delta) if feasible else None),
            )
        )
    return tuple(tuple(r) for r in rows)
