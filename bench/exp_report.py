"""Markdown tables of the issue-8 experiments from the compare.json files bench/run_experiments.sh wrote.

    PYTHONPATH=$PWD .venv/bin/python bench/exp_report.py [runs]

(1) noise floor: sd of every metric per scheme (digits, digit-pairs); (2) minimum distance: mean [95% CI]
per scheme and metric, paired differences against d8 with the Holm-corrected t-test and the verdict;
(3) proxy rank: Spearman correlation between the short-run and the 4x-longer-run means of the 6 digits
configurations (3 schemes x 2 mu), and between the fast and the slow digit-pairs proxy over 7
configurations (bench/issue8_pairs.sh), per metric, with a 95% bootstrap CI (seeds resampled within each
configuration and setting, 2000 resamples, numpy seed 0). Also prints the mean run time per setting.
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


def spearman_ci(short: list[np.ndarray], long: list[np.ndarray], resamples: int = 2000, seed: int = 0):
    """Spearman rho between the per-configuration means of two settings, and its 95% percentile bootstrap
    interval (the seeds of every configuration and setting resampled with replacement; resamples in which
    a list of means is constant are left out). None when a list of means is constant."""
    sm, lm = [v.mean() for v in short], [v.mean() for v in long]
    if np.ptp(sm) == 0 or np.ptp(lm) == 0:
        return None
    rho = stats.spearmanr(sm, lm).statistic
    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(resamples):
        bs = [rng.choice(v, v.size).mean() for v in short]
        bl = [rng.choice(v, v.size).mean() for v in long]
        if np.ptp(bs) > 0 and np.ptp(bl) > 0:
            boot.append(stats.spearmanr(bs, bl).statistic)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return float(rho), float(lo), float(hi)


def rank_tables(configs: list[tuple[str, dict, str, dict, str]], names: tuple[str, str]) -> str:
    """``configs``: (name, short doc, label in it, long doc, label in it) per configuration. Spearman rho of
    the short-setting means against the long-setting means per metric, then the means themselves."""
    out = [
        f"| metric | Spearman rho ({names[0]} vs {names[1]}) | 95% bootstrap CI | configurations |",
        "|---|---|---|---|",
    ]
    for m in METRICS:
        s_vals = [values(sd, sl, m) for _, sd, sl, _, _ in configs]
        l_vals = [values(ld, ll, m) for _, _, _, ld, ll in configs]
        if any(v.size == 0 for v in s_vals + l_vals):
            continue
        r = spearman_ci(s_vals, l_vals)
        if r is None:
            out.append(f"| {m} | undefined (constant) | - | {len(configs)} |")
        else:
            out.append(f"| {m} | {r[0]:.2f} | [{r[1]:.2f}, {r[2]:.2f}] | {len(configs)} |")
    shown = ("top1", "early", "gap", "f1")
    lines = [
        "",
        "| configuration | " + " | ".join(f"{m} {names[0]} / {names[1]}" for m in shown) + " |",
        "|---" * (len(shown) + 1) + "|",
    ]
    for name, sd, sl, ld, ll in configs:
        cells = []
        for m in shown:
            a, b = values(sd, sl, m), values(ld, ll, m)
            cells.append(f"{a.mean():.4f} / {b.mean():.4f}" if a.size and b.size else "-")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(out + lines)


def rank_table(root: Path, short: int, long: int) -> str:
    """Experiment 3 on digits (bench/run_experiments.sh): 3 schemes x mu {20, 5} at ``short`` and ``long``
    epochs."""
    docs = {
        (e, mu): load(root / f"exp-rank/e{e}-mu{mu}/compare.json") for e in (short, long) for mu in (20, 5)
    }
    configs = [
        (f"{lab}, mu {mu}", docs[(short, mu)], lab, docs[(long, mu)], lab)
        for mu in (20, 5)
        for lab in docs[(short, mu)]["summaries"]
    ]
    secs = {e: np.mean([run_seconds(docs[(e, mu)]) for mu in (20, 5)]) for e in (short, long)}
    return (
        rank_tables(configs, (f"{short} ep", f"{long} ep"))
        + "\n\n"
        + f"mean run time: {secs[short]:.1f} s ({short} epochs), {secs[long]:.1f} s ({long} epochs)"
    )


def pairs_rank_table(root: Path) -> str:
    """Experiment 3's method for the fast digit-pairs proxy (bench/issue8_pairs.sh): 7 configurations under
    the fast (3 seeds) and the slow setting (2 seeds) of bench/proxies.py."""
    fast, slow = load(root / "pairs/distance-compare.json"), load(root / "pairs/slow/compare.json")
    fast5, slow5 = load(root / "pairs/fast-mu5/compare.json"), load(root / "pairs/slow-mu5/compare.json")
    seeds = set(fast5["seeds"])  # the fast runs' first 3 seeds, as at mu 5
    fast = {**fast, "runs": [r for r in fast["runs"] if r["seed"] in seeds]}
    configs = [(f"{lab}, mu 20", fast, lab, slow, lab) for lab in slow["summaries"]]
    configs += [(f"{lab}, mu 5", fast5, lab, slow5, lab) for lab in slow5["summaries"]]
    secs = {
        n: np.mean([run_seconds(d) for d in ds])
        for n, ds in (("fast", (fast, fast5)), ("slow", (slow, slow5)))
    }
    return (
        rank_tables(configs, ("fast", "slow"))
        + "\n\n"
        + f"mean run time: {secs['fast']:.1f} s (fast), {secs['slow']:.1f} s (slow)"
    )


def main(root: Path) -> None:
    parts = []
    p = root / "pairs/distance-compare.json"
    if p.exists():
        d = load(p)
        parts += [
            f"## minimum distance (digit-pairs, {len(d['seeds'])} seeds)",
            f"mean run {run_seconds(d):.1f} s",
            "",
            means_table(d),
            "",
            tests_table(d),
            "",
        ]
    p = root / "pairs/fast/compare.json"
    if p.exists() and (root / "pairs/noise.json").exists():
        d = load(p)
        parts += [
            "",
            "## noise floor (digit-pairs)",
            "",
            noise_table(d, "digit-pairs, fast proxy"),
            "",
            means_table(d),
            "",
            tests_table(d),
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
    if (root / "pairs/slow-mu5/compare.json").exists():
        parts += ["", "## fast vs slow digit-pairs proxy", "", pairs_rank_table(root)]
    print("\n".join(parts))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "runs"))
