"""Commands of the coding core: generate, score, show, export, bounds. No torch, no optuna here."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

from ._base import (
    CommandError,
    UsageError,
    _BaseCommand,
    clean,
    err_console,
    nonneg_int,
    out_console,
    plain,
    positive_float,
    positive_int,
    print_json,
)


# -- helpers -------------------------------------------------------------------------------------
def parse_ratio(text: str) -> Fraction:
    """``"1/4"``, ``"0.25"`` and ``"8/32"`` all give ``Fraction(1, 4)``; UsageError otherwise."""
    try:
        r = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"--ratio must be a fraction such as 1/4 or 0.25, not {text!r}") from None
    if not 0 < r < 1:
        raise UsageError(f"--ratio must lie strictly between 0 and 1, not {text}")
    return r


@contextmanager
def progress_display(description: str):
    """A transient rich progress bar on stderr; yields a ``progress(fraction, message)`` callback.

    The bar only appears when the work lasts longer than a second."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    start = time.monotonic()
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[msg]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    task = bar.add_task(description, total=1.0, msg="")
    state = {"started": False}

    def update(fraction: float, message: str = "") -> None:
        if not state["started"] and time.monotonic() - start > 1.0:
            bar.start()
            state["started"] = True
        bar.update(task, completed=max(0.0, min(1.0, float(fraction))), msg=message)

    try:
        yield update
    finally:
        if state["started"]:
            bar.stop()


def _read(path: str):
    from ..schemefile import SchemeFileError, read_scheme

    try:
        scheme = read_scheme(path)
    except SchemeFileError as exc:
        raise UsageError(str(exc)) from None
    _check_scheme_limits(path, scheme)
    return scheme


def _check_scheme_limits(path: str, scheme) -> None:
    """Refuse (exit 2) a scheme whose codes exceed the size limits, before any metric is computed."""
    from ..codes import MAX_CLASSES, MAX_SUBNNS

    for c in scheme.codes:
        if c.code.n > MAX_SUBNNS:
            raise UsageError(
                f"{path}: code {c.id} has N = {c.code.n} subNNs; the limit is MAX_SUBNNS = {MAX_SUBNNS}"
            )
        if c.code.size > MAX_CLASSES:
            raise UsageError(
                f"{path}: code {c.id} has K = {c.code.size} classes; the limit is MAX_CLASSES = {MAX_CLASSES}"
            )


def _check_sizes(classes: int | None, subnns: int | None) -> None:
    """Exit 2 naming the limit when --classes or --subnns exceeds it (before any work is done)."""
    from ..codes import MAX_CLASSES, MAX_SUBNNS

    if subnns is not None and subnns > MAX_SUBNNS:
        raise UsageError(f"--subnns must be at most MAX_SUBNNS = {MAX_SUBNNS}, not {subnns}")
    if classes is not None and classes > MAX_CLASSES:
        raise UsageError(f"--classes must be at most MAX_CLASSES = {MAX_CLASSES}, not {classes}")


def _write_or_print(text: str, out: str | None, force: bool) -> None:
    from .._atomic import write_text_atomic

    if out is None:
        sys.stdout.write(text)
        return
    try:
        write_text_atomic(out, text, force=force)
    except FileExistsError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None


def _check_out(out: str | None, force: bool) -> None:
    """Fail before any work when --out exists and --force is absent."""
    if out is not None and (out == "" or out.endswith(("/", os.sep)) or Path(out).is_dir()):
        raise UsageError(f"{out!r} is a folder or empty; give a file name")
    if out is not None and Path(out).exists() and not force:
        raise UsageError(f"{out} exists; pass --force to overwrite it")


