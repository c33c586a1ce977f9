"""Benchmark of the code generators on the paper's (K, N, w) configurations.

Prints, for every row and method (the lexicode baseline included): d, pairs at d, column spread,
seconds, the distance bound and the LP minimum of pairs at that bound.

    .venv/bin/python bench/generate.py            # every row, every method
    .venv/bin/python bench/generate.py --quick    # the small and medium rows only
    .venv/bin/python bench/generate.py --rows 100,20,8 --methods anneal,lexicode
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from paper import PAPER_SCHEMES

from codesearch.codes import (
    GenerateRequest,
    GenerationError,
    generate,
    lp_min_pairs,
    max_distance_bound,
    score_matrix,
)

#: (K, N, w), the paper's (d, pairs at d, spread) for comparison
ROWS = [(key, (p["d"], p["pairs"], p["columns"][1] - p["columns"][0])) for key, p in PAPER_SCHEMES.items()]
QUICK = 6  # --quick: the first six rows
METHODS = ["lexicode", "random", "exact", "anneal", "algebraic", "auto"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="only the small and medium rows")
    ap.add_argument("--rows", help="semicolon-separated K,N,w triples (default: the paper's rows)")
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=120.0, help="safety cap per method run (s)")
    args = ap.parse_args(argv)
    rows = ROWS[:QUICK] if args.quick else ROWS
    if args.rows:
        rows = [(tuple(int(x) for x in r.split(",")), None) for r in args.rows.split(";")]
    methods = args.methods.split(",")
    print(
        f"{'K,N,w':>12} {'method':>10} {'d':>3} {'pairs':>7} {'spread':>6} {'seconds':>8} "
        f"{'bound d':>7} {'LP pairs':>8}  note"
    )
    for (k, n, w), paper in rows:
        bound = max_distance_bound(k, n, w)
        lp = lp_min_pairs(k, n, w, bound)
        if paper:
            print(
                f"{f'{k},{n},{w}':>12} {'paper':>10} {paper[0]:>3} {paper[1]:>7} {paper[2]:>6} {'':>8} "
                f"{bound:>7} {lp if lp is not None else '-':>8}"
            )
        for method in methods:
            t0 = time.perf_counter()
            try:
                res = generate(method, GenerateRequest(k, n, w, seed=args.seed, time_limit=args.time_limit))
            except GenerationError as exc:
                print(
                    f"{f'{k},{n},{w}':>12} {method:>10} {'-':>3} {'-':>7} {'-':>6} "
                    f"{time.perf_counter() - t0:>8.2f} {bound:>7} {'':>8}  {exc}"
                )
                continue
            d, pairs, spread = score_matrix(res.code.matrix)
            lp_d = lp_min_pairs(k, n, w, d)
            note = ""
            p = res.params
            if method == "auto":
                note = f"winner={p['winner']}"
            if p.get("time_cap_hit") or p.get("winner_params", {}).get("time_cap_hit"):
                note += " TIME CAP HIT"
            if method == "lexicode":
                note += f" H={p['h_min']} L={p['lexicode_size']} scanned={p['scanned']}"
            print(
                f"{f'{k},{n},{w}':>12} {method:>10} {d:>3} {pairs:>7} {spread:>6} "
                f"{time.perf_counter() - t0:>8.2f} {bound:>7} {lp_d if lp_d is not None else '-':>8}  {note}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
