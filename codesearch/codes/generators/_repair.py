r"""``repair``: a random balanced code whose few close pairs are repaired by balanced swaps (large K).

For :math:`K` in the thousands to 100,000 the pair-matrix methods (``anneal``, ``random``'s many draws,
``exact``) do not fit, but a random code is already close to good: two random weight-:math:`w` words of length
:math:`N` share :math:`g` ones with the hypergeometric probability
:math:`p_g = \binom{w}{g}\binom{N-w}{w-g}/\binom{N}{w}`, so at a threshold :math:`t` only about
:math:`\binom{K}{2} \Pr[g > t]` pairs of a random code share more than :math:`t` ones.

1. **Target.** The smallest :math:`t \ge w - d^*/2` (:math:`d^*` the Johnson/LP bound) for which a random code
   is expected to have at most ``max_conflicts`` such pairs and a random word meets more than :math:`t` of
   another word's ones with expected count at most ``max_row_rate`` over all :math:`K` rows (so that a
   repaired row has a fair chance of being clean). Both are formulas: the target does not depend on the
   machine.
2. **Start.** A random column-balanced code (:func:`codesearch.codes._random.random_balanced_code`).
3. **Conflicts.** One chunked pass lists every pair sharing more than :math:`t` ones; the later row of each
   pair is marked *bad* (every conflict has a bad end).
4. **Repair.** For a bad row :math:`a`: a column :math:`i` of :math:`a` shared with most of its conflicting rows
   is swapped against a column :math:`j` outside :math:`a` with a clean partner row :math:`b` holding :math:`j`
   but not :math:`i` (:math:`a \leftarrow a - i + j`, :math:`b \leftarrow b - j + i`: column sums and weights
   stay). A move is kept when :math:`b` stays clean and :math:`a`'s excess (the sum of its overlaps above
   :math:`t`) drops. A row whose excess is 0 is no longer bad. Each move tried costs one unit of the
   counted budget ``moves_per_row`` times the bad rows; when it runs out, :math:`t` goes up by one (the
   rows still bad are re-checked against the looser target) until nothing is bad.

Every choice comes from the seeded generator and the counted budget: same request, same matrix. The time
limit is only a safety cap (``time_cap_hit`` in the params; the code then has whatever distance it reached).
"""

from __future__ import annotations

import time
from math import comb

import numpy as np

from .._bits import pack_rows, row_overlaps
from .._code import ConstantWeightCode
from .._large import histogram_and_conflicts, replace_rows_in_histogram
from ._base import GenerateRequest, GenerateResult, GenerationError, Generator, ProgressFn, register
from ._random import random_balanced_code

#: expected conflicting pairs of the random start the target may have
MAX_CONFLICTS = 5_000
#: expected conflicts of a fresh random row with the K rows at the target
MAX_ROW_RATE = 0.5
#: move attempts per bad row before the target is relaxed
MOVES_PER_ROW = 60
#: partner rows tried per move
PARTNERS = 8


def tail_probability(n: int, w: int, t: int) -> float:
    """P[two uniform random weight-w words of length n share more than t ones] (hypergeometric tail)."""
    total = comb(n, w)
    return sum(comb(w, g) * comb(n - w, w - g) for g in range(t + 1, w + 1)) / total


