"""Measure the bounds and the robustness estimators: values for the paper's configs and timings.

Run from the repository root:

    OMP_NUM_THREADS=1 .venv/bin/python bench/bounds.py

Prints, for each (K, N, w) of the paper, the largest d any K-word code can have, the LP lower bound on
pairs at that d, and how long the first (cold) and a repeated (cached) call take; then how long
``robustness_report`` takes on a random code of each size with 10 000 trials.
"""

from __future__ import annotations

import time

import numpy as np
from paper import CONFIGS


def _random_code(k: int, n: int, w: int, seed: int = 0):
    from codesearch.codes import ConstantWeightCode

    rng = np.random.default_rng(seed)
    rows: set[tuple[int, ...]] = set()
    while len(rows) < k:
        rows.add(tuple(sorted(int(i) for i in rng.choice(n, w, replace=False))))
    return ConstantWeightCode.from_supports(sorted(rows), n)


def main() -> None:
    t = time.perf_counter()
    from codesearch.codes import bounds as b
    from codesearch.codes import (
        flip_decoding_accuracy,
        noise_decoding_accuracy,
        robustness_report,
    )

    b.johnson_bound(4, 4, 2)
    b.delsarte_lp_bound(6, 4, 3)  # first LP: pays the scipy.optimize import
    print(f"import + first LP: {time.perf_counter() - t:.2f} s")

    print(
        "\n| (K, N, w) | max d | A(N, d, w) bound | A(N, d+2, w) bound | LP min pairs at max d "
        "| cold s | cached s | bounds_table s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for k, n, w in CONFIGS:
        t0 = time.perf_counter()
        d = b.max_distance_bound(k, n, w)
        pairs = b.lp_min_pairs(k, n, w, d)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(100):
            b.max_distance_bound(k, n, w)
            b.lp_min_pairs(k, n, w, d)
        warm = (time.perf_counter() - t0) / 100
        t0 = time.perf_counter()
        b.bounds_table(k, n, w)
        table = time.perf_counter() - t0
        nxt = b.max_size_bound(n, d + 2, w) if d + 2 <= 2 * min(w, n - w) else "-"
        print(
            f"| ({k}, {n}, {w}) | {d} | {b.max_size_bound(n, d, w)} | {nxt} | {pairs} "
            f"| {cold:.4f} | {warm:.6f} | {table:.4f} |"
        )

    print(
        "\n| (K, N, w) | trials | noise_decoding_accuracy s | flip_decoding_accuracy s "
        "| robustness_report s (3 sigmas + 2 flip counts) | noise 0.5 | flips 2 |"
    )
    print("|---|---|---|---|---|---|---|")
    for k, n, w in [(100, 20, 8), (1000, 32, 16)]:
        code = _random_code(k, n, w)
        t0 = time.perf_counter()
        noise_decoding_accuracy(code, 0.5, trials=10000, seed=0)
        t_noise = time.perf_counter() - t0
        t0 = time.perf_counter()
        flip_decoding_accuracy(code, 2, trials=10000, seed=0)
        t_flip = time.perf_counter() - t0
        t0 = time.perf_counter()
        rep = robustness_report(code, trials=10000, seed=0)
        dt = time.perf_counter() - t0
        print(
            f"| ({k}, {n}, {w}) random, d={code.d} | 10000 | {t_noise:.3f} | {t_flip:.3f} | {dt:.3f} "
            f"| {rep['noise']['0.5']:.4f} | {rep['flips']['2']:.4f} |"
        )


if __name__ == "__main__":
    main()
