"""Measure the ``algebraic`` generator on the paper's (K, N, w) configurations.

Run from the repository root:

    OMP_NUM_THREADS=1 .venv/bin/python bench/algebraic.py

Prints, per configuration: minimum distance, pairs at d_min, the LP lower bound on those pairs, column
spread, wall seconds (fresh process state per configuration is not enforced: caches of earlier rows may
help later ones), the Johnson/LP bound on d and the structured source used. Then: the best union of orbits
of each group of order 20 (and A_5 on ordered pairs) for (100, 20, 8) at d = 8, the (1000, 32, 8) packing
per seed, and the size of the largest balanced distance-8 pool ``candidate_words(32, 8, 8)``.
"""

from __future__ import annotations

import time

from paper import CONFIGS


def main() -> None:
    import numpy as np

    from codesearch.codes import (
        ConstantWeightCode,
        GenerateRequest,
        lp_min_pairs,
        max_distance_bound,
        pairs_at_min_distance,
    )
    from codesearch.codes.algebra import _orbits
    from codesearch.codes.generators._algebraic import (
        AlgebraicGenerator,
        CandidatePool,
        _cut_units,
        candidate_words,
    )

    gen = AlgebraicGenerator()
    print(f"{'(K, N, w)':<16}{'d':>3}{'pairs':>9}{'LP>=':>7}{'spread':>8}{'sec':>8}{'bound':>7}  source")
    for k, n, w in CONFIGS:
        t0 = time.perf_counter()
        res = gen.generate(GenerateRequest(k, n, w, seed=0))
        sec = time.perf_counter() - t0
        c = res.code
        lp = lp_min_pairs(k, n, w, c.d)
        print(
            f"{(k, n, w)!s:<16}{c.d:>3}{pairs_at_min_distance(c):>9}{lp if lp is not None else '-':>7}"
            f"{c.column_spread:>8}{sec:>8.2f}{max_distance_bound(k, n, w):>7}  {res.params['source']}"
        )

    print(
        "\n(100, 20, 8) at d = 8: fewest pairs over unions of orbits, per group (exhaustive branch and bound)"
    )
    for group in _orbits.transitive_groups(20):
        t0 = time.perf_counter()
        union = _orbits.exact_orbit_union(group, 8, 8, 100)
        sec = time.perf_counter() - t0
        if union is None:
            print(f"  {group.name:<24} no union of 100 words at d = 8  {sec:6.2f} s")
            continue
        code = ConstantWeightCode(union.matrix())
        print(f"  {group.name:<24} {pairs_at_min_distance(code):>5} pairs  {sec:6.2f} s  {union.source}")

    print("\n(1000, 32, 8) at d = 8: one packing per seed, cut to 1000 words by dropping translation orbits")
    big, small = _orbits._packing_pair(32)
    for seed in range(6):
        t0 = time.perf_counter()
        union = _orbits.orbit_packing(big, small, 8, 8, seed=seed, target=1000)
        pool = CandidatePool(union.matrix(), 8, union.units, union.source)
        idx = _cut_units(pool, 1000, np.random.default_rng(0))
        sec = time.perf_counter() - t0
        if idx is None:
            print(f"  seed {seed}: {union.size} words, no cut to 1000  {sec:6.2f} s")
            continue
        code = ConstantWeightCode(pool.words[idx])
        print(
            f"  seed {seed}: {union.size:>5} words -> d={code.d}, {pairs_at_min_distance(code)} pairs, "
            f"spread {code.column_spread}  {sec:6.2f} s"
        )

    t0 = time.perf_counter()
    words = candidate_words(32, 8, 8)
    cs = words.sum(axis=0)
    print(
        f"\ncandidate_words(32, 8, 8): {len(words)} words, d>=8, columns {cs.min()}..{cs.max()}, "
        f"{time.perf_counter() - t0:.2f} s"
    )


if __name__ == "__main__":
    main()
