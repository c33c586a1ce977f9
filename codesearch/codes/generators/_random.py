"""``random``: the best of M random column-balanced constant-weight matrices.

In the spirit of Allwein, Schapire and Singer's random output codes: draw many random codes and keep
the best one. Every draw is balanced by construction: row by row, a codeword takes its ``w`` ones in
the columns used least so far (ties broken at random), so the column sums never differ by more than
one and are all equal to :math:`wK/N` whenever that is an integer.

This module also holds the balanced random matrices that ``anneal`` and ``repair`` start from (and their
row de-duplication); scoring helpers live in :mod:`codesearch.codes._metrics`, bit helpers in
:mod:`codesearch.codes._bits`.
"""

from __future__ import annotations

import time

import numpy as np

from .._code import ConstantWeightCode
from .._metrics import key_of, score_matrix
from ._base import GenerateRequest, GenerateResult, GenerationError, Generator, ProgressFn, register


def balanced_random_matrices(k: int, n: int, w: int, rng: np.random.Generator, trials: int) -> np.ndarray:
    """``trials`` random K x N matrices (shape trials x K x N, uint8), rows of weight w, column spread <= 1.

    Row by row each matrix puts its ones in the w least-used columns, ties broken by uniform noise:
    the noise is < 1, so a column used less always wins and the column sums stay within one of each
    other. Rows may repeat; :func:`fix_duplicate_rows` repairs that.
    """
    out = np.zeros((trials, k, n), dtype=np.uint8)
    counts = np.zeros((trials, n), dtype=np.float64)
    t_idx = np.arange(trials)[:, None]
    for r in range(k):
        keys = counts + rng.random((trials, n))
        cols = np.argpartition(keys, w - 1, axis=1)[:, :w]
        out[t_idx, r, cols] = 1
        counts[t_idx, cols] += 1
    return out


def fix_duplicate_rows(m: np.ndarray, rng: np.random.Generator, max_moves: int = 10_000) -> bool:
    """Make the rows of ``m`` distinct in place with column-sum preserving swaps; False if it gives up.

    A swap takes a row with a duplicate and another row b, a column i where the row has a one and b a
    zero and a column j the other way round, and exchanges them: row weights and column sums stay.
    """
    k, n = m.shape
    # rows as integers (N <= 64): a 1-D unique is much faster than np.unique(axis=0) and finds the same
    # first occurrences, so the moves (and the result) are the same; only rows a and b change per move
    weights = np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64)) if n <= 64 else None
    keys = (m.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64) if weights is not None else None
    for _ in range(max_moves):
        if keys is not None:
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        else:
            _, first, inverse = np.unique(m, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        dup = np.flatnonzero(first[inverse] != np.arange(k))
        if dup.size == 0:
            return True
        a = int(dup[0])
        b = int(rng.integers(k))
        ones_a = np.flatnonzero((m[a] == 1) & (m[b] == 0))
        ones_b = np.flatnonzero((m[b] == 1) & (m[a] == 0))
        if ones_a.size == 0 or ones_b.size == 0:
            continue
        i = int(rng.choice(ones_a))
        j = int(rng.choice(ones_b))
        m[a, i], m[a, j], m[b, i], m[b, j] = 0, 1, 1, 0
        if keys is not None:
            keys[a] = (m[a].astype(np.uint64) * weights).sum(dtype=np.uint64)
            keys[b] = (m[b].astype(np.uint64) * weights).sum(dtype=np.uint64)
    return False


def random_balanced_code(k: int, n: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """One K x N balanced random matrix with distinct rows (GenerationError if that is impossible)."""
    for _ in range(20):
        m = balanced_random_matrices(k, n, w, rng, 1)[0]
        if fix_duplicate_rows(m, rng):
            return m
    raise GenerationError(f"Could not draw {k} distinct balanced words of weight {w} and length {n}.")


#: Consecutive draws whose duplicate rows cannot be repaired, before any draw succeeded, after which
#: ``random`` gives up: dense requests (K close to C(N, w)) fail every draw, each costing up to 10,000 moves.
MAX_FAILED_DRAWS = 3


# -- the generator -------------------------------------------------------------------------------
@register
class RandomGenerator(Generator):
    """Best of ``trials`` random balanced matrices by (d, -pairs at d, -spread).

    params: ``trials`` (default 200 for K <= 200, 40 for K <= 5 000, else 1): how many matrices are drawn.
    It gives up after :data:`MAX_FAILED_DRAWS` draws in a row whose rows cannot be made distinct while no
    draw has succeeded (a counted budget: e.g. K = 171 of the C(10, 4) = 210 words).
    """

    name = "random"

    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
        t0 = time.perf_counter()
        k, n, w = req.classes, req.subnns, req.active
        from .._limits import LARGE_CLASSES

        trials = int(req.params.get("trials", 200 if k <= 200 else 40 if k <= LARGE_CLASSES else 1))
        if trials < 1:
            raise ValueError(f"params['trials'] must be at least 1, not {trials}.")
        rng = np.random.default_rng(req.seed)
        batch = max(1, min(trials, 2_000_000 // max(1, k * n)))
        best, best_key, done, capped, failed = None, None, 0, False, 0
        while done < trials and (best is not None or failed < MAX_FAILED_DRAWS):
            mats = balanced_random_matrices(k, n, w, rng, min(batch, trials - done))
            for m in mats:
                if done and time.perf_counter() - t0 > req.time_limit:
                    break  # the cap holds inside a batch too (dense requests repair duplicates for long)
                if best is None and failed >= MAX_FAILED_DRAWS:
                    break
                done += 1
                if not fix_duplicate_rows(m, rng):
                    failed += 1
                    continue
                key = key_of(score_matrix(m))
                if best_key is None or key > best_key:
                    best, best_key = m.copy(), key
            if progress:
                progress(
                    done / trials, f"random: {done}/{trials} draws, best d={best_key[0] if best_key else '-'}"
                )
            if time.perf_counter() - t0 > req.time_limit:
                capped = True
                break
        if best is None:
            raise GenerationError(
                f"random: no draw of {done} gave {k} distinct words of weight {w} and length {n}."
            )
        if req.min_distance is not None and best_key[0] < req.min_distance:
            raise GenerationError(
                f"random: the best of {done} draws has d = {best_key[0]} < the required {req.min_distance}."
            )
        params = {"trials": trials}
        if capped:
            params["time_cap_hit_after"] = done
        return GenerateResult(ConstantWeightCode(best), self.name, req.seed, params, time.perf_counter() - t0)