# -- generate --------------------------------------------------------------------------------------
def _run_generator(method, classes, n, w, seed, min_distance, time_limit, progress):
    from ..codes import GenerateRequest, GenerationError, generate

    _check_sizes(classes, n)
    req = GenerateRequest(classes, n, w, seed=seed, min_distance=min_distance, time_limit=time_limit)
    try:
        return generate(method, req, progress)
    except GenerationError as exc:
        raise CommandError(str(exc)) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _summary_table(scheme, title: str):
    from rich.table import Table

    from ..codes import code_metrics

    t = Table(title=plain(title), title_justify="left")
    # Compact headers so the table fits 80 columns when stdout is not a terminal.
    for col in ("code", "K", "N", "w", "d", "d<=", "pairs@d", "LP>=", "columns", "spread", "method"):
        t.add_column(col, justify="right" if col not in ("code", "method") else "left", no_wrap=True)
    for c in scheme.codes:
        m = code_metrics(c.code)
        cs = m["column_sums"]
        lp = m["lp_min_pairs_at_min_distance"]
        t.add_row(
            plain(c.id),
            str(c.code.size),
            str(c.code.n),
            str(c.code.w),
            str(m["min_distance"]),
            str(m["max_distance_bound"]),
            str(m["pairs_at_min_distance"]),
            "-" if lp is None else str(lp),
            f"{min(cs)}..{max(cs)}",
            str(m["column_spread"]),
            plain(_method_label(c)),
        )
    return t


def _method_label(c) -> str:
    winner = c.params.get("winner") if isinstance(c.params, dict) else None
    return f"{c.method} ({winner})" if winner and winner != c.method else c.method


