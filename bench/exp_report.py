"""Markdown tables of the issue-8 experiments from the compare.json files bench/run_experiments.sh wrote.

    PYTHONPATH=$PWD .venv/bin/python bench/exp_report.py [runs]

(1) noise floor: sd of every metric per scheme (digits, digit-pairs); (2) minimum distance: mean [95% CI]
per scheme and metric, paired differences against d8 with the Holm-corrected t-test and the verdict;
(3) proxy rank: Spearman correlation between the short-run and the 4x-longer-run means of the 6
configurations (3 schemes x 2 mu), per metric, with a 95% bootstrap CI (seeds resampled within each
configuration and run length, 2000 resamples, numpy seed 0). Also prints the mean run time per setting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from scipy import stats

METRICS = ("top1", "early", "gap", "f1", "fraction")


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def fmt(s: dict, scale: float = 1.0) -> str:
    if s is None or s.get("mean") is None:
        return "-"
    if s.get("ci_low") is None:
        return f"{scale * s['mean']:.4g}"
    return f"{scale * s['mean']:.4g} [{scale * s['ci_low']:.4g}, {scale * s['ci_high']:.4g}]"


def run_seconds(doc: dict) -> float:
    sec = [r["seconds"] for r in doc["runs"] if r.get("seconds") is not None]
    return float(np.mean(sec)) if sec else float("nan")


def noise_table(doc: dict, title: str) -> str:
    out = [
        f"**{title}** ({len(doc['seeds'])} seeds, mean run {run_seconds(doc):.1f} s)",
        "",
        "| scheme | " + " | ".join(f"sd {m}" for m in METRICS) + " |",
        "|---" * (len(METRICS) + 1) + "|",
    ]
    for lab, ms in doc["summaries"].items():
        cells = [f"{ms[m]['sd']:.4f}" if m in ms and ms[m].get("sd") is not None else "-" for m in METRICS]
        out.append(f"| {lab} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def means_table(doc: dict) -> str:
    out = ["| scheme | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
    for lab, ms in doc["summaries"].items():
        out.append(f"| {lab} | " + " | ".join(fmt(ms.get(m)) for m in METRICS) + " |")
    return "\n".join(out)


def tests_table(doc: dict) -> str:
    out = [
        f"| vs {doc['reference']} | metric | mean diff [95% CI] | t p (Holm) | Wilcoxon p (Holm) | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for lab, ms in doc["comparisons"].items():
        for m in METRICS:
            c = ms.get(m)
            if c is None:
                continue
            ci = "-" if c.get("ci_low") is None else f"[{c['ci_low']:.4g}, {c['ci_high']:.4g}]"
            tp = "-" if c.get("t_p_holm") is None else f"{c['t_p_holm']:.3g}"
            wp = "-" if c.get("wilcoxon_p_holm") is None else f"{c['wilcoxon_p_holm']:.3g}"
            out.append(f"| {lab} | {m} | {c['mean_diff']:.4g} {ci} | {tp} | {wp} | {c['verdict']} |")
    return "\n".join(out)


def values(doc: dict, label: str, metric: str) -> np.ndarray:
    v = [r["values"].get(metric) for r in doc["runs"] if r["label"] == label and r["status"] == "ok"]
    return np.array([x for x in v if x is not None], dtype=float)


def rank_table(root: Path, short: int, long: int) -> str:
    rng = np.random.default_rng(0)
    out = [
        f"| metric | Spearman rho (short {short} ep vs long {long} ep) | 95% bootstrap CI | configurations |",
        "|---|---|---|---|",
    ]
    docs = {}
    for e in (short, long):
        for mu in (20, 5):
            docs[(e, mu)] = load(root / f"exp-rank/e{e}-mu{mu}/compare.json")
    configs = [(mu, lab) for mu in (20, 5) for lab in docs[(short, mu)]["summaries"]]
    for m in METRICS:
        s_vals = [values(docs[(short, mu)], lab, m) for mu, lab in configs]
        l_vals = [values(docs[(long, mu)], lab, m) for mu, lab in configs]
        if any(v.size == 0 for v in s_vals + l_vals):
            continue
        sm, lm = [v.mean() for v in s_vals], [v.mean() for v in l_vals]
        if np.ptp(sm) == 0 or np.ptp(lm) == 0:
            out.append(f"| {m} | undefined (constant) | - | {len(configs)} |")
            continue
        rho = stats.spearmanr(sm, lm).statistic
        boot = []
        for _ in range(2000):
            bs = [rng.choice(v, v.size).mean() for v in s_vals]
            bl = [rng.choice(v, v.size).mean() for v in l_vals]
            if np.ptp(bs) > 0 and np.ptp(bl) > 0:
                boot.append(stats.spearmanr(bs, bl).statistic)
        lo, hi = np.percentile(boot, [2.5, 97.5])
        out.append(f"| {m} | {rho:.2f} | [{lo:.2f}, {hi:.2f}] | {len(configs)} |")
    lines = [
        "",
        "| configuration | " + " | ".join(f"{m} short / long" for m in ("top1", "early", "gap", "f1")) + " |",
        "|---" * 5 + "|",
    ]
    for mu, lab in configs:
        cells = []
        for m in ("top1", "early", "gap", "f1"):
            a, b = values(docs[(short, mu)], lab, m), values(docs[(long, mu)], lab, m)
            cells.append(f"{a.mean():.4f} / {b.mean():.4f}" if a.size and b.size else "-")
        lines.append(f"| {lab}, mu {mu} | " + " | ".join(cells) + " |")
    secs = {e: np.mean([run_seconds(docs[(e, mu)]) for mu in (20, 5)]) for e in (short, long)}
    lines.append("")
    lines.append(f"mean run time: {secs[short]:.1f} s ({short} epochs), {secs[long]:.1f} s ({long} epochs)")
    return "\n".join(out + lines)


def main(root: Path) -> None:
    parts = []
    p = root / "exp-distance/compare.json"
    if p.exists():
        d = load(p)
        parts += [
            "## minimum distance (digit-pairs)",
            f"mean run {run_seconds(d):.1f} s",
            "",
            means_table(d),
            "",
            tests_table(d),
            "",
            noise_table(d, "noise floor, digit-pairs"),
        ]
    p = root / "exp-noise-digits/compare.json"
    if p.exists():
        d = load(p)
        parts += [
            "",
            "## noise floor (digits)",
            "",
            noise_table(d, "digits"),
            "",
            means_table(d),
            "",
            tests_table(d),
        ]
    if (root / "exp-rank/e12-mu5/compare.json").exists():
        parts += ["", "## proxy rank (digits)", "", rank_table(root, 3, 12)]
    print("\n".join(parts))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "runs"))
