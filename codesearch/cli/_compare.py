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
    positive_float,
    positive_int,
    print_json,
)
from ._train import _nonneg_float, _probability


def _pct(v) -> str:
    return "-" if v is None else f"{100 * v:.2f}"


def _p(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}" if v >= 1e-3 else f"{v:.1e}"


def verdict_text(label: str, verdict: str, seeds: int) -> str:
    """"B better", "B worse" or "no detectable difference at S seeds"."""
    from ..stats import NO_DIFFERENCE

    return f"no detectable difference at {seeds} seeds" if verdict == NO_DIFFERENCE else f"{label} {verdict}"


def print_compare_tables(doc: dict) -> None:
    """Rich tables of a codesearch.compare/v1 document on stdout: summaries, then differences vs the reference."""
    from rich.table import Table

    labels = [e["label"] for e in doc["entries"]]
    ref = doc["reference"]
    seeds = len(doc["seeds"])
    conf = round(100 * doc["confidence"])
    t = Table(title=f"{seeds} paired seeds: mean, sd and {conf}% CI (in %; reference {ref})", title_justify="left")
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
    d = Table(title=f"paired differences vs {ref} (in % points; p-values Holm-corrected over "
                    f"{len(labels) - 1} scheme(s), alpha {doc['alpha']})", title_justify="left")
    for col in ("scheme", "metric", "mean diff", f"{conf}% CI", "t-test p", "Wilcoxon p", "verdict"):
        d.add_column(col, justify="left" if col in ("scheme", "metric", "verdict") else "right")
    for lab in labels[1:]:
        for m in doc["metrics"]:
            c = doc["comparisons"].get(lab, {}).get(m)
            if not c:
                continue
            ci = "-" if c["ci_low"] is None else f"[{100 * c['ci_low']:+.2f}, {100 * c['ci_high']:+.2f}]"
            diff = "-" if c["mean_diff"] is None else f"{100 * c['mean_diff']:+.2f}"
            d.add_row(lab, m, diff, ci, _p(c["t_p_holm"]), _p(c["wilcoxon_p_holm"]),
                      verdict_text(lab, c["verdict"], c["n"]))
    out_console.print(d)


def add_train_options(p: argparse.ArgumentParser) -> None:
    """The TrainConfig flags shared by ``compare`` (and any command that trains many runs)."""
    from ..train import TrainConfig

    d = TrainConfig()
    p.add_argument("--preset", required=True, help="network preset: proxy-s, proxy-s100, proxy-m, cifar10, ...")
    p.add_argument("--dataset", required=True, help="digits, digit-pairs, cifar10, cifar100 or imagefolder")
    p.add_argument("--epochs", type=positive_int, default=d.epochs, help=f"epochs (default {d.epochs})")
    p.add_argument("--batch-size", type=positive_int, default=d.batch_size, help=f"default {d.batch_size}")
    p.add_argument("--lr", type=positive_float, default=d.lr, help=f"peak learning rate (default {d.lr})")
    p.add_argument("--warmup-epochs", type=nonneg_int, default=d.warmup_epochs, help="linear warm-up epochs")
    p.add_argument("--weight-decay", type=_nonneg_float, default=d.weight_decay, help=f"default {d.weight_decay}")
    p.add_argument("--mu", type=_nonneg_float, default=d.mu, help=f"coding-loss weight (default {d.mu})")
    p.add_argument("--mu-warmup-epochs", type=nonneg_int, default=d.mu_warmup_epochs,
                   help="ramp mu linearly from 0 over this many epochs (default 0)")
    p.add_argument("--p-drop", type=_probability, default=d.p_drop, help=f"DropSubNNs probability (default {d.p_drop})")
    p.add_argument("--device", default=d.device, help="cpu (default), cuda, cuda:N, mps or auto")
    p.add_argument("--amp", action="store_true", help="bfloat16 autocast on CUDA")
    p.add_argument("--data-root", help="folder of the cifar10/cifar100/imagefolder data")
    p.add_argument("--download", action="store_true", help="download CIFAR into --data-root when missing")
    p.add_argument("--samples-per-class", type=positive_int, default=d.samples_per_class,
                   help=f"digit-pairs training images per class (default {d.samples_per_class})")
    p.add_argument("--subset", type=positive_int, help="use at most this many train and test images")
    p.add_argument("--randaugment", type=nonneg_int, nargs=2, metavar=("N", "M"), help="RandAugment n and m (CIFAR)")
    p.add_argument("--num-workers", type=nonneg_int, default=0, help="DataLoader workers (default 0)")
    p.add_argument("--channels-last", action="store_true",
                   help="channels_last memory format on CPU too (faster proxy steps; other float rounding)")
    p.add_argument("--no-binary", action="store_true", help="skip the per-class binary classifiers (no f1, fraction)")
    p.add_argument("--binary-train-limit", type=positive_int,
                   help="training images used to choose the binary thresholds (default all)")
    p.add_argument("--specialization-block", type=int,
                   help="coded-block index of the removal test (default: last block of the middle coded stage)")


