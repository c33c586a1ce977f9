"""Does a study's winner beat the paper's default once the seed noise is measured? (issue 8, section 3)

    .venv/bin/python bench/validate_digits.py                       # 20 trials, 4 epochs; top 3 x 5 seeds
    .venv/bin/python bench/validate_digits.py --trials 8 --epochs 2 --top 2 --seeds 3 --out runs/bench-val-small

Creates a 10-class study on digits / proxy-s (the README's study: 4-epoch proxies, batch 64, default space
and median pruner, torch seed 0 for every trial), runs it with one worker (one torch thread), then
``codesearch study validate --top K --seeds S --jobs J``: the K best trials and the paper's default trial
re-trained on S fresh seeds (1..S), paired, with Holm-corrected tests. Prints the search values next to
the validated means with their 95% CIs and the verdicts, and writes everything to OUT/result.json.
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

CLI = [sys.executable, "-c", "import sys; from codesearch.cli import main; sys.exit(main())"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="runs/bench-validate-digits")
    args = ap.parse_args()

    out = ROOT / args.out
    if out.exists():
        shutil.rmtree(out)
    storage = str(out / "journal.log")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run(
        [
            *CLI,
            "study",
            "create",
            "d",
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
        ],
        check=True,
        cwd=ROOT,
        env=env,
    )
    t0 = time.perf_counter()
    subprocess.run(
        [*CLI, "study", "run", "d", "--storage", storage, "--n-trials", str(args.trials)],
        check=True,
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    t_search = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = subprocess.run(
        [
            *CLI,
            "study",
            "validate",
            "d",
            "--storage",
            storage,
            "--top",
            str(args.top),
            "--seeds",
            str(args.seeds),
            "--jobs",
            str(args.jobs),
            "--out",
            str(out / "validate"),
            "--json",
        ],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    t_validate = time.perf_counter() - t0
    record = json.loads(res.stdout)

    from codesearch.study import open_study

    h = open_study("d", storage)
    search = {t.number: t.values[0] for t in h.study.get_trials() if t.values}
    params = {t.number: t.params for t in h.study.get_trials()}
    h.close()
    floor = record["noise_floor"]
    print(
        f"search: {args.trials} trials x {args.epochs} epochs, {t_search:.0f} s; validation: "
        f"{len(record['trials'])} configurations x {args.seeds} seeds, {args.jobs} jobs, {t_validate:.0f} s"
    )
    print(
        "| rank | trial | search top-1 (seed 0) | validated top-1 mean [95% CI] | vs paper default (Holm p) |"
    )
    print("|---|---|---|---|---|")
    for i, r in enumerate(record["ranking"], 1):
        verdict = "reference" if r["paper_default"] else f"{r['verdict']} ({r['t_p_holm']:.3g})"
        print(
            f"| {i} | {r['trial']}{' (paper)' if r['paper_default'] else ''} | {100 * search[r['trial']]:.2f} | "
            f"{100 * r['mean']:.2f} [{100 * r['ci_low']:.2f}, {100 * r['ci_high']:.2f}] | {verdict} |"
        )
    print(
        "noise floor (sd among seeds, % points): "
        + ", ".join(f"{m} {100 * v['sd']:.2f}" for m, v in floor.items() if "." not in m)
    )
    print("verdict:", record["statement"])
    result = {
        "args": vars(args),
        "search_seconds": t_search,
        "validate_seconds": t_validate,
        "search_values": search,
        "params": {n: params[n] for n in record["trials"]},
        "validation": record,
    }
    (out / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
