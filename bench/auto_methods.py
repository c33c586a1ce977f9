"""Seconds `auto` spends in each method at given points.

Usage: python bench/auto_methods.py K,N,w,seed [K,N,w,seed ...]
Runs generate("auto", GenerateRequest(K, N, w, seed=seed, time_limit=120)) after a warm-up and prints the
winner, d, total seconds and the seconds inside each method's ``generate``.
"""

import sys
import time

from codesearch.codes import GenerateRequest, generate
from codesearch.codes.generators import _base

TIMES: dict[str, float] = {}


def _timed(name, orig):
    def wrap(self, req, progress=None):
        t = time.perf_counter()
        try:
            return orig(self, req, progress)
        finally:
            TIMES[name] = TIMES.get(name, 0.0) + time.perf_counter() - t

    return wrap


def main(specs: list[str]) -> None:
    generate("random", GenerateRequest(10, 10, 3, seed=0))  # warm-up: imports and caches
    for name, cls in list(_base._REGISTRY.items()):
        if name != "auto":
            cls.generate = _timed(name, cls.generate)
    for spec in specs:
        k, n, w, seed = map(int, spec.split(","))
        TIMES.clear()
        t = time.perf_counter()
        r = generate("auto", GenerateRequest(k, n, w, seed=seed, time_limit=120))
        total = time.perf_counter() - t
        per = {m: round(v, 1) for m, v in TIMES.items()}
        print(f"{spec} d {r.code.d} winner {r.params['winner']} total {total:.1f} {per}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