class GenerateCommand(_BaseCommand):
    name = "generate"
    help = "Generate a coding scheme (one code, or a whole network's codes with --preset)."

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--classes", "-K", type=positive_int, help="number of classes K (codewords)")
        g = p.add_mutually_exclusive_group()
        g.add_argument("--ratio", help="fraction of active subNNs r = w/N: 1/4, 0.25 and 8/32 are the same")
        g.add_argument("--active", "-w", type=positive_int, help="active subNNs per class w (needs --subnns)")
        p.add_argument(
            "--subnns", "-N", type=positive_int, help="number of subNNs N (default: chosen from --ratio)"
        )
        p.add_argument(
            "--preset",
            help="build the whole-network scheme of a preset (cifar10, cifar100, imagenet, proxy-*)",
        )
        p.add_argument(
            "--method",
            default="auto",
            help="generator: auto (default), algebraic, anneal, exact, lexicode, random",
        )
        p.add_argument("--seed", type=nonneg_int, default=0, help="random seed (default 0)")
        p.add_argument("--min-distance", type=positive_int, help="required minimum Hamming distance")
        p.add_argument(
            "--time-limit", type=positive_float, default=60.0, help="seconds per code (default 60)"
        )
        p.add_argument("--out", "-o", help="write the scheme JSON to this file")
        p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
        p.add_argument("--json", action="store_true", help="print the scheme JSON on stdout")

    def run(self, args: argparse.Namespace) -> int:
        from ..codes import Scheme, SchemeCode, generator_names, get_preset
        from ..schemefile import dumps_scheme

        if args.method not in generator_names():
            raise UsageError(f"unknown method {args.method!r}; choose one of: {', '.join(generator_names())}")
        _check_out(args.out, args.force)
        _check_sizes(args.classes, args.subnns)
        notes: list[str] = []
        if args.preset is not None:
            if args.ratio or args.active or args.subnns:
                raise UsageError(
                    "--preset fixes the codes; do not combine it with --ratio, --active or --subnns"
                )
            try:
                preset = get_preset(args.preset)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            classes = args.classes or preset.num_classes
            codes = []
            for w, n in preset.code_shapes:
                with progress_display(f"{w}/{n}") as prog:
                    res = _run_generator(
                        args.method, classes, n, w, args.seed, args.min_distance, args.time_limit, prog
                    )
                notes.extend(res.notes)
                codes.append(SchemeCode(res.code, res.method, res.seed, res.params))
            scheme = Scheme(classes, tuple(codes), blocks=tuple(preset.blocks), preset=preset.name)
        else:
            if args.classes is None:
                raise UsageError("--classes is required (or use --preset)")
            if args.ratio is None and args.active is None:
                raise UsageError("give --ratio (e.g. 1/4) or --active with --subnns")
            if args.classes < 2:
                raise UsageError(f"--classes must be at least 2, not {args.classes}")
            if args.active is not None:
                if args.subnns is None:
                    raise UsageError("--active needs --subnns")
                n, w = args.subnns, args.active
            elif args.subnns is not None:
                r = parse_ratio(args.ratio)
                if (r * args.subnns).denominator != 1:
                    raise UsageError(
                        f"ratio {args.ratio} is not representable with N={args.subnns} subNNs "
                        f"(r*N = {float(r * args.subnns):g} is not a whole number)"
                    )
                n, w = args.subnns, int(r * args.subnns)
            else:
                n = w = None
            if n is not None:
                if not 0 < w < n:
                    raise UsageError(f"the number of active subNNs must satisfy 0 < w < N, not w={w}, N={n}")
                with progress_display(f"{w}/{n}") as prog:
                    res = _run_generator(
                        args.method, args.classes, n, w, args.seed, args.min_distance, args.time_limit, prog
                    )
                notes.extend(res.notes)
            else:
                r = parse_ratio(args.ratio)
                md = args.min_distance if args.min_distance is not None else 4
                from ..codes import NoSubnnsFound, choose_subnns

                with progress_display(f"ratio {r}") as prog:
                    try:
                        res, reasons = choose_subnns(
                            args.classes, r, md, args.method, args.seed, args.time_limit, prog
                        )
                    except NoSubnnsFound as exc:
                        raise UsageError(f"{exc}; pass --subnns or a lower --min-distance") from None
                notes.extend(reasons)
                notes.extend(res.notes)
                notes.append(
                    f"chose N={res.code.n}, w={res.code.w}: the smallest multiple of {r.denominator} "
                    f"with C(N,w) >= {args.classes} and a code at d >= {md}"
                )
            scheme = Scheme(args.classes, (SchemeCode(res.code, res.method, res.seed, res.params),))
        text = dumps_scheme(scheme)
        for note in notes:
            err_console.print(note, soft_wrap=True)
        if args.json:
            sys.stdout.write(text)
        else:
            out_console.print(_summary_table(scheme, "Generated scheme"))
        if args.out:
            _write_or_print(text, args.out, args.force)
            err_console.print(f"wrote {args.out}")
        return 0


# -- score -------------------------------------------------------------------------------------------
class ScoreCommand(_BaseCommand):
    name = "score"
    help = "Score a scheme file: distances, balance, column relations, bounds, decoding robustness."

    def add_arguments(self, p):
        p.add_argument("file", help="scheme JSON v1 file")
        p.add_argument(
            "--sigma",
            type=positive_float,
            nargs="+",
            default=[0.25, 0.5, 0.75],
            help="noise levels for Monte-Carlo nearest-codeword decoding",
        )
        p.add_argument(
            "--flips", type=positive_int, nargs="+", default=[1, 2], help="numbers of flipped branches"
        )
        p.add_argument(
            "--trials", type=positive_int, default=10000, help="Monte-Carlo trials (default 10000)"
        )
        p.add_argument("--seed", type=nonneg_int, default=0)
        p.add_argument("--json", action="store_true", help="print the scores as JSON on stdout")

    def run(self, args):
        from rich.table import Table

        scheme = _read(args.file)
        n_min = min(c.code.n for c in scheme.codes)
        if max(args.flips) > n_min:
            raise UsageError(
                f"--flips {max(args.flips)} is more than the {n_min} subNNs of the smallest code"
            )
        from ..codes import scheme_scores

        report = scheme_scores(scheme, args.sigma, args.flips, args.trials, args.seed)
        if args.json:
            print_json(report)
            return 0
        out_console.print(_summary_table(scheme, f"Scores of {args.file}"))
        for cid, m in report["codes"].items():
            t = Table(title=plain(f"code {cid}"), title_justify="left", show_header=False)
            t.add_column("metric")
            t.add_column("value")
            t.add_row(
                "distance spectrum", ", ".join(f"d={d}: {c}" for d, c in m["distance_spectrum"].items())
            )
            t.add_row("column sums", " ".join(map(str, m["column_sums"])))
            t.add_row("duplicate columns", str(m["duplicate_columns"] or "none"))
            t.add_row("complementary columns", str(m["complementary_columns"] or "none"))
            t.add_row("min column distance", str(m["min_column_distance"]))
            rob = m["robustness"]
            t.add_row(
                "noise decoding accuracy", ", ".join(f"sigma={s}: {a:.4f}" for s, a in rob["noise"].items())
            )
            t.add_row(
                "flip decoding accuracy", ", ".join(f"{b} flipped: {a:.4f}" for b, a in rob["flips"].items())
            )
            out_console.print(t)
        return 0


