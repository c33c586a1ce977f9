"""Commands of the model package: ``model`` (parameter counts) and ``extract`` (binary classifiers).

torch is imported inside ``run`` only, so ``codesearch --help`` stays light."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._base import CommandError, UsageError, _BaseCommand, clean, nonneg_int, out_console, plain, print_json


def _load_scheme(path: str):
    from ..schemefile import SchemeFileError, read_scheme

    try:
        return read_scheme(path)
    except SchemeFileError as exc:
        raise UsageError(str(exc)) from None


def _human_size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


class ModelCommand(_BaseCommand):
    name = "model"
    help = (
        "Parameter counts of a preset's network (whole, per stage) and of its extracted binary classifiers."
    )

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--preset", required=True, help="network preset: cifar10, cifar100, imagenet, proxy-*")
        p.add_argument("--scheme", help="scheme JSON v1 file (default: the preset's scheme in schemes/)")
        p.add_argument("--plain", action="store_true", help="every block plain (the ResNeXt control)")
        p.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    def run(self, args) -> int:
        from ..codes import PRESETS
        from ..model import ModelConfigError, default_scheme_path

        if args.preset not in PRESETS:
            raise UsageError(f"unknown preset {args.preset!r}; choose one of: {', '.join(PRESETS)}")
        if args.scheme is not None:
            scheme_path = args.scheme
        else:
            try:
                scheme_path = str(default_scheme_path(args.preset))
            except ModelConfigError as exc:
                raise UsageError(str(exc)) from None
        scheme = _load_scheme(scheme_path)

        import torch

        from ..model import create_model, parameter_report

        try:
            with torch.device("meta"):  # shapes only: no memory, no initialisation cost
                model = create_model(args.preset, scheme, plain=args.plain)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        report = parameter_report(model)
        report["scheme"] = scheme_path
        report["plain"] = bool(args.plain)
        if args.json:
            print_json(report)
            return 0
        self._print(report)
        return 0

    @staticmethod
    def _print(r: dict) -> None:
        from rich.table import Table

        total = r["parameters"]
        t = Table(title=f"{r['preset']}: {r['num_classes']} classes", title_justify="left")
        for col in ("part", "blocks", "codes", "parameters", "share"):
            t.add_column(col, justify="right" if col in ("blocks", "parameters", "share") else "left")
        t.add_row("stem", "", "", f"{r['stem']:,}", f"{r['stem'] / total:.1%}")
        for s in r["stages"]:
            codes = ", ".join(dict.fromkeys(s["codes"]))
            t.add_row(
                plain(s["name"]),
                str(s["blocks"]),
                plain(codes),
                f"{s['parameters']:,}",
                f"{s['parameters'] / total:.1%}",
            )
        t.add_row("fc", "", "", f"{r['head']:,}", f"{r['head'] / total:.1%}")
        t.add_row("total", "", "", f"{total:,}", "100.0%")
        out_console.print(f"scheme: {clean(r['scheme'])}" + (" (every block plain)" if r["plain"] else ""))
        out_console.print(t)
        b = r["binary_classifier"]
        out_console.print(
            f"binary classifier ({b['classes']} classes): min {b['min']:,}, mean {b['mean']:,.0f}, max {b['max']:,} "
            f"parameters = {b['fraction_min']:.1%} / {b['fraction_mean']:.1%} / {b['fraction_max']:.1%} of the network"
        )


class ExtractCommand(_BaseCommand):
    name = "extract"
    help = "Extract the binary classifier of one class from a model checkpoint (state dict + spec)."

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--checkpoint", required=True, help="model checkpoint written by the trainer")
        p.add_argument("--class", dest="klass", required=True, type=nonneg_int, help="class index k")
        p.add_argument("--out", required=True, help="file to write the classifier to")
        p.add_argument("--preset", help="fail unless the checkpoint is of this preset")
        p.add_argument("--force", action="store_true", help="overwrite --out")
        p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")

    def run(self, args) -> int:
        out = Path(args.out)
        if out.exists() and not args.force:
            raise UsageError(f"{out} exists; pass --force to overwrite it")
        if out.is_dir():
            raise UsageError(f"{out} is a folder; --out must name a file")

        from ..model import (
            CheckpointError,
            count_parameters,
            extract_binary_classifier,
            load_checkpoint,
            load_model_from_checkpoint,
            save_binary_classifier,
        )

        try:
            ckpt = load_checkpoint(args.checkpoint)
            model = load_model_from_checkpoint(ckpt, preset=args.preset)
        except CheckpointError as exc:
            msg = str(exc).replace("<checkpoint>", args.checkpoint)
            raise UsageError(msg) from None
        if args.klass >= model.num_classes:
            raise UsageError(
                f"class {args.klass} is out of range: the checkpoint's model has {model.num_classes} classes "
                f"(0..{model.num_classes - 1})"
            )
        clf = extract_binary_classifier(model, args.klass)
        params, total = count_parameters(clf), count_parameters(model)
        source = {
            "checkpoint": str(args.checkpoint),
            "preset": model.preset.name,
            "class": args.klass,
            "model_parameters": total,
        }
        try:
            save_binary_classifier(out, clf, source=source, force=args.force)
        except FileExistsError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        size = out.stat().st_size
        name = clf.spec.get("class_name")
        summary = {
            "out": str(out),
            "class": args.klass,
            "class_name": name,
            "preset": model.preset.name,
            "parameters": params,
            "model_parameters": total,
            "fraction": params / total,
            "bytes": size,
        }
        if args.json:
            print_json(summary)
        else:
            label = f"class {args.klass}" + (f" ({name})" if name else "")
            out_console.print(
                f"wrote {out}: binary classifier of {label}, {params:,} parameters "
                f"({params / total:.1%} of {total:,}), {_human_size(size)}",
                soft_wrap=True,
            )
        return 0


COMMANDS = [ModelCommand(), ExtractCommand()]
