"""``auto`` (the default method): run every method that applies and keep the best code.

Order: algebraic, exact, lexicode, anneal, random; for K > ``LARGE_CLASSES`` (5,000) the pair-matrix
methods step aside (each says so in a note) and ``repair`` takes random's place. A method that cannot
handle a size is skipped with a note naming its limit, never an error. ``lexicode`` only tries
:math:`H_{min}` at or above the distance already reached (``h_floor``: a lexicode below it cannot win,
and its scans at small :math:`H_{min}` are the longest). ``anneal`` starts from the best code found so far
(it never returns anything worse than its balanced start; when that code already has the best possible d
it only polishes the pairs at d, with a quarter of its usual iterations), or from a random balanced code
when no earlier method produced one. The best code by (d, -spread, -pairs at d) wins (distance, then
column balance, then pairs); ties go to the earlier method. For K <= ``LARGE_CLASSES`` (both steps hold a K x K overlap matrix), a winner below the distance bound with at
most ``LIFT_MAX_PAIRS`` pairs at its distance is then
*lifted* where possible (:mod:`codesearch.codes._lift`: a cover of those pairs replaced by scanned words at
distance d + 2; ``lifted`` in the params). A winner whose column spread is above the
smallest possible is then rebalanced at its distance (:mod:`codesearch.codes._rebalance`: chains of moves
that bring no pair closer; ``rebalanced`` in the params, with the moves and the spread before and after). The search stops early once a code reaches the distance bound, the LP minimum of pairs at
that distance and the smallest possible spread: nothing can beat it.

Reproducibility: every method runs on deterministic budgets (iterations, nodes, scanned words), so
the same request gives the same matrix. ``time_limit`` is only a safety cap: each method gets the time
that is left, and a method cut short by it records that in its params (``time_cap_hit``); only then
does the wall clock influence the result.
"""

from __future__ import annotations

import time

from .._code import ConstantWeightCode
from .._lift import MAX_REPLACED, lift_distance
from .._limits import LARGE_CLASSES
from .._metrics import balanced_spread, pairs_at_min_distance
from .._rebalance import rebalance
from ._anneal import default_iters
from ._base import (
    _REGISTRY,
    GenerateRequest,
    GenerateResult,
    GenerationError,
    Generator,
    ProgressFn,
    register,
)

#: the methods ``auto`` tries, in order (``repair`` only for K > LARGE_CLASSES, where it replaces ``random``)
AUTO_ORDER = ("algebraic", "exact", "lexicode", "anneal", "repair", "random")
#: ``auto`` tries :func:`codesearch.codes._lift.lift_distance` on a winner below the bound with at most this
#: many pairs at its distance
LIFT_MAX_PAIRS = 4 * MAX_REPLACED
#: anneal's budget is divided by this when it starts from a code that already has the best possible d
POLISH_FRACTION = 4