# -- show ----------------------------------------------------------------------------------------------
def _write_heatmap(scheme, path: str, force: bool) -> None:
    from .._atomic import write_bytes_atomic
    from ..schemeplot import scheme_figure_png

    try:
        write_bytes_atomic(path, scheme_figure_png(scheme), force=force)
    except FileExistsError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


class ShowCommand(_BaseCommand):
    name = "show"
    help = "Show a scheme's matrices as a terminal heatmap (and a PNG with --png)."

    def add_arguments(self, p):
        p.add_argument("file", help="scheme JSON v1 file")
        p.add_argument("--png", help="also write a PNG heatmap + distance histogram here")
        p.add_argument("--force", action="store_true", help="overwrite --png if it exists")
        p.add_argument(
            "--max-rows", type=positive_int, default=100, help="rows shown in the terminal (default 100)"
        )

    def run(self, args):
        from rich.text import Text

        scheme = _read(args.file)
        _check_out(args.png, args.force)
        out_console.print(_summary_table(scheme, args.file))
        for c in scheme.codes:
            text = Text(f"code {clean(c.id)} (rows = classes, columns = subNNs)\n")
            names = [clean(n) for n in scheme.class_names] if scheme.class_names else scheme.class_names
            width = (
                max(len(str(c.code.size - 1)), *(len(s) for s in names))
                if names
                else len(str(c.code.size - 1))
            )
            for k, row in enumerate(c.code.matrix[: args.max_rows]):
                label = names[k] if names else str(k)
                text.append(f"{label:>{width}} ")
                for b in row:
                    text.append("  ", style="on green" if b else "on grey23")
                text.append(f" {int(row.sum())}\n")
            if c.code.size > args.max_rows:
                text.append(f"... {c.code.size - args.max_rows} more rows (--max-rows)\n")
            text.append(
                " " * (width + 1)
                + "".join(f"{s:>2}" for s in c.code.column_sums % 100)
                + "  column sums mod 100\n"
            )
            out_console.print(text)
        if args.png:
            _write_heatmap(scheme, args.png, args.force)
            err_console.print(f"wrote {args.png}")
        return 0


# -- export --------------------------------------------------------------------------------------------
class ExportCommand(_BaseCommand):
    name = "export"
    help = "Export a scheme as the paper's Python dict, CSV or plain JSON matrices."

    def add_arguments(self, p):
        p.add_argument("file", help="scheme JSON v1 file")
        p.add_argument("--format", "-f", required=True, choices=["paper", "csv", "json"])
        p.add_argument("--out", "-o", help="write here instead of stdout")
        p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
        p.add_argument(
            "--name",
            help="paper format: name of the dict (default SUBNNS_CODING_CIFAR10/_CIFAR100/"
            "_IMAGENET from the preset or K = 10/100/1000)",
        )

    def run(self, args):
        from ..schemefile import EXPORTS, export_paper

        scheme = _read(args.file)
        if args.name is not None and args.format != "paper":
            raise UsageError("--name only applies to --format paper")
        _check_out(args.out, args.force)
        if args.format == "paper":
            try:
                text = export_paper(scheme, args.name)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        else:
            text = EXPORTS[args.format](scheme)
        _write_or_print(text, args.out, args.force)
        return 0


