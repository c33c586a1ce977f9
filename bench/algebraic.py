"""Measure the ``algebraic`` generator on the paper's (K, N, w) configurations.

Run from the repository root:

    OMP_NUM_THREADS=1 .venv/bin/python bench/algebraic.py

Prints, per configuration: minimum distance, pairs at d_min, column spread, wall seconds (fresh
process state per configuration is not enforced: caches of earlier rows may help later ones), the
Johnson/LP bound on d and the structured source used; then the size of the largest balanced
distance-8 pool ``candidate_words(32, 8, 8)``.
"""

from __future__ import annotations

import time

CONFIGS = [
    (10, 10, 3),
    (10, 10, 5),
    (10, 15, 6),
    (100, 20, 8),
    (100, 20, 4),
    (100, 16, 8),
    (1000, 32, 16),
    (1000, 32, 8),
]


def main() -> None:
    from codesearch.codes._algebraic import AlgebraicGenerator, candidate_words
    from codesearch.codes._bounds import max_distance_bound
    from codesearch.codes._generator import GenerateRequest
    from codesearch.codes._metrics import pairs_at_min_distance

    gen = AlgebraicGenerator()
    print(f"{'(K, N, w)':<16}{'d':>3}{'pairs':>9}{'spread':>8}{'sec':>8}{'bound':>7}  source")
    for k, n, w in CONFIGS:
        t0 = time.perf_counter()
        res = gen.generate(GenerateRequest(k, n, w, seed=0))
        sec = time.perf_counter() - t0
        c = res.code
        print(
            f"{str((k, n, w)):<16}{c.d:>3}{pairs_at_min_distance(c):>9}{c.column_spread:>8}{sec:>8.2f}"
            f"{max_distance_bound(k, n, w):>7}  {res.params['source']}"
        )
    t0 = time.perf_counter()
    words = candidate_words(32, 8, 8)
    cs = words.sum(axis=0)
    print(
        f"candidate_words(32, 8, 8): {len(words)} words, d>=8, columns {cs.min()}..{cs.max()}, "
        f"{time.perf_counter() - t0:.2f} s"
    )


if __name__ == "__main__":
    main()
