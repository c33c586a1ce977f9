"""Benchmark of the study targets (issue 5): a 10-class study on digits with 20 trials.

    .venv/bin/python bench/study_digits.py                     # 20 trials, 1 worker then 2 workers
    .venv/bin/python bench/study_digits.py --trials 8 --epochs 2 --out runs/bench-study-small

For each worker count the script creates a fresh study (journal file under --out), starts that many
``codesearch study run`` processes at the same moment and measures the wall time until the last one exits.
Threads: ``--runs 1x2 2x1`` (the default) gives the single worker two torch threads and each of two workers
one, so both runs may use the machine's two cores; ``1x1`` adds a one-thread single worker. Reported per run: wall time, trials by state,
the best proxy top-1 and its trial, the paper's default configuration's proxy top-1 (trial 0, queued at
creation), and what pruning saved (pruned trials, epochs not trained, equivalent full trials).
Figures depend on the machine's load; the same seeds give the same trials only for one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from codesearch.study import PAPER_DEFAULT_ATTR, count_trials, open_study

CLI = [sys.executable, "-c", "import sys; from codesearch.cli import main; sys.exit(main())"]


def run_study(out: Path, workers: int, threads: int, args) -> dict:
    name = f"digits-{workers}x{threads}"
    storage = str(out / name / "journal.log")
    create = [
        *CLI,
        "study",
        "create",
        name,
        "--storage",
        storage,
        "--classes",
        "10",
        "--dataset",
        "digits",
        "--preset",
        "proxy-s",
        "--epochs",
        str(args.epochs),
        "--batch-size",
        str(args.batch_size),
        "--pruner",
        args.pruner,
    ]
    subprocess.run(create, check=True, cwd=ROOT)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    cmd = [
        *CLI,
        "study",
        "run",
        name,
        "--storage",
        storage,
        "--n-trials",
        str(args.trials),
        "--seed",
        str(args.seed),
    ]
    t0 = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL) for _ in range(workers)]
    codes = [p.wait() for p in procs]
    wall = time.perf_counter() - t0
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    h = open_study(name, storage)
    trials = h.study.get_trials()
    c = count_trials(trials)
    done = [t for t in trials if t.state.name == "COMPLETE"]
    best = max(done, key=lambda t: t.values[0])
    paper = next(t for t in trials if t.user_attrs.get(PAPER_DEFAULT_ATTR))
    pruned = [t for t in trials if t.state.name == "PRUNED"]
    saved_epochs = sum(args.epochs - len(t.intermediate_values) for t in pruned)
    h.close()
    return {
        "workers": workers,
        "torch_threads_per_worker": int(threads),
        "wall_seconds": round(wall, 1),
        "counts": c.to_dict(),
        "best": {"trial": best.number, "top1": best.values[0], "params": best.params},
        "paper_default": {
            "trial": paper.number,
            "state": paper.state.name,
            "top1": paper.values[0] if paper.values else None,
        },
        "pruning": {
            "pruned_trials": len(pruned),
            "epochs_saved": saved_epochs,
            "full_trials_saved": round(saved_epochs / args.epochs, 2),
        },
        "trial_seconds_mean": round(sum(t.duration.total_seconds() for t in done) / len(done), 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--epochs", type=int, default=4, help="epochs per proxy run (default 4)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--pruner", default="median", choices=("median", "hyperband"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--runs",
        nargs="+",
        default=["1x2", "2x1"],
        help="WORKERSxTHREADS per run: workers at once x torch threads each (default 1x2 2x1)",
    )
    ap.add_argument("--out", default="runs/bench-study")
    ap.add_argument("--force", action="store_true", help="delete --out first if it exists")
    args = ap.parse_args()
    out = Path(args.out)
    if out.exists():
        if not args.force:
            raise SystemExit(f"{out} exists; pass --force to start again")
        shutil.rmtree(out)
    results = []
    for spec in args.runs:
        w, t = (int(v) for v in spec.lower().split("x"))
        r = run_study(out, w, t, args)
        results.append(r)
        print(json.dumps(r), flush=True)
    (out / "results.json").write_text(json.dumps({"args": vars(args), "results": results}, indent=2) + "\n")
    print(
        "\n| workers | wall (s) | complete | pruned | failed | best top-1 (trial) | paper default top-1 | "
        "epochs saved by pruning |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        c = r["counts"]
        print(
            f"| {r['workers']} x {r['torch_threads_per_worker']} thread(s) | {r['wall_seconds']} | {c['complete']} | "
            f"{c['pruned']} | {c['failed']} | {r['best']['top1']:.4f} ({r['best']['trial']}) | "
            f"{r['paper_default']['top1']:.4f} | {r['pruning']['epochs_saved']} "
            f"(= {r['pruning']['full_trials_saved']} full trials) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