# -- bounds --------------------------------------------------------------------------------------------
class BoundsCommand(_BaseCommand):
    name = "bounds"
    help = "Johnson and Delsarte LP bounds for K codewords of length N and weight w."

    def add_arguments(self, p):
        p.add_argument("--classes", "-K", type=positive_int, required=True)
        p.add_argument("--subnns", "-N", type=positive_int, required=True)
        p.add_argument("--active", "-w", type=positive_int, required=True)
        p.add_argument("--json", action="store_true")

    def run(self, args):
        from rich.table import Table

        from ..codes import GenerateRequest, bounds_table, max_distance_bound, validate_request

        k, n, w = args.classes, args.subnns, args.active
        _check_sizes(k, n)
        try:
            validate_request(GenerateRequest(k, n, w))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        rows = bounds_table(k, n, w)
        best = max_distance_bound(k, n, w)
        if args.json:
            print_json({"classes": k, "subnns": n, "active": w, "max_distance": best, "rows": rows})
            return 0
        t = Table(
            title=f"Bounds for K={k}, N={n}, w={w}: any such code has d <= {best}", title_justify="left"
        )
        for col in (
            "d",
            "Johnson A(N,d,w) <=",
            "LP A(N,d,w) <=",
            "best bound",
            f"K={k} possible",
            "LP min pairs at d",
        ):
            t.add_column(col, justify="right")
        for r in rows:
            lp = r["lp"]
            t.add_row(
                str(r["d"]),
                str(r["johnson"]),
                (str(lp) if isinstance(lp, int) else f"{lp:.2f}") if lp is not None else "unsolved",
                str(r["max_size"]),
                "yes" if r["feasible"] else "no",
                "-" if r["lp_min_pairs"] is None else str(r["lp_min_pairs"]),
            )
        out_console.print(t)
        return 0


class ValidateCommand(_BaseCommand):
    name = "validate"
    help = "Check scheme files against the scheme JSON v1 schema and the matrix rules (exit 1 naming file and field)."

    def add_arguments(self, p):
        p.add_argument("files", nargs="+", metavar="FILE", help="scheme JSON files")
        p.add_argument("--json", action="store_true", help="one JSON report on stdout")

    def run(self, args):
        from ..validate import Problem, validate_scheme_data

        reports = []
        for name in args.files:
            try:
                data = json.loads(Path(name).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                problems = [Problem("", f"cannot read the file ({getattr(exc, 'strerror', None) or exc})")]
            except (ValueError, RecursionError) as exc:
                problems = [Problem("", f"not valid JSON ({type(exc).__name__})")]
            else:
                problems = validate_scheme_data(data)
            reports.append(
                {
                    "file": name,
                    "valid": not problems,
                    "problems": [{"field": q.field, "message": q.message} for q in problems],
                }
            )
            for q in problems:
                where = f"field '{q.field}': " if q.field else ""
                err_console.print(f"{name}: {where}{q.message}", soft_wrap=True)
            if not problems:
                err_console.print(f"{name}: valid scheme JSON v1", soft_wrap=True)
        if args.json:
            print_json({"files": reports})
        return 0 if all(r["valid"] for r in reports) else 1


COMMANDS: list[_BaseCommand] = [
    GenerateCommand(),
    ScoreCommand(),
    ShowCommand(),
    ExportCommand(),
    BoundsCommand(),
    ValidateCommand(),
]
