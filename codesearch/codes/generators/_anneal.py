r"""``anneal``: simulated annealing on the overlap matrix, with rule A and column balance as hard constraints.

State: a K x N 0/1 matrix M and its overlap matrix :math:`G = MM^\top` (:math:`g_{ab}` = ones rows a and
b share, :math:`d_H(a,b) = 2(w - g_{ab})`). Two kinds of moves, both keeping every row weight and every
column sum, so a balanced start stays balanced:

* *swap*: row a moves a one from column i to column j and a partner row b moves one from j to i. Only
  rows a and b of G change, by :math:`\pm(M_{cj} - M_{ci})`: O(K) to score and to apply. All moves of
  row a are scored at once from column sums weighted by the per-pair energy changes; the best few are
  completed with the best of up to ``max_partners`` partners b.
* *re-split* (share ``pair_moves``): rows a and b keep their common ones and share the positions where
  exactly one of them has a one anew; up to ``max_options`` splits are scored at once. This escapes
  rigid codes (e.g. lexicodes, whose overlaps are all even, where every single swap creates a violation).

Energy at a target overlap :math:`\lambda` (target distance :math:`2(w-\lambda)`), per pair:
:math:`\text{base}^{g-\lambda}` for :math:`g \le \lambda` (1 at the target, less below: a convex cost that
evens the overlaps out, whose sum is fixed by the column sums) and
:math:`1 + P\binom{g-\lambda+1}{2}` above. The target starts at the distance bound, is relaxed (d - 2)
when no state without violations turned up within ``patience`` of the budget, and tightened (d + 2)
when no pair sits at the target any more. Row a is drawn proportionally to its violating (else
at-target) pairs. Moves are accepted by the Metropolis rule on a geometric temperature schedule. The
best state by the true key (d up, pairs at d down) is kept, so the result is never worse than the
(balanced) start. Matrix products run on one BLAS thread: on a loaded 2-core machine a threaded
BLAS call on these small shapes was 100x slower, so :func:`anneal_matrix` holds BLAS to one thread
(with the default integer penalty and base 2 they add exact dyadic energies and 0/1 entries: the
same bits in any summation order).
"""

from __future__ import annotations

import time
from functools import cache
from itertools import combinations
from math import comb

import numpy as np
from threadpoolctl import threadpool_limits

from .._bits import overlaps
from .._code import ConstantWeightCode
from .._limits import LARGE_CLASSES
from .._metrics import balanced_spread, key_of, score_matrix
from ._base import GenerateRequest, GenerateResult, GenerationError, Generator, ProgressFn, register
from ._random import random_balanced_code

#: ``start='auto'`` also tries the lexicode start when C(N, w) is at most this (its scan takes ~1 s)
LEXICODE_START_MAX_WORDS = 200_000
#: largest K anneal accepts: its state holds K x K overlaps (4 bytes each)
ANNEAL_MAX_CLASSES = LARGE_CLASSES


_FORBID = 1e9  # energy change of a move that would make two rows equal (overlap w)