def config_from_args(args):
    from ..train import TrainConfig

    return TrainConfig(
        preset=args.preset, dataset=args.dataset, data_root=args.data_root, download=args.download,
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, warmup_epochs=args.warmup_epochs,
        weight_decay=args.weight_decay, mu=args.mu, mu_warmup_epochs=args.mu_warmup_epochs, p_drop=args.p_drop,
        device=args.device, amp=args.amp, num_workers=args.num_workers, samples_per_class=args.samples_per_class,
        subset=args.subset, randaugment=tuple(args.randaugment) if args.randaugment else None,
        binary=not args.no_binary, binary_train_limit=args.binary_train_limit,
        specialization_block=args.specialization_block, channels_last=args.channels_last,
    )


def run_progress(event: str, info: dict) -> None:
    """One line on stderr per finished run (and one at the start)."""
    if event == "start":
        err_console.print(f"{info['total']} run(s): {info['reused']} finished already (reused), "
                          f"{info['total'] - info['reused']} to train, {info['jobs']} at a time", markup=False)
    elif event == "run":
        what = (f"top-1 {100 * info['top1']:.2f}%" if info["status"] == "ok" and info["top1"] is not None
                else f"{info['status']}: {info['reason']}")
        secs = f" ({info['seconds']:.0f} s)" if info.get("seconds") is not None else ""
        err_console.print(f"[{info['done']}/{info['total']}] {info['label']} seed {info['seed']}: {what}{secs}",
                          markup=False)


class CompareCommand(_BaseCommand):
    name = "compare"
    help = ("Train schemes with the same seeds (paired) and compare every metric: means, confidence intervals, paired "
            "t and Wilcoxon tests (Holm-corrected) against the first scheme.")

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("schemes", nargs="+", metavar="SCHEME", help="scheme JSON v1 files; the first is the reference")
        p.add_argument("--seeds", type=positive_int, required=True, help="number of paired torch seeds S")
        p.add_argument("--first-seed", type=nonneg_int, default=0, help="seeds are FIRST .. FIRST+S-1 (default 0)")
        p.add_argument("--labels", help="comma-separated names of the schemes (default: the file names)")
        add_train_options(p)
        p.add_argument("--jobs", "-j", type=positive_int, default=1,
                       help="trainings at once, each in its own process (default 1)")
        p.add_argument("--threads", type=positive_int,
                       help="torch threads per training (default 1 with --jobs > 1, else torch's default)")
        p.add_argument("--out", "-o", help="folder of the runs, compare.json and compare.png "
                                           "(default runs/compare-<dataset>-<preset>)")
        p.add_argument("--force", action="store_true",
                       help="replace compare.json/png and retrain run folders made with other settings")
        p.add_argument("--json", action="store_true", help="print the codesearch.compare/v1 document on stdout")

    def run(self, args: argparse.Namespace) -> int:
        from ..io import SchemeFileError, read_scheme
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
                raise UsageError(f"{out / name} exists; pass --force to replace it (finished runs are reused)")
        seeds = list(range(args.first_seed, args.first_seed + args.seeds))
        try:
            result = compare_schemes(schemes, config, seeds, labels=labels, sources=list(args.schemes), out_dir=out,
                                     jobs=args.jobs, threads=args.threads, force=args.force, progress=run_progress)
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
            err_console.print(f"run {r.label} seed {r.seed} {r.status}: {r.reason} (left out of the statistics)",
                              markup=False)
        for p in paths:
            err_console.print(f"wrote {p}", markup=False)
        return 0


COMMANDS = [CompareCommand()]
