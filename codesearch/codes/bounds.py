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
(:func:`functools.cache`), so repeated calls from :func:`codesearch.codes.code_metrics` are free.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cache

import numpy as np

__all__ = [
    "bounds_table",
    "delsarte_lp_bound",
    "johnson_bound",
    "lp_min_pairs",
    "max_distance_bound",
    "max_size_bound",
]


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


# Johnson values per delta, keyed by the normalised state (v, z): weight v = min(w, n - w), z = n - v zeros.
_JOHNSON_CACHE: dict[int, dict[tuple[int, int], int]] = {}


def _johnson(n: int, delta: int, w: int) -> int:
    v = min(w, n - w)
    z = n - v
    table = _JOHNSON_CACHE.setdefault(delta, {})
    if (v, z) not in table:
        # Bottom-up over the states the recursion reaches (weight <= v, zeros <= z): no deep recursion,
        # and every value is stored for later calls.
        for zz in range(z + 1):
            for vv in range(min(v, zz) + 1):
                if (vv, zz) not in table:
                    table[(vv, zz)] = _johnson_state(vv, zz, delta, table)
    return table[(v, z)]


def _johnson_state(v: int, z: int, delta: int, table: dict[tuple[int, int], int]) -> int:
    """Johnson bound for weight ``v <= z`` zeros (length ``v + z``); smaller states are in ``table``."""
    n = v + z
    if delta <= 1:
        return math.comb(n, v)
    if v == 0 or delta > v:
        return 1
    if delta == v:
        return n // v
    # Second Johnson bound, shortening on a 1 (weight v - 1, z zeros: normalised since v - 1 < z) ...
    best = (n * table[(v - 1, z)]) // v
    # ... and on a 0 (weight v, z - 1 zeros; normalise by complement when z - 1 < v).
    best = min(best, (n * table[(min(v, z - 1), max(v, z - 1))]) // z)
    # First (restricted) Johnson bound.
    denom = delta * n - v * z
    if denom > 0:
        best = min(best, (delta * n) // denom)
    return best


# -- Delsarte LP bound ----------------------------------------------------------------------------------
@cache
def _eberlein_ratios(n: int, v: int) -> tuple[tuple[Fraction, ...], ...]:
    r"""The exact matrix :math:`q_{k,i} = E_i(k) / E_i(0)` for :math:`0 \le k, i \le v` (``v <= n - v``).

    :math:`E_i(k) = \sum_{j=0}^{i} (-1)^j \binom{k}{j}\binom{v-k}{i-j}\binom{n-v-k}{i-j}` is the Eberlein
    (dual Hahn) polynomial, the eigenvalue of the distance-:math:`i` relation of :math:`J(n, v)` on its
    :math:`k`-th eigenspace, and :math:`E_i(0) = \binom{v}{i}\binom{n-v}{i}` is the valency. The entries lie
    in :math:`[-1, 1]`, so the float64 copy given to the solver is well scaled.
    """
    rows = []
    for k in range(v + 1):
        row = []
        for i in range(v + 1):
            e = sum(
                (-1) ** j * math.comb(k, j) * math.comb(v - k, i - j) * math.comb(n - v - k, i - j)
                for j in range(i + 1)
            )
            row.append(Fraction(e, math.comb(v, i) * math.comb(n - v, i)))
        rows.append(tuple(row))
    return tuple(rows)


@cache
def _delsarte_system(n: int, delta: int, v: int):
    r"""The LP data for the variables :math:`A_\delta, \dots, A_v` (``m = v - delta + 1`` of them).

    Returns ``(q, a_ub, cap)``: ``q[k][j]`` the exact ratio :math:`E_{\delta+j}(k+1)/E_{\delta+j}(0)`
    (``k = 0..v-1``), ``a_ub = -q`` as float64 (the Delsarte rows as ``a_ub @ A <= 1``), and ``cap`` the
    integer bound on the last variable :math:`A_v`.
    """
    ratios = _eberlein_ratios(n, v)
    q = tuple(tuple(ratios[k][delta:]) for k in range(1, v + 1))
    a_ub = -np.array([[float(x) for x in row] for row in q], dtype=np.float64)
    a_ub.setflags(write=False)
    # A cheap extra constraint: A_v <= A(n - v, 2 delta, v). For v = w the codewords at distance 2v from a
    # codeword x have supports disjoint from x, so they form a weight-v code of length n - v with distance
    # >= 2 delta (for v = n - w apply this to the complemented code, which has the same distribution).
    cap = _johnson(n - v, delta, v)
    return q, a_ub, cap


def _linprog(*args, **kwargs):
    """``scipy.optimize.linprog(..., method="highs")``, imported on first use (it takes ~0.4 s)."""
    from scipy.optimize import linprog

    return linprog(*args, method="highs", **kwargs)


def _duals(res, count: int) -> list[Fraction]:
    """Non-negative Lagrange multipliers of the ``<=`` rows, as exact fractions (zeros if unavailable)."""
    marg = getattr(getattr(res, "ineqlin", None), "marginals", None)
    if marg is None or len(marg) != count:
        return [Fraction(0)] * count
    return [Fraction(max(0.0, -float(x))) for x in marg]


def _weighted_columns(q, mu: list[Fraction]) -> list[Fraction]:
    """g_j = -sum_k mu_k q[k][j]: what the multipliers contribute to the reduced cost of variable j."""
    m = len(q[0])
    return [-sum((mu[k] * q[k][j] for k in range(len(q)) if mu[k]), Fraction(0)) for j in range(m)]


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
        \sum_{i=\delta}^{v} A_i \frac{E_i(k)}{E_i(0)} \ge -1 \ (k = 1..v),\;
        A_v \le A(n - v, 2\delta, v) \Big\}.

    The last (cheap, valid) constraint holds because the codewords at distance :math:`2v` from a codeword
    have disjoint supports from it; :math:`A(n - v, 2\delta, v)` is replaced by its Johnson bound.

    **Exactness.** The LP is solved in float64 by HiGHS, then its dual multipliers :math:`y \ge 0` are
    turned into an exact rational certificate: by weak duality, if
    :math:`-\sum_k y_k E_i(k)/E_i(0) \ge 1` for every uncapped :math:`i` (ensured by scaling :math:`y`
    exactly), then :math:`\sum_i A_i \le \sum_k y_k + U \max(0, 1 - g_v)` with :math:`U` the cap and
    :math:`g_v` the capped column's sum. The returned value is this rigorous bound (it exceeds the true
    LP optimum by round-off only, about :math:`10^{-12}` relative), so flooring it is always safe.

    Returns a float (``float(math.comb(n, w))`` for ``d <= 2`` and ``1.0`` when :math:`\delta > v`);
    :func:`max_size_bound` rounds it down.

    Raises
    ------
    TypeError
        When an argument is not an integer.
    ValueError
        When ``n < 1``, ``d < 0`` or ``w`` is outside ``[0, n]``.
    """
    n, d, w = _check_ndw(n, d, w)
    return float(_lp_max(n, (d + 1) // 2, min(w, n - w)))


def _lp_max(n: int, delta: int, v: int) -> Fraction:
    """Certified upper bound on 1 + max sum A_i (a Fraction); see :func:`delsarte_lp_bound`."""
    if delta <= 1:
        return Fraction(math.comb(n, v))
    if v == 0 or delta > v:
        return Fraction(1)
    return _lp_max_solve(n, delta, v)[0]


#: (n, delta, v) whose LP HiGHS could not solve in float64 (the trivial bound stands in for it)
_LP_UNSOLVED: set[tuple[int, int, int]] = set()


def _lp_solved(n: int, delta: int, v: int) -> bool:
    """Whether the Delsarte LP of (n, delta, v) has a solved value (d <= 2 and delta > v are trivial)."""
    if delta <= 1 or v == 0 or delta > v:
        return True
    _lp_max_solve(n, delta, v)
    return (n, delta, v) not in _LP_UNSOLVED


@cache
def _lp_max_solve(n: int, delta: int, v: int) -> tuple[Fraction, float]:
    """``(certified bound on 1 + max sum A_i, float64 optimum of sum A_i)`` for ``2 <= delta <= v``."""
    q, a_ub, cap = _delsarte_system(n, delta, v)
    m = a_ub.shape[1]
    bounds = [(0.0, None)] * (m - 1) + [(0.0, float(cap))]
    res = _linprog(-np.ones(m), A_ub=a_ub, b_ub=np.ones(v), bounds=bounds)
    if res.status != 0:
        # Feasible (A = 0) and bounded in exact arithmetic, but for large n (>= 48 or so) HiGHS can call
        # the float64 problem unbounded. Then the LP gives nothing here: fall back to the trivial (valid)
        # bound C(n, v), so callers use the Johnson bound alone.
        trivial = math.comb(n, v)
        _LP_UNSOLVED.add((n, delta, v))
        return Fraction(trivial), float(trivial - 1)
    mu = _duals(res, v)
    g = _weighted_columns(q, mu)
    # Weak duality for max 1.A: every uncapped column needs g_j >= 1; scale mu exactly to get it.
    free = g[:-1] if m > 1 else []
    if all(x > 0 for x in free):
        scale = max([Fraction(1)] + [1 / x for x in free])
        total = scale * sum(mu) + cap * max(Fraction(0), 1 - scale * g[-1])
        return 1 + total, -float(res.fun)
    # No usable certificate (never seen in practice): fall back to the float optimum with a safety margin.
    opt = -float(res.fun)  # pragma: no cover
    return 1 + Fraction(opt) * (1 + Fraction(1, 10**6)) + Fraction(1, 10**6), opt  # pragma: no cover


def max_size_bound(n: int, d: int, w: int) -> int:
    r"""The best upper bound on :math:`A(n, d, w)` available here.

    .. math:: \min\big(\mathrm{Johnson}(n, d, w),\ \lfloor \mathrm{LP}(n, d, w) \rfloor\big)

    where LP is the certified value of :func:`delsarte_lp_bound` (a rational number, floored exactly).
    Arguments and errors as :func:`johnson_bound`.
    """
    n, d, w = _check_ndw(n, d, w)
    return _max_size(n, (d + 1) // 2, w)


@cache
def _max_size(n: int, delta: int, w: int) -> int:
    v = min(w, n - w)
    return min(_johnson(n, delta, w), math.floor(_lp_max(n, delta, v)))


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


@cache
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
    distance distribution of such a code satisfies :math:`\sum_{i \ge \delta} A_i = K - 1`, Delsarte's
    inequalities and the cap on :math:`A_v`, and the number of pairs at distance :math:`d` is
    :math:`K A_\delta / 2`. Hence

    .. math::

        \text{pairs} \ge \Big\lceil \tfrac{K}{2} \min\{ A_\delta : A \text{ feasible},
        \textstyle\sum_i A_i = K - 1 \} \Big\rceil .

    **Exactness.** HiGHS solves the LP in float64; its multipliers :math:`y \ge 0` of the Delsarte rows
    then give, by weak duality and exact rational arithmetic, the certified lower bound
    :math:`-\sum_k y_k - \lambda (K - 1) - U \max(0, -r_v)` with :math:`\lambda` the smallest value making
    every uncapped reduced cost :math:`r_j = [j = \delta] + g_j + \lambda` non-negative. The ceiling is
    taken exactly, so round-off can never push the bound above the truth.

    Returns ``None`` when the LP could not be solved numerically (some rows with n >= 48) or is infeasible, i.e. when the certified Delsarte bound for distance ``d`` is
    below ``K`` (then no ``K``-word code with minimum distance ``>= d`` exists; this happens exactly when
    ``floor(delsarte_lp_bound(n, d, w)) < K``).

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


@cache
def _lp_min_pairs(K: int, n: int, w: int, delta: int) -> int | None:
    v = min(w, n - w)
    if delta > v:
        return None
    upper = _lp_max(n, delta, v)
    if upper < K or not _lp_solved(n, delta, v):
        return None
    q, a_ub, cap = _delsarte_system(n, delta, v)
    m = a_ub.shape[1]
    target = K - 1
    c = np.zeros(m)
    c[0] = 1.0
    if delta <= 1:
        # d = 2: A(n, 2, w) = C(n, w) >= K, no LP optimum to clamp to (and none is solved for the size).
        rhs_cap = float(target)
    else:
        rhs_cap = _lp_max_solve(n, delta, v)[1]
    # Solve at min(K - 1, float optimum) so that a K equal to the LP optimum is not lost to round-off (and
    # once more slightly below if HiGHS still calls it infeasible); the certificate below is evaluated at
    # the true K - 1 whatever multipliers come back, so these choices only affect how tight it is.
    rhs = min(float(target), rhs_cap)
    bounds = [(0.0, None)] * (m - 1) + [(0.0, float(cap))]
    for shrink in (1.0, 1.0 - 1e-7):
        res = _linprog(
            c, A_ub=a_ub, b_ub=np.ones(v), A_eq=np.ones((1, m)), b_eq=[rhs * shrink], bounds=bounds
        )
        if res.status == 0:
            break
    mu = _duals(res, v) if res.status == 0 else [Fraction(0)] * v
    g = _weighted_columns(q, mu)
    cost = [Fraction(1)] + [Fraction(0)] * (m - 1)
    # Uncapped columns j < m - 1 need cost_j + g_j + lam >= 0 (lam as small as possible: it costs
    # lam * (K - 1)); when m == 1 the only column is the capped one and lam zeroes its reduced cost.
    lam = max([-(cost[j] + g[j]) for j in range(m - 1)], default=-(cost[-1] + g[-1]))
    slack_last = cost[-1] + g[-1] + lam
    lower = -sum(mu) - lam * target + cap * min(Fraction(0), slack_last)
    return max(0, math.ceil(K * lower / 2))


def bounds_table(K: int, n: int, w: int) -> list[dict]:
    r"""One row per even :math:`d = 2, 4, \dots, 2\min(w, n - w)`: what ``codesearch bounds`` prints.

    Each row is ``{"d", "johnson", "lp", "max_size", "feasible", "lp_min_pairs"}``: the Johnson bound on
    :math:`A(n, d, w)` (int), the Delsarte LP optimum (float, rounded to 4 decimals; exactly
    :math:`\binom{n}{w}` for d = 2; ``None`` where HiGHS cannot solve the float64 LP, which happens for some
    rows once n is about 48 or more -- the Johnson bound then stands alone), their combination
    :func:`max_size_bound` (int), whether it admits ``K`` words (``max_size >= K``), and for feasible rows
    :func:`lp_min_pairs` (``None`` otherwise, or when the LP alone is infeasible). JSON-ready.

    Raises
    ------
    TypeError, ValueError
        As :func:`max_distance_bound`.
    """
    K, n, w = _check_code_params(K, n, w)
    return [dict(row) for row in _bounds_table(K, n, w)]


@cache
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
                (
                    "lp",
                    math.comb(n, w)
                    if delta == 1
                    else round(float(_lp_max(n, delta, v)), 4)
                    if _lp_solved(n, delta, v)
                    else None,
                ),
                ("max_size", size),
                ("feasible", feasible),
                ("lp_min_pairs", _lp_min_pairs(K, n, w, delta) if feasible else None),
            )
        )
    return tuple(tuple(r) for r in rows)
