"""Speed of the fast digit-pairs proxy against the setting earlier measurements used (issue 8, section 5).

    PYTHONPATH=$PWD .venv/bin/python bench/exp_speed.py runs/exp-distance/compare.json [--old]

Prints the mean, min and max run time (training + evaluation, from each run's metrics) of the runs in the
compare.json (the fast setting of bench/run_experiments.sh, trained 2 at a time with one torch thread
each). The old setting (30 epochs, 60 images/class, thresholds on 2000 train images, batch 64, lr 0.2,
mu 20 with 5 warm-up epochs) took 436.6 s per run when README's training benchmark measured it
(bench/train_digits.py --task digit-pairs, OMP_NUM_THREADS=1); --old trains it once more here (about 7
minutes) and prints that time instead of the recorded one. Both on the shared, loaded 2-core machine, so
the times vary with the other jobs' load.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

OLD_RECORDED_S = 436.6


def old_run_seconds() -> float:
    from codesearch.schemefile import read_scheme
    from codesearch.train import TrainConfig, run_training

    scheme = read_scheme("runs/exp-schemes/d8.json")
    cfg = TrainConfig(
        dataset="digit-pairs",
        preset="proxy-s100",
        epochs=30,
        batch_size=64,
        lr=0.2,
        mu=20.0,
        mu_warmup_epochs=5,
        samples_per_class=60,
        binary_train_limit=2000,
    )
    t = time.perf_counter()
    run_training(cfg, scheme)
    return time.perf_counter() - t


def main(argv: list[str]) -> None:
    with open(argv[0]) as f:
        doc = json.load(f)
    sec = np.array([r["seconds"] for r in doc["runs"] if r.get("seconds") is not None])
    old = old_run_seconds() if "--old" in argv else OLD_RECORDED_S
    fast = float(sec.mean())
    print(
        f"fast setting: {sec.size} runs, mean {fast:.1f} s (min {sec.min():.1f}, max {sec.max():.1f}) per run"
    )
    print(f"old setting: {old:.1f} s per run ({'measured now' if '--old' in argv else 'recorded in README'})")
    print(
        f"speed-up per run: {old / fast:.1f}x; 20 runs, 2 at a time: {10 * fast / 60:.1f} min (fast) "
        f"vs {10 * old / 60:.1f} min (old, if two parallel runs kept their single-run time)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
