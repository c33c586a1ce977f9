"""Does a faster/shorter proxy rank configurations like a slower/longer one? (issue 8, experiment 3's method;
docs/proxy-speed.md)

    OMP_NUM_THREADS=1 .venv/bin/python bench/proxy_rank.py pairs --out runs/rank --seeds 3 --long-seeds 2 --jobs 2
    OMP_NUM_THREADS=1 .venv/bin/python bench/proxy_rank.py digits --out runs/rank-digits --jobs 2

``digits``: six configurations on digits / proxy-s (schemes and hyper-parameters, below), each trained at
the short epoch count of a study (4, bench/study_digits.py) and at 4x that (16), 3 seeds each (batch 64, the
study's). ``pairs``: the five schemes of experiment 2 (bench/proxy_schemes.py) under the ``fast`` and the
``slow`` digit-pairs proxy (bench/proxies.py), in ``OUT/<label>/`` and ``OUT/slow-<label>/`` (finished runs,
e.g. bench/proxy_speed.py's, are reused).

Per metric: the means over seeds of every configuration under both settings and Spearman's rank correlation
of the two lists of means, with a 95% bootstrap interval (2000 resamples: the seeds of each configuration
and setting are resampled with replacement, the means and rho recomputed; percentile interval; resamples
whose rho is undefined because a list is constant are left out). Runs go through ``codesearch.train``'s
compare machinery (paired seeds, finished runs reused, ``--jobs`` processes). Writes ``OUT/rank-<task>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from proxies import DATASET, SETTINGS

METRICS = ("top1", "early", "gap", "f1", "fraction")
DIGITS_SHORT = 4  # bench/study_digits.py's epochs per proxy run


def spearman_with_ci(a: dict, b: dict, resamples: int = 2000, seed: int = 0) -> dict:
    """``a``, ``b``: {config: [values over seeds]}. Spearman rho of the means and its percentile bootstrap CI."""
    from scipy.stats import spearmanr

    keys = [k for k in a if a[k] and b.get(k)]
    ma = np.array([np.mean(a[k]) for k in keys])
    mb = np.array([np.mean(b[k]) for k in keys])
    if len(keys) < 3 or np.ptp(ma) == 0 or np.ptp(mb) == 0:
        return {"configs": len(keys), "rho": None, "ci_low": None, "ci_high": None, "p": None}
    rho, p = spearmanr(ma, mb)
    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(resamples):
        ra = [np.mean(rng.choice(a[k], size=len(a[k]), replace=True)) for k in keys]
        rb = [np.mean(rng.choice(b[k], size=len(b[k]), replace=True)) for k in keys]
        if np.ptp(ra) == 0 or np.ptp(rb) == 0:
            continue
        boot.append(spearmanr(ra, rb)[0])
    lo, hi = np.percentile(boot, [2.5, 97.5]) if boot else (np.nan, np.nan)
    return {
        "configs": len(keys),
        "rho": float(rho),
        "p": float(p),
        "ci_low": float(lo),
        "ci_high": float(hi),
        "resamples": len(boot),
    }


def digits_entries(schemes: Path):
    """(label, scheme, TrainConfig overrides) of the six digits configurations."""
    from codesearch.codes import GenerateRequest, Scheme, SchemeCode, generate, get_preset

    def scheme(method, seed=0, params=None):
        preset = get_preset("proxy-s")
        codes = []
        for w, n in preset.code_shapes:
            r = generate(
                method, GenerateRequest(10, n, w, seed=seed, params=dict(params or {}), time_limit=30.0)
            )
            codes.append(SchemeCode(r.code, r.method, r.seed, r.params))
        return Scheme(num_classes=10, codes=tuple(codes), preset="proxy-s")

    paper, anneal, rand = scheme("lexicode"), scheme("anneal"), scheme("random", 0, {"trials": 1})
    base = {"batch_size": 64}
    return [
        ("paper", paper, base),  # lexicode codes, lr 0.1, mu 20, p_drop 0.1
        ("anneal", anneal, base),
        ("random", rand, base),  # one random balanced draw per code
        ("anneal-lr0.25", anneal, {**base, "lr": 0.25}),
        ("anneal-mu6", anneal, {**base, "mu": 6.0}),
        ("anneal-pdrop0.3", anneal, {**base, "p_drop": 0.3}),
    ]


def collect(result, labels) -> dict:
    return {m: {lab: [v for v in result.values(lab, m) if v is not None] for lab in labels} for m in METRICS}


def main() -> int:
    from codesearch.schemefile import read_scheme
    from codesearch.train import CompareEntry, TrainConfig, run_comparison

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("task", choices=("digits", "pairs"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, default=3, help="seeds of the short/fast runs (default 3)")
    ap.add_argument("--long-seeds", type=int, help="seeds of the long/slow runs (default: --seeds)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    out = Path(args.out)
    long_seeds = args.long_seeds or args.seeds

    def progress(event, info):
        if event in ("run", "done", "reused"):
            print(
                event,
                {k: v for k, v in info.items() if k in ("label", "seed", "status", "seconds")},
                file=sys.stderr,
                flush=True,
            )

    if args.task == "digits":
        entries = digits_entries(out / "schemes")
        mk = lambda lab, sch, ov, ep, tag: CompareEntry(
            f"{lab}@{ep}", sch, TrainConfig(dataset="digits", preset="proxy-s", epochs=ep, **ov)
        )
        short = [mk(*e, DIGITS_SHORT, "short") for e in entries]
        long = [mk(*e, 4 * DIGITS_SHORT, "long") for e in entries]
        names = ("short (4 epochs)", "long (16 epochs)")
    else:
        from proxy_schemes import build

        paths = build(out / "schemes")
        ds, preset = DATASET["fast"]
        short = [
            CompareEntry(
                lab, read_scheme(p), TrainConfig(dataset=ds, preset=preset, **SETTINGS["fast"]), str(p)
            )
            for lab, p in paths.items()
        ]
        long = [
            CompareEntry(
                f"slow-{lab}",
                read_scheme(p),
                TrainConfig(dataset=ds, preset=preset, **SETTINGS["slow"]),
                str(p),
            )
            for lab, p in paths.items()
        ]
        names = ("fast", "slow")
    rs = run_comparison(short, list(range(args.seeds)), out_dir=out, jobs=args.jobs, progress=progress)
    rl = run_comparison(long, list(range(long_seeds)), out_dir=out, jobs=args.jobs, progress=progress)
    keys = [e.label.split("@")[0] for e in short]
    vs = collect(rs, [e.label for e in short])
    vl = collect(rl, [e.label for e in long])
    doc = {"task": args.task, "settings": names, "seeds": [args.seeds, long_seeds], "metrics": {}}
    print(f"\n{args.task}: {names[0]} vs {names[1]}, seeds {args.seeds} / {long_seeds}")
    print("| metric | " + " | ".join(keys) + " | Spearman rho [95% bootstrap CI] |")
    print("|---|" + "---|" * len(keys) + "---|")
    for m in METRICS:
        a = dict(zip(keys, vs[m].values()))
        b = dict(zip(keys, vl[m].values()))
        r = spearman_with_ci(a, b)
        doc["metrics"][m] = {"short": a, "long": b, **r}
        scale = 1 if m in ("f1", "fraction") else 100
        cells = [
            f"{scale * np.mean(a[k]):.2f} / {scale * np.mean(b[k]):.2f}" if a[k] and b[k] else "-"
            for k in keys
        ]
        rho = (
            "undefined (constant)"
            if r["rho"] is None
            else f"{r['rho']:.2f} [{r['ci_low']:.2f}, {r['ci_high']:.2f}]"
        )
        print(f"| {m} | " + " | ".join(cells) + f" | {rho} |")
    (out / f"rank-{args.task}.json").write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
