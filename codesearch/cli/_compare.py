"""``codesearch compare A.json B.json ...``: paired repeated-seed training of schemes, CIs and tests.

torch, scipy and matplotlib are imported inside ``run``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._base import (
    CommandError,
    UsageError,
    _BaseCommand,
    err_console,
    nonneg_int,
    out_console,
    positive_int,
    print_json,
)
from ._train import add_train_options, config_from_args


def _pct(v) -> str:
    return "-" if v is None else f"{100 * v:.2f}"


def _p(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}" if v >= 1e-3 else f"{v:.1e}"


def verdict_text(label: str, verdict: str, seeds: int) -> str:
    """ "B better", "B worse" or "no detectable difference at S seeds"."""
    from ..stats import NO_DIFFERENCE

    return f"no detectable difference at {seeds} seeds" if verdict == NO_DIFFERENCE else f"{label} {verdict}"


def print_compare_tables(doc: dict) -> None:
    """Rich tables of a codesearch.compare/v1 document on stdout: summaries, then differences vs the reference."""
    from rich.table import Table

    labels = [e["label"] for e in doc["entries"]]
    ref = doc["reference"]
    seeds = len(doc["seeds"])
    conf = round(100 * doc["confidence"])
    t = Table(
        title=f"{seeds} paired seeds: mean, sd and {conf}% CI (in %; reference {ref})", title_justify="left"
    )
    t.add_column("metric")
    for lab in labels:
        t.add_column(lab, justify="right")
    for m in doc["metrics"]:
        row = [m + (" (lower better)" if doc["directions"][m] == "minimize" else "")]
        for lab in labels:
            s = doc["summaries"].get(lab, {}).get(m)
            if not s or not s["n"]:
                row.append("-")
            elif s["sd"] is None:
                row.append(f"{_pct(s['mean'])} (n={s['n']})")
            else:
                row.append(f"{_pct(s['mean'])} ± {_pct(s['sd'])} [{_pct(s['ci_low'])}, {_pct(s['ci_high'])}]")
        t.add_row(*row)
    out_console.print(t)
    if len(labels) < 2:
        return
    d = Table(
        title=f"paired differences vs {ref} (in % points; p-values Holm-corrected over "
        f"{len(labels) - 1} scheme(s), alpha {doc['alpha']})",
        title_justify="left",
    )
    for col in ("scheme", "metric", "mean diff", f"{conf}% CI", "t-test p", "Wilcoxon p", "verdict"):
        d.add_column(col, justify="left" if col in ("scheme", "metric", "verdict") else "right")
    for lab in labels[1:]:
        for m in doc["metrics"]:
            c = doc["comparisons"].get(lab, {}).get(m)
            if not c:
                continue
            ci = "-" if c["ci_low"] is None else f"[{100 * c['ci_low']:+.2f}, {100 * c['ci_high']:+.2f}]"
            diff = "-" if c["mean_diff"] is None else f"{100 * c['mean_diff']:+.2f}"
            d.add_row(
                lab,
                m,
                diff,
                ci,
                _p(c["t_p_holm"]),
                _p(c["wilcoxon_p_holm"]),
                verdict_text(lab, c["verdict"], c["n"]),
            )
    out_console.print(d)


def run_progress(event: str, info: dict) -> None:
    """One line on stderr per finished run (and one at the start)."""
    if event == "start":
        err_console.print(
            f"{info['total']} run(s): {info['reused']} finished already (reused), "
            f"{info['total'] - info['reused']} to train, {info['jobs']} at a time",
        )
    elif event == "run":
        what = (
            f"top-1 {100 * info['top1']:.2f}%"
            if info["status"] == "ok" and info["top1"] is not None
            else f"{info['status']}: {info['reason']}"
        )
        secs = f" ({info['seconds']:.0f} s)" if info.get("seconds") is not None else ""
        err_console.print(
            f"[{info['done']}/{info['total']}] {info['label']} seed {info['seed']}: {what}{secs}",
        )


class CompareCommand(_BaseCommand):
    name = "compare"
    help = (
        "Train schemes with the same seeds (paired) and compare every metric: means, confidence intervals, paired "
        "t and Wilcoxon tests (Holm-corrected) against the first scheme."
    )

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "schemes", nargs="+", metavar="SCHEME", help="scheme JSON v1 files; the first is the reference"
        )
        p.add_argument("--seeds", type=positive_int, required=True, help="number of paired torch seeds S")
        p.add_argument(
            "--first-seed", type=nonneg_int, default=0, help="seeds are FIRST .. FIRST+S-1 (default 0)"
        )
        p.add_argument("--labels", help="comma-separated names of the schemes (default: the file names)")
        add_train_options(p)
        p.add_argument(
            "--jobs",
            "-j",
            type=positive_int,
            default=1,
            help="trainings at once, each in its own process (default 1)",
        )
        p.add_argument(
            "--threads",
            type=positive_int,
            help="torch threads per training (default 1 with --jobs > 1, else torch's default)",
        )
        p.add_argument(
            "--out",
            "-o",
            help="folder of the runs, compare.json and compare.png (default runs/compare-<dataset>-<preset>)",
        )
        p.add_argument(
            "--force",
            action="store_true",
            help="replace compare.json/png and retrain run folders made with other settings",
        )
        p.add_argument(
            "--json", action="store_true", help="print the codesearch.compare/v1 document on stdout"
        )

    def run(self, args: argparse.Namespace) -> int:
        from ..schemefile import SchemeFileError, read_scheme
        from ..train import (
            COMPARE_JSON,
            COMPARE_PNG,
            CompareError,
            DatasetError,
            TrainConfigError,
            compare_schemes,
            write_compare_outputs,
        )

        if len(args.schemes) < 2:
            raise UsageError("give at least two scheme files (the first is the reference)")
        schemes = []
        for path in args.schemes:
            try:
                schemes.append(read_scheme(path))
            except SchemeFileError as exc:
                raise UsageError(str(exc)) from None
        if args.labels is not None:
            labels = [s.strip() for s in args.labels.split(",")]
            if len(labels) != len(schemes) or not all(labels):
                raise UsageError(f"--labels names {len(labels)} scheme(s) but {len(schemes)} files are given")
        else:
            labels = [Path(p).stem for p in args.schemes]
        try:
            config = config_from_args(args)
        except TrainConfigError as exc:
            raise UsageError(str(exc)) from None
        out = Path(args.out or f"runs/compare-{args.dataset}-{args.preset}")
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out} exists and is not a folder")
        for name in (COMPARE_JSON, COMPARE_PNG):
            if (out / name).exists() and not args.force:
                raise UsageError(
                    f"{out / name} exists; pass --force to replace it (finished runs are reused)"
                )
        seeds = list(range(args.first_seed, args.first_seed + args.seeds))
        try:
            result = compare_schemes(
                schemes,
                config,
                seeds,
                labels=labels,
                sources=list(args.schemes),
                out_dir=out,
                jobs=args.jobs,
                threads=args.threads,
                force=args.force,
                progress=run_progress,
            )
        except (CompareError, TrainConfigError, DatasetError, FileExistsError) as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write under {out}: {exc.strerror or exc}") from None
        try:
            paths = write_compare_outputs(result, out, force=args.force)
        except FileExistsError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        doc = result.to_dict(schemes=False)
        if args.json:
            print_json(result.to_dict())
        else:
            print_compare_tables(doc)
        failed = [r for r in result.runs if r.status != "ok"]
        for r in failed:
            err_console.print(
                f"run {r.label} seed {r.seed} {r.status}: {r.reason} (left out of the statistics)",
            )
        for p in paths:
            err_console.print(f"wrote {p}")
        return 0


COMMANDS = [CompareCommand()]
