"""Issue 9 part 3: `generate` (auto) at large K: seconds, peak memory, d, pairs at d, column spread, bound.

Usage: python bench/large_k.py [--only K,N,w ...]   (each case runs `codesearch generate` in a subprocess,
timed with /usr/bin/time so the peak RSS is the whole process's). Default cases: K = 21,841 at N = 64, 128
with w = N/4, N/8, and K = 100,000 at N = 128 (w = 32 and 16).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

CASES = [
    (21841, 64, 16),
    (21841, 64, 8),
    (21841, 128, 32),
    (21841, 128, 16),
    (100000, 128, 32),
    (100000, 128, 16),
]


def run(k: int, n: int, w: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "s.json")
        cmd = [
            "/usr/bin/time",
            "-f",
            "%M",
            sys.executable,
            "-m",
            "codesearch",
            "generate",
            "-K",
            str(k),
            "-N",
            str(n),
            "-w",
            str(w),
            "--time-limit",
            "120",
            "--out",
            out,
            "--json",
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        secs = time.perf_counter() - t0
        if proc.returncode != 0:
            return {"K": k, "N": n, "w": w, "error": proc.stderr.strip().splitlines()[-1:]}
        rss_kb = int(proc.stderr.strip().splitlines()[-1])
        code = json.loads(proc.stdout)["codes"][0]
        m = code["metrics"]
        return {
            "K": k,
            "N": n,
            "w": w,
            "seconds": round(secs, 1),
            "peak_rss_mb": rss_kb // 1024,
            "d": m["min_distance"],
            "pairs_at_d": m["pairs_at_min_distance"],
            "spread": m["column_spread"],
            "bound": m["max_distance_bound"],
            "lp_min_pairs": m["lp_min_pairs_at_min_distance"],
            "winner": code["generator"]["params"].get("winner"),
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", help="cases as K,N,w")
    args = ap.parse_args()
    cases = [tuple(int(x) for x in c.split(",")) for c in args.only] if args.only else CASES
    print("| K | N | w | d | bound | pairs at d | spread | seconds | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, n, w in cases:
        r = run(k, n, w)
        if "error" in r:
            print(f"| {k} | {n} | {w} | error: {r['error']} |", flush=True)
            continue
        print(
            f"| {k} | {n} | {w} | {r['d']} | {r['bound']} | {r['pairs_at_d']} | {r['spread']} | {r['seconds']} "
            f"| {r['peak_rss_mb']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