@register
class AutoGenerator(Generator):
    """Best of the applicable methods within ``time_limit``.

    params: ``methods`` (list, default all of ``AUTO_ORDER``), ``<method>`` (a dict of params passed to
    that method, e.g. ``{"anneal": {"iters": 20000}}``).
    """

    name = "auto"

    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
        from ..bounds import lp_min_pairs, max_distance_bound

        t0 = time.perf_counter()
        k, n, w = req.classes, req.subnns, req.active
        methods = list(req.params.get("methods", AUTO_ORDER))
        if "methods" not in req.params:
            # small K: anneal and random cover what repair does; large K: repair starts from a random code
            methods.remove("repair" if k <= LARGE_CLASSES else "random")
        unknown = [m for m in methods if m not in _REGISTRY or m == self.name]
        if unknown:
            raise ValueError(f"params['methods'] has unknown entries: {', '.join(map(str, unknown))}.")
        bound = int(max_distance_bound(k, n, w))
        best: GenerateResult | None = None
        best_key = None
        scores: dict[str, dict] = {}
        notes: list[str] = []
        for idx, name in enumerate(methods):
            remaining = req.time_limit - (time.perf_counter() - t0)
            if remaining <= 0:
                scores[name] = {"skipped": "time limit reached"}
                notes.append(f"auto: skipped {name}: the time limit ({req.time_limit:g} s) was reached")
                continue
            gen = _REGISTRY[name]()
            params = dict(req.params.get(name, {}))
            if name == "anneal" and best is not None and "initial" not in params:
                params["initial"] = best.code.codewords
                if best_key[0] >= bound and "iters" not in params:
                    # The start already has the best possible d: anneal can only trade pairs at d, so it
                    # gets a quarter of its usual budget (a polish, not a search).
                    params["iters"] = default_iters(k) // POLISH_FRACTION
            if name == "lexicode" and best is not None and "h_floor" not in params:
                # a lexicode below the distance already reached cannot win (distance is ranked first):
                # its scans at smaller H_min (the longest ones) are skipped
                params["h_floor"] = best_key[0]
            sub = GenerateRequest(k, n, w, req.seed, req.min_distance, remaining, params)
            if not gen.applicable(sub):
                why = gen.size_limit(sub) or f"it does not handle K={k}, N={n}, w={w}"
                scores[name] = {"skipped": "not applicable"}
                notes.append(f"auto: skipped {name}: {why}")
                continue

            def sub_progress(frac: float, msg: str, _i=idx) -> None:
                if progress:
                    progress((_i + min(max(frac, 0.0), 1.0)) / len(methods), msg)

            try:
                res = gen.generate(sub, sub_progress)
            except GenerationError as exc:
                scores[name] = {"error": str(exc)}
                notes.append(f"auto: {name} gave no code: {exc}")
                continue
            # the code object caches its (chunked) overlap histogram: scored once, reused by the metrics
            d, pairs, spread = res.code.d, pairs_at_min_distance(res.code), res.code.column_spread
            scores[name] = {
                "d": d,
                "pairs": pairs,
                "spread": spread,
            }  # no wall time: files stay byte-identical
            if name == "anneal" and "initial" in params and "initial" not in req.params.get(name, {}):
                scores[name]["started_from"] = best.method
                if "iters" not in req.params.get(name, {}) and "iters" in params:
                    scores[name]["polish_iters"] = params["iters"]
            # rule B then rule C: distance first, then column balance, then pairs at d (the paper's Algorithm 1
            # also balances before it counts pairs); a code that gives up balance for fewer pairs loses
            key = (d, -spread, -pairs)
            if best_key is None or key > best_key:
                best, best_key = res, key
            lp = lp_min_pairs(k, n, w, d)
            if d >= bound and spread <= balanced_spread(k, n, w) and lp is not None and pairs <= lp:
                break  # provably optimal: d at the bound, pairs at the LP minimum, best balance
        if best is None:
            detail = "; ".join(f"{m}: {s.get('error', s.get('skipped'))}" for m, s in scores.items())
            raise GenerationError(f"auto: no method produced a code ({detail}).")
        winner_params = {key: val for key, val in best.params.items() if key != "initial"}
        params = {"winner": best.method, "winner_params": winner_params, "scores": scores}
        lifts, d_before = 0, best.code.d
        while (
            k <= LARGE_CLASSES
            and best.code.d < bound
            and pairs_at_min_distance(best.code) <= LIFT_MAX_PAIRS
            and req.time_limit - (time.perf_counter() - t0) > 0
        ):
            # a few pairs at d: replace a cover of them by scanned words at distance >= d + 2 (counted scan)
            lifted = lift_distance(best.code.matrix, seed=req.seed)
            if lifted is None:
                break
            code = ConstantWeightCode(lifted)
            notes.append(f"auto: lifted the {best.method} code from d={best.code.d} to d={code.d}")
            lifts += 1
            params["lifted"] = {"steps": lifts, "d_before": d_before, "d": code.d}
            best = GenerateResult(code, best.method, best.seed, best.params, best.seconds, best.notes)
        spread = best.code.column_spread
        if (
            k <= LARGE_CLASSES
            and spread > balanced_spread(k, n, w)
            and req.time_limit - (time.perf_counter() - t0) > 0
        ):
            # rule C at the winner's distance: chains of safe moves between columns (counted budget)
            matrix, moves = rebalance(best.code.matrix)
            code = ConstantWeightCode(matrix)
            if code.d >= best.code.d and code.column_spread < spread:
                params["rebalanced"] = {"moves": moves, "spread_before": spread, "spread": code.column_spread}
                notes.append(
                    f"auto: rebalanced the {best.method} code at d={code.d}: column spread {spread} -> "
                    f"{code.column_spread} ({moves} moves)"
                )
                best = GenerateResult(code, best.method, best.seed, best.params, best.seconds, best.notes)
        return GenerateResult(best.code, self.name, req.seed, params, time.perf_counter() - t0, tuple(notes))
