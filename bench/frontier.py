"""Issue 9 part 1: how often `auto` reaches the best known distance on a seeded random grid.

Best known d for (K, N, w): the largest even d with lb(N, d, w) >= K or lb(N, d, N - w) >= K in Brouwer's table
of constant-weight codes (tests/codes/vectors/andw_bounds.json, a checked-in copy with its source), with the
trivial rows A(N, 2, w) = C(N, w) and A(N, 2v, w) = floor(N / v) for v = min(w, N - w) added.

Grid: ``--points`` points drawn with ``--seed``: K uniform in [10, 2000] (log-uniform), N in [10, 28], then w
uniform among the weights 2..N-2 with C(N, w) >= K. Each point runs `auto` in its own process
(``--workers`` at a time). Prints one row per point and a summary: share at best known d, misses, seconds
per point, column spread (and how often it is the smallest possible, 0 or 1).

Usage: python bench/frontier.py --points 300 --workers 2 [--kmax 2000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

TABLE = Path(__file__).resolve().parents[1] / "tests" / "codes" / "vectors" / "andw_bounds.json"


def load_lb() -> dict[tuple[int, int, int], int]:
    rows = json.loads(TABLE.read_text())["rows"]
    lb = {}
    for n, d, w, low, _ub in rows:
        if low is None:
            continue
        for ww in (w, n - w):
            lb[(n, d, ww)] = max(lb.get((n, d, ww), 0), int(low))
    return lb


def best_known_d(k: int, n: int, w: int, lb: dict) -> int | None:
    v = min(w, n - w)
    best = None
    for d in range(2, 2 * v + 1, 2):
        if d == 2:
            size = math.comb(n, w)
        elif d == 2 * v:
            size = n // v
        else:
            size = lb.get((n, d, w))
        if size is not None and size >= k:
            best = d
    return best


def grid(points: int, seed: int, kmax: int) -> list[tuple[int, int, int]]:
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < points:
        k = round(math.exp(rng.uniform(math.log(10), math.log(kmax))))
        n = int(rng.integers(10, 29))
        ws = [w for w in range(2, n - 1) if math.comb(n, w) >= k]
        if not ws:
            continue
        out.append((k, n, int(rng.choice(ws))))
    return out


def run_point(point: tuple[int, int, int]) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from codesearch.codes import GenerateRequest, generate, score_matrix

    k, n, w = point
    t0 = time.perf_counter()
    res = generate("auto", GenerateRequest(k, n, w, seed=0, time_limit=120.0))
    d, pairs, spread = score_matrix(res.code.matrix)
    return {
        "K": k,
        "N": n,
        "w": w,
        "d": d,
        "pairs": pairs,
        "spread": spread,
        "seconds": round(time.perf_counter() - t0, 2),
        "winner": res.params.get("winner"),
        "source": res.params.get("winner_params", {}).get("source"),
        "lifted": res.params.get("lifted"),
        "rebalanced": res.params.get("rebalanced"),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kmax", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", help="write every point's result here")
    ap.add_argument("--only", type=int, nargs="*", help="run only these grid indices (0-based)")
    ap.add_argument("--start", type=int, default=0, help="skip the grid points before this index")
    args = ap.parse_args()
    lb = load_lb()
    pts = grid(args.points, args.seed, args.kmax)
    index = list(range(len(pts)))
    if args.only:
        index = list(args.only)
    index = [i for i in index if i >= args.start]
    pts = [pts[i] for i in index]
    t0 = time.perf_counter()
    results = []
    at_best, misses, unknown = 0, [], 0
    with ProcessPoolExecutor(args.workers) as ex:
        # rows are printed as the points finish (in grid order), so a long run shows its progress
        for i, r in zip(index, ex.map(run_point, pts)):
            r["index"] = i
            results.append(r)
            r["best_known_d"] = best_known_d(r["K"], r["N"], r["w"], lb)
            if r["best_known_d"] is None:
                unknown += 1
            elif r["d"] >= r["best_known_d"]:
                at_best += 1
            else:
                misses.append(r)
            print(
                f"K={r['K']:5d} N={r['N']:2d} w={r['w']:2d}  d={r['d']:2d} best known={r['best_known_d']}  "
                f"pairs={r['pairs']:6d} spread={r['spread']} {r['seconds']:6.1f}s  {r['winner']}",
                flush=True,
            )
            if args.json:  # after every point, so an interrupted run keeps what it measured
                Path(args.json).write_text(json.dumps(results, indent=1))
    wall = time.perf_counter() - t0
    known = len(results) - unknown
    secs = sorted(r["seconds"] for r in results)
    balanced = sum(r["spread"] <= (0 if (r["K"] * r["w"]) % r["N"] == 0 else 1) for r in results)
    print(
        f"\npoints: {len(results)} (best known d known for {known}); at best known d: {at_best}/{known} "
        f"= {100 * at_best / max(1, known):.1f}%"
    )
    print(
        f"seconds per point: median {secs[len(secs) // 2]:.1f}, max {secs[-1]:.1f}; wall {wall:.0f} s "
        f"with {args.workers} workers"
    )
    print(
        f"smallest possible column spread: {balanced}/{len(results)}; "
        f"max spread {max(r['spread'] for r in results)}"
    )
    for r in misses:
        print(f"MISS K={r['K']} N={r['N']} w={r['w']}: d={r['d']} < {r['best_known_d']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