def _tables(w: int, lam: int, penalty: float, base: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-pair energy and its change when the overlap goes up / down by one, indexed by overlap + 1
    (index 0 is the diagonal, g = -1, which never changes)."""
    g = np.arange(-1, w + 1)
    ex = np.clip(g - lam, 0, None)
    energy = np.where(g <= lam, base ** (np.minimum(g, lam) - lam), 1.0 + penalty * (ex * (ex + 1) // 2))
    energy[0] = 0.0
    up = np.zeros(w + 2)
    dn = np.zeros(w + 2)
    up[1:-1] = energy[2:] - energy[1:-1]
    up[-2] = _FORBID  # overlap w - 1 -> w: the rows would become equal
    dn[2:] = energy[1:-1] - energy[2:]
    return energy, up, dn


@cache
def _all_splits(h: int) -> np.ndarray:
    """Every way to pick h of 2h positions, as 0/1 float rows (read-only, cached)."""
    opts = np.zeros((comb(2 * h, h), 2 * h), dtype=np.float64)
    for r, cols in enumerate(combinations(range(2 * h), h)):
        opts[r, list(cols)] = 1.0
    opts.setflags(write=False)
    return opts


class _State:
    """Mutable annealing state: matrix, overlap matrix (diagonal -1), per-row bad counts and level histogram.

    The overlaps are held as int16 (they are at most w - 1 < 128 off the diagonal): half the memory of
    int32 and faster row gathers; the matrix is also held column by column (``mt``, int8, for the partner
    sets of a swap) and as float64 (``mft``, for BLAS products)."""

    def __init__(self, m: np.ndarray):
        self.m = np.ascontiguousarray(m, dtype=np.int8)
        self.k, self.n = self.m.shape
        self.sync_columns()
        self.w = int(self.m[0].sum())
        self.g = overlaps(self.m).astype(np.int16)
        np.fill_diagonal(self.g, -1)
        iu = np.triu_indices(self.k, 1)
        self.hist = np.bincount(self.g[iu], minlength=self.w + 1).astype(np.int64)

    def sync_columns(self) -> None:
        """Recompute the column-major copies of ``m`` (after ``m`` was changed in place)."""
        self.mt = np.ascontiguousarray(self.m.T)  # N x K int8: one column per row
        self.mft = self.mt.astype(np.float64)  # N x K: column rows for BLAS products

    def key(self) -> tuple[int, int]:
        """(-top overlap, -pairs at it): larger is better (d up, pairs down)."""
        top = int(np.flatnonzero(self.hist)[-1])
        return (-top, -int(self.hist[top]))

    def set_target(self, lam: int, penalty: float, base: float) -> None:
        self.lam = lam
        self.etab, self.up, self.dn = _tables(self.w, lam, penalty, base)
        self.etab_forbid = self.etab.copy()
        self.etab_forbid[-1] = np.inf  # overlap w: two equal rows
        self.bad = (self.g >= lam).sum(axis=1).astype(np.int64)  # pairs at or above target per row
        self.viol = (self.g > lam).sum(axis=1).astype(np.int64)  # pairs above target per row
        self.nviol = int(self.viol.sum()) // 2

    def best_swap(self, a: int, rng: np.random.Generator, top: int, max_partners: int):
        r"""The best swap that moves a one of row a from column i to column j, with a partner row b
        moving its one from j to i. Returns (dE, b, i, j) or None.

        For row a alone, with :math:`u_c, v_c` the energy change of pair (a, c) when its overlap goes up
        / down, :math:`\Delta_a(i,j) = \sum_c u_c M_{cj} + \sum_c v_c M_{ci} - \sum_c (u_c+v_c) M_{ci}M_{cj}`:
        all moves of row a at once. The ``top`` best (i, j) are then completed with the best of up to
        ``max_partners`` rows b (:math:`M_{bi}=0, M_{bj}=1`), scored on the rows whose overlap with b
        changes. The products run on one BLAS thread (see :func:`anneal_matrix`).
        """
        g = self.g
        ga = g[a] + 1
        u, v = self.up.take(ga), self.dn.take(ga)
        I = np.flatnonzero(self.m[a] == 1)
        J = np.flatnonzero(self.m[a] == 0)
        Mi, Mj = self.mft.take(I, axis=0), self.mft.take(J, axis=0)  # w x K and (N - w) x K
        # products of exact dyadic energies: the same bits in any summation order (BLAS held to one
        # thread by anneal_matrix)
        de_a = (Mi @ v)[:, None] + (Mj @ u)[None, :]
        de_a -= (Mi * (u + v)) @ Mj.T
        de_a += rng.random(de_a.shape) * 1e-7  # random tie-break
        order = np.argsort(de_a, axis=None)[:top]
        up, dn = self.up, self.dn
        best = None
        for flat in order:
            x, y = divmod(int(flat), J.size)
            i, j = int(I[x]), int(J[y])
            mi, mj = self.mt[i], self.mt[j]
            B = np.flatnonzero(mj > mi)  # partners; also the rows whose overlap with b drops
            if B.size == 0:
                continue
            upr = np.flatnonzero(mi > mj)
            upr = upr[upr != a]  # the pair (a, b) keeps its overlap
            P = rng.choice(B, max_partners, replace=False) if B.size > max_partners else B
            # b's overlap goes up with the rows in upr and down with those in B (its own diagonal entry,
            # -1, is in B and has dn = 0); take: ~3x faster than fancy indexing here
            rows = g.take(P, axis=0)
            rows += 1
            de_b = up.take(rows.take(upr, axis=1)).sum(axis=1) + dn.take(rows.take(B, axis=1)).sum(axis=1)
            total = de_a[x, y] - u[P] + de_b  # u[P]: row a's score counted pair (a, b) as going up
            z = int(np.argmin(total))
            if best is None or total[z] < best[0]:
                best = (float(total[z]), int(P[z]), i, j)
        return best

    def best_redistribution(self, a: int, b: int, rng: np.random.Generator, max_options: int):
        """The best way to share the ones of rows a and b anew: both keep their common ones, and the
        2h positions where exactly one of them has a one are split h / h again (column sums stay).
        Scores up to ``max_options`` splits at once. Returns (dE, new row a, new row b) or None."""
        m, mft = self.m, self.mft
        sd = np.flatnonzero(m[a] != m[b])
        h = sd.size // 2
        if h < 2:
            return None
        total = comb(2 * h, h)
        if total <= max_options:
            opts = _all_splits(h)
        else:
            keys = rng.random((max_options, 2 * h))
            idx = np.argpartition(keys, h - 1, axis=1)[:, :h]
            opts = np.zeros((max_options, 2 * h), dtype=np.float64)
            np.put_along_axis(opts, idx, 1.0, axis=1)
        common = (m[a] == 1) & (m[b] == 1)
        cov1 = self.mt[common].sum(axis=0, dtype=np.intp) + 1  # common ones with every row, + 1 (table index)
        part = mft.take(sd, axis=0)  # 2h x K
        # overlap of the new row a with every row, beyond common ones (0/1 sums: exact)
        sx = (opts @ part).astype(np.intp)
        gx1 = cov1 + sx  # table indices (overlap + 1) of the new rows a and b with every row
        gy1 = (cov1 + self.mt.take(sd, axis=0).sum(axis=0, dtype=np.intp)) - sx
        gx1[:, [a, b]] = 0  # index 0: energy 0, as for the diagonal
        gy1[:, [a, b]] = 0
        et = self.etab
        old = et[self.g[a] + 1].sum() + et[self.g[b] + 1].sum() - 2 * et[self.g[a, b] + 1]
        etf = self.etab_forbid  # energy inf at overlap w: a split that would copy a row is never taken
        de = etf.take(gx1).sum(axis=1) + etf.take(gy1).sum(axis=1) - old
        de += rng.random(de.shape) * 1e-7
        x = int(np.argmin(de))
        if not np.isfinite(de[x]):
            return None
        ra = common.astype(np.int8)
        rb = common.astype(np.int8)
        ra[sd] = opts[x].astype(np.int8)
        rb[sd] = 1 - opts[x].astype(np.int8)
        if np.array_equal(ra, m[a]) or np.array_equal(ra, m[b]):
            return None
        return float(de[x]), ra, rb

    def set_rows(self, a: int, b: int, ra: np.ndarray, rb: np.ndarray) -> None:
        """Replace rows a and b (same column sums) and update every derived quantity."""
        g = self.g
        oa, ob = g[a].copy(), g[b].copy()
        self.m[a], self.m[b] = ra, rb
        self.mt[:, a], self.mt[:, b] = ra, rb
        self.mft[:, a], self.mft[:, b] = ra, rb
        na = self.m[:, ra == 1].sum(axis=1, dtype=np.int32)
        nb = self.m[:, rb == 1].sum(axis=1, dtype=np.int32)
        na[a] = nb[b] = -1
        self._update(a, b, oa, ob, na, nb)

    def apply(self, a: int, b: int, i: int, j: int) -> None:
        m, g = self.m, self.g
        delta = m[:, j].astype(np.int32) - m[:, i]
        delta[a] = 0
        delta[b] = 0
        m[a, i], m[a, j], m[b, i], m[b, j] = 0, 1, 1, 0
        self.mt[i, a], self.mt[j, a], self.mt[i, b], self.mt[j, b] = 0, 1, 1, 0
        self.mft[i, a], self.mft[j, a], self.mft[i, b], self.mft[j, b] = 0.0, 1.0, 1.0, 0.0
        oa, ob = g[a].copy(), g[b].copy()
        self._update(a, b, oa, ob, oa + delta, ob - delta)

    def _update(self, a: int, b: int, oa: np.ndarray, ob: np.ndarray, na: np.ndarray, nb: np.ndarray) -> None:
        g = self.g
        g[a], g[:, a] = na, na
        g[b], g[:, b] = nb, nb
        lam = self.lam
        # per-row bad/violation counts: rows c != a, b change through pairs (a,c) and (b,c)
        dbad = (na >= lam).astype(np.int64) - (oa >= lam) + (nb >= lam) - (ob >= lam)
        dvio = (na > lam).astype(np.int64) - (oa > lam) + (nb > lam) - (ob > lam)
        self.bad += dbad
        self.viol += dvio
        self.bad[a] = int((na >= lam).sum())
        self.bad[b] = int((nb >= lam).sum())
        self.viol[a] = int((na > lam).sum())
        self.viol[b] = int((nb > lam).sum())
        self.nviol = int(self.viol.sum()) // 2
        # histogram of overlap levels over unordered pairs; the pair (a, b) is unchanged
        mask = np.ones(self.k, dtype=bool)
        mask[[a, b]] = False
        L = self.w + 1
        self.hist += np.bincount(na[mask], minlength=L) - np.bincount(oa[mask], minlength=L)
        self.hist += np.bincount(nb[mask], minlength=L) - np.bincount(ob[mask], minlength=L)


def _rebalance(st: _State, target_spread: int) -> int:
    """Greedy column balancing: move a one from the fullest to the emptiest column in the row where it
    raises the energy least. Returns the number of moves made."""
    moves = 0
    while True:
        cs = st.m.sum(axis=0)
        if int(cs.max() - cs.min()) <= target_spread:
            return moves
        i, j = int(np.argmax(cs)), int(np.argmin(cs))
        rows = np.flatnonzero((st.m[:, i] == 1) & (st.m[:, j] == 0))
        delta = (st.m[:, j].astype(np.int32) - st.m[:, i])[None, :].repeat(rows.size, axis=0)
        delta[np.arange(rows.size), rows] = 0
        new = st.g[rows] + delta
        valid = ~(new == st.w).any(axis=1)
        de = (st.etab[new + 1] - st.etab[st.g[rows] + 1]).sum(axis=1).astype(np.float64)
        de[~valid] = np.inf
        if not valid.any():
            return moves  # every move would duplicate a row: keep the spread we have
        r = int(rows[int(np.argmin(de))])
        st.m[r, i], st.m[r, j] = 0, 1
        d = st.m[:, j].astype(np.int32) - st.m[:, i]
        d[r] = 0
        old = st.g[r].copy()
        st.g[r] += d
        st.g[:, r] = st.g[r]
        mask = np.arange(st.k) != r
        st.hist += np.bincount(st.g[r][mask], minlength=st.w + 1) - np.bincount(old[mask], minlength=st.w + 1)
        moves += 1


#: Default schedule and energy of the annealer: the one home of these values (``anneal_matrix``'s signature
#: and the generator's ``params`` both read it).
ANNEAL_DEFAULTS: dict[str, float] = {
    "t_start": 2.0,  # initial temperature
    "t_end": 0.05,  # final temperature (geometric schedule)
    "penalty": 6.0,  # energy of one overlap unit above the target
    "base": 2.0,  # a pair one overlap below the target costs 1/base of one at it
    "pair_moves": 0.3,  # share of steps that re-split two rows instead of swapping one one each
    "patience": 0.3,  # budget fraction before the target distance is relaxed
}


@threadpool_limits.wrap(limits=1, user_api="blas")
def anneal_matrix(
    m0: np.ndarray,
    *,
    rng: np.random.Generator,
    iters: int,
    goal_distance: int,
    t_start: float = ANNEAL_DEFAULTS["t_start"],
    t_end: float = ANNEAL_DEFAULTS["t_end"],
    penalty: float = ANNEAL_DEFAULTS["penalty"],
    base: float = ANNEAL_DEFAULTS["base"],
    top: int = 3,
    max_partners: int = 64,
    pair_moves: float = ANNEAL_DEFAULTS["pair_moves"],
    max_options: int | None = None,
    patience: float = ANNEAL_DEFAULTS["patience"],
    focus: float = 0.9,
    stop_pairs: int | None = None,
    time_limit: float | None = None,
    progress: ProgressFn | None = None,
) -> tuple[np.ndarray, dict]:
    """Anneal ``m0`` (K x N, constant weight) keeping its row weights and (after an initial greedy
    rebalancing to the smallest possible spread) its column sums. Returns the best matrix and stats.

    BLAS runs on one thread meanwhile: the products are small, and a threaded call on a loaded 2-core
    machine was 100x slower."""
    t0 = time.perf_counter()
    st = _State(m0)
    k, n, w = st.k, st.n, st.w
    if max_options is None:
        max_options = max(32, 51_200 // k)
    lam_goal = max(0, w - goal_distance // 2)
    lam = max(lam_goal, 0)
    st.set_target(lam, penalty, base)
    rebalanced = _rebalance(st, balanced_spread(k, n, w))
    st.sync_columns()
    st.set_target(lam, penalty, base)
    best_m, best_key = st.m.copy(), st.key()
    start_key = best_key
    stopped_early = stop_pairs is not None and best_key[0] == -lam_goal and -best_key[1] <= stop_pairs
    feasible_seen = st.nviol == 0
    since_target = 0
    log_ratio = np.log(t_end / t_start)
    capped = False
    it = -1
    for it in range(0 if stopped_early else iters):
        temp = t_start * np.exp(log_ratio * it / max(1, iters - 1))
        if st.nviol == 0 and not st.bad.any() and lam > 0:
            lam -= 1  # no pair at the target any more: aim one distance step higher
            st.set_target(lam, penalty, base)
            feasible_seen, since_target = st.nviol == 0, 0
        elif not feasible_seen and since_target > patience * iters:
            lam += 1  # the target looks out of reach: relax it by one distance step
            st.set_target(lam, penalty, base)
            feasible_seen, since_target = st.nviol == 0, 0
        since_target += 1
        weights = st.viol if st.nviol > 0 else st.bad
        if rng.random() < focus and weights.any():
            c = np.cumsum(weights)
            a = int(np.searchsorted(c, rng.random() * c[-1], side="right"))
        else:
            a = int(rng.integers(k))
        if rng.random() < pair_moves:
            b = int(rng.integers(k - 1))
            b += b >= a
            found = st.best_redistribution(a, b, rng, max_options)
            if found is None:
                continue
            dmin, ra, rb = found
        else:
            found = st.best_swap(a, rng, top, max_partners)
            if found is None:
                continue
            dmin, b, i, j = found
            ra = None
        if dmin >= _FORBID / 2:
            continue
        if dmin <= 0 or rng.random() < np.exp(-dmin / temp):
            if ra is None:
                st.apply(a, b, i, j)
            else:
                st.set_rows(a, b, ra, rb)
            if st.nviol == 0:
                feasible_seen = True
            key = st.key()
            if key > best_key:
                best_key, best_m = key, st.m.copy()
                if stop_pairs is not None and key[0] == -lam_goal and -key[1] <= stop_pairs:
                    break  # distance at the goal and pairs at the LP minimum: nothing left to gain
        if (it & 1023) == 0 and progress:
            progress(it / iters, f"anneal: d={2 * (w + best_key[0])}, pairs={-best_key[1]}")
        # the cap is checked often: one step can take milliseconds at large K, and the cap must hold
        if (it & 63) == 0 and time_limit is not None and time.perf_counter() - t0 > time_limit:
            capped = True
            break
    stats = {
        "iterations_run": it + 1,
        "rebalance_moves": rebalanced,
        "start_distance": 2 * (w + start_key[0]),
        "start_pairs": -start_key[1],
        "time_cap_hit": capped,
    }
    return best_m.astype(np.uint8), stats


def default_iters(k: int) -> int:
    """Default iteration budget (about 2-3 s for K = 100, about a minute for K = 1000 on this machine)."""
    return 10_000 if k <= 200 else 40_000


@register
class AnnealGenerator(Generator):
    """Simulated annealing with exact weights and exact column balance.

    params: ``iters`` (budget of scored neighbourhoods, default :func:`default_iters`), and with their
    defaults in :data:`ANNEAL_DEFAULTS`: ``t_start``, ``t_end`` (geometric temperature schedule);
    ``penalty`` (energy of one overlap unit above the target); ``base`` (a pair one overlap below the
    target costs 1/base of one at it); ``pair_moves`` (share of steps that re-split two rows instead of
    swapping one one each); ``patience`` (budget fraction before the target distance is relaxed);
    ``goal_distance`` (default: the Johnson/LP bound); ``initial`` (K bit strings to start from) or
    ``start``: ``"auto"`` (default: the better of a balanced random code and the lexicode when
    C(N, w) <= 200 000), ``"random"`` or ``"lexicode"``.
    """

    name = "anneal"

    def size_limit(self, req: GenerateRequest) -> str | None:
        if req.classes > ANNEAL_MAX_CLASSES:
            return (
                f"anneal keeps a K x K overlap matrix and supports K <= {ANNEAL_MAX_CLASSES}, "
                f"not {req.classes}"
            )
        return None

    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
        t0 = time.perf_counter()
        k, n, w = req.classes, req.subnns, req.active
        p = dict(req.params)
        rng = np.random.default_rng(req.seed)
        initial = p.pop("initial", None)
        start = p.get("start", "auto")
        if start not in ("auto", "random", "lexicode"):
            raise ValueError(f"params['start'] must be 'auto', 'random' or 'lexicode', not {start!r}.")
        if initial is not None:
            code0 = ConstantWeightCode.from_strings(initial)
            if (code0.size, code0.n, code0.w) != (k, n, w):
                raise ValueError(
                    f"params['initial'] is a ({code0.size}, {code0.n}, {code0.w}) code, not ({k}, {n}, {w})."
                )
            m0, start = code0.matrix.copy(), "initial"
        else:
            m0 = random_balanced_code(k, n, w, rng)
            use_lex = start == "lexicode" or (start == "auto" and comb(n, w) <= LEXICODE_START_MAX_WORDS)
            if use_lex:
                from ._lexicode import LexicodeGenerator

                lex = (
                    LexicodeGenerator()
                    .generate(GenerateRequest(k, n, w, req.seed, None, req.time_limit))
                    .code.matrix
                )
                if start == "lexicode" or key_of(score_matrix(lex))[:2] >= key_of(score_matrix(m0))[:2]:
                    m0, start = lex.copy(), "lexicode"
                else:
                    start = "random"
            else:
                start = "random"
        if "goal_distance" in p:
            goal = int(p["goal_distance"])
        else:
            from ..bounds import max_distance_bound

            goal = int(max_distance_bound(k, n, w))
        settings = {
            "iters": int(p.get("iters", default_iters(k))),
            **{name: float(p.get(name, value)) for name, value in ANNEAL_DEFAULTS.items()},
        }
        if settings["iters"] < 1:
            raise ValueError(f"params['iters'] must be at least 1, not {settings['iters']}.")
        from ..bounds import lp_min_pairs

        best, stats = anneal_matrix(
            m0,
            rng=rng,
            goal_distance=goal,
            stop_pairs=lp_min_pairs(k, n, w, goal),
            time_limit=req.time_limit,
            progress=progress,
            **settings,
        )
        d, _, _ = score_matrix(best)
        if req.min_distance is not None and d < req.min_distance:
            raise GenerationError(f"anneal: reached d = {d}, below the required {req.min_distance}.")
        params = {**settings, "goal_distance": goal, "start": start}
        if initial is not None:
            params["initial"] = list(initial)
        params.update(stats)
        return GenerateResult(ConstantWeightCode(best), self.name, req.seed, params, time.perf_counter() - t0)