def choose_threshold(
    k: int,
    n: int,
    w: int,
    bound: int,
    max_conflicts: float = MAX_CONFLICTS,
    max_row_rate: float = MAX_ROW_RATE,
) -> int:
    """The overlap threshold t the repair aims at (see the module docstring, step 1)."""
    pairs = k * (k - 1) / 2
    for t in range(max(0, w - bound // 2), w):
        p = tail_probability(n, w, t)
        if pairs * p <= max_conflicts and (k - 1) * p <= max_row_rate:
            return t
    return w - 1


def _encode(row: np.ndarray) -> np.ndarray:
    return pack_rows(row[None, :])[0]


def repair_matrix(
    m: np.ndarray,
    t: int,
    rng: np.random.Generator,
    *,
    moves_per_row: int = MOVES_PER_ROW,
    deadline: float | None = None,
    progress: ProgressFn | None = None,
) -> dict:
    """Repair ``m`` (K x N, modified in place) towards overlaps <= t; returns stats (final ``t`` etc.) and the
    overlap histogram of the final ``m`` (one pairwise pass at the start, kept exact move by move)."""
    k = m.shape[0]
    packed = pack_rows(m)
    hist, pairs = histogram_and_conflicts(m, t)
    bad = np.zeros(k, dtype=bool)
    bad[pairs[:, 1]] = True
    stats = {
        "target_overlap": int(t),
        "initial_conflicts": len(pairs),
        "moves": 0,
        "relaxed": 0,
        "time_cap_hit": False,
    }
    cols = np.asfortranarray(m)  # column access for the partner search
    while bad.any():
        queue = list(np.flatnonzero(bad))
        budget = moves_per_row * len(queue)
        while queue and budget > 0:
            if deadline is not None and time.perf_counter() > deadline:
                stats["time_cap_hit"] = True
                break
            a = queue.pop(0)
            ov = row_overlaps(packed, packed[a])
            ov[a] = 0
            excess = int(np.maximum(ov - t, 0).sum())
            if excess == 0:
                bad[a] = False
                continue
            conflict = np.flatnonzero(ov > t)
            ones = np.flatnonzero(m[a])
            zeros = np.flatnonzero(m[a] == 0)
            # columns of a shared with most conflicting rows go first; ties at random
            share = m[conflict][:, ones].sum(axis=0) + rng.random(len(ones))
            i = int(ones[np.argmax(share)])
            load = m[conflict][:, zeros].sum(axis=0) + rng.random(len(zeros))
            j_order = zeros[np.argsort(load)]
            moved = False
            for j in j_order[:4]:
                budget -= 1
                stats["moves"] += 1
                cand = np.flatnonzero((cols[:, j] == 1) & (cols[:, i] == 0) & ~bad)
                if not len(cand):
                    continue
                new_a = m[a].copy()
                new_a[i], new_a[j] = 0, 1
                ov_new_a = ov - cols[:, i] + cols[:, j]  # overlaps of a - i + j with every (old) row
                for b in rng.choice(cand, size=min(PARTNERS, len(cand)), replace=False):
                    b = int(b)
                    new_b = m[b].copy()
                    new_b[j], new_b[i] = 0, 1
                    ov_b = row_overlaps(packed, packed[b]) - cols[:, j] + cols[:, i]
                    ov_b[b] = 0
                    ov_b[a] = int(new_a @ new_b)
                    if ov_b.max() > t:
                        continue
                    ova = ov_new_a.copy()
                    ova[a] = 0
                    ova[b] = ov_b[a]
                    new_excess = int(np.maximum(ova - t, 0).sum())
                    if new_excess >= excess:
                        continue
                    m[a], m[b] = new_a, new_b
                    cols[a], cols[b] = new_a, new_b
                    replace_rows_in_histogram(
                        hist, packed, (a, b), np.stack([_encode(new_a), _encode(new_b)])
                    )
                    moved = True
                    if new_excess == 0:
                        bad[a] = False
                    else:
                        queue.append(a)
                    break
                if moved:
                    break
            if not moved:
                queue.append(a)
            if progress and stats["moves"] % 500 == 0:
                progress(0.5, f"repair: {int(bad.sum())} rows left at overlap <= {t}")
        if stats["time_cap_hit"] or not bad.any():
            break
        t += 1  # budget spent: relax the target; rows no longer over it leave the queue when re-checked
        stats["relaxed"] += 1
        stats["target_overlap"] = int(t)
    stats["bad_rows_left"] = int(bad.sum())
    return stats, hist


@register
class RepairGenerator(Generator):
    """Random balanced code with its close pairs repaired by balanced swaps; made for K up to 100,000.

    params: ``max_conflicts`` (5 000), ``max_row_rate`` (0.5), ``moves_per_row`` (60): see the module
    docstring; ``target_overlap`` (int) fixes the threshold t instead of choosing it.
    """

    name = "repair"

    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
        from ..bounds import max_distance_bound

        t0 = time.perf_counter()
        k, n, w = req.classes, req.subnns, req.active
        rng = np.random.default_rng(req.seed)
        bound = int(max_distance_bound(k, n, w))
        if req.min_distance is not None:
            bound = min(bound, int(req.min_distance) + int(req.min_distance) % 2)
        if "target_overlap" in req.params:
            t = int(req.params["target_overlap"])
        else:
            t = choose_threshold(
                k,
                n,
                w,
                bound,
                float(req.params.get("max_conflicts", MAX_CONFLICTS)),
                float(req.params.get("max_row_rate", MAX_ROW_RATE)),
            )
        m = random_balanced_code(k, n, w, rng)
        if progress:
            progress(0.2, f"repair: aiming at d >= {2 * (w - t)}")
        stats, hist = repair_matrix(
            m,
            t,
            rng,
            moves_per_row=int(req.params.get("moves_per_row", MOVES_PER_ROW)),
            deadline=t0 + req.time_limit,
            progress=progress,
        )
        code = ConstantWeightCode(m)
        code._adopt_overlap_histogram(hist)  # exact for m: no second pairwise pass for d and the metrics
        if req.min_distance is not None and code.d < req.min_distance:
            raise GenerationError(f"repair: reached d = {code.d} < the required {req.min_distance}.")
        params = {key: val for key, val in stats.items() if key != "time_cap_hit" or val}
        return GenerateResult(code, self.name, req.seed, params, time.perf_counter() - t0)
