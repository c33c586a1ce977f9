"""Commands of the training part: ``train`` and ``plot``. torch and matplotlib are imported inside ``run``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ._base import (
    CommandError,
    UsageError,
    _BaseCommand,
    err_console,
    nonneg_int,
    positive_float,
    positive_int,
    print_json,
)


def _nonneg_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text}")
    return v


def _probability(text: str) -> float:
    v = _nonneg_float(text)
    if v >= 1:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1), got {text}")
    return v


def add_train_options(p: argparse.ArgumentParser) -> None:
    """The TrainConfig flags of every command that trains (``train``, ``compare``): one map, one set of defaults."""
    from ..train import TrainConfig

    d = TrainConfig()
    p.add_argument(
        "--preset", required=True, help="network preset: proxy-s, proxy-s100, proxy-m, cifar10, ..."
    )
    p.add_argument("--dataset", required=True, help="digits, digit-pairs, cifar10, cifar100 or imagefolder")
    p.add_argument("--epochs", type=positive_int, default=d.epochs, help=f"epochs (default {d.epochs})")
    p.add_argument("--batch-size", type=positive_int, default=d.batch_size, help=f"default {d.batch_size}")
    p.add_argument("--lr", type=positive_float, default=d.lr, help=f"peak learning rate (default {d.lr})")
    p.add_argument("--warmup-epochs", type=nonneg_int, default=d.warmup_epochs, help="linear warm-up epochs")
    p.add_argument(
        "--weight-decay", type=_nonneg_float, default=d.weight_decay, help=f"default {d.weight_decay}"
    )
    p.add_argument("--mu", type=_nonneg_float, default=d.mu, help=f"coding-loss weight (default {d.mu})")
    p.add_argument(
        "--mu-warmup-epochs",
        type=nonneg_int,
        default=d.mu_warmup_epochs,
        help="ramp mu linearly from 0 over this many epochs (default 0)",
    )
    p.add_argument(
        "--p-drop", type=_probability, default=d.p_drop, help=f"DropSubNNs probability (default {d.p_drop})"
    )
    p.add_argument("--device", default=d.device, help="cpu (default), cuda, cuda:N, mps or auto")
    p.add_argument("--amp", action="store_true", help="bfloat16 autocast on CUDA")
    p.add_argument("--data-root", help="folder of the cifar10/cifar100/imagefolder data")
    p.add_argument("--download", action="store_true", help="download CIFAR into --data-root when missing")
    p.add_argument(
        "--samples-per-class",
        type=positive_int,
        default=d.samples_per_class,
        help=f"digit-pairs training images per class (default {d.samples_per_class})",
    )
    p.add_argument("--subset", type=positive_int, help="use at most this many train and test images")
    p.add_argument(
        "--randaugment", type=nonneg_int, nargs=2, metavar=("N", "M"), help="RandAugment n and m (CIFAR)"
    )
    p.add_argument("--num-workers", type=nonneg_int, default=0, help="DataLoader workers (default 0)")
    p.add_argument(
        "--channels-last",
        action="store_true",
        help="channels_last memory format on CPU too (faster proxy steps; other float rounding)",
    )
    p.add_argument(
        "--no-binary", action="store_true", help="skip the per-class binary classifiers (no f1, fraction)"
    )
    p.add_argument(
        "--binary-train-limit",
        type=positive_int,
        help="training images used to choose the binary thresholds (default all)",
    )
    p.add_argument(
        "--specialization-block",
        type=int,
        help="coded-block index of the removal test (default: last block of the middle coded stage)",
    )


def config_from_args(args, **extra):
    """The TrainConfig of the flags :func:`add_train_options` declares, plus ``extra`` fields."""
    from ..train import TrainConfig

    return TrainConfig(
        preset=args.preset,
        dataset=args.dataset,
        data_root=args.data_root,
        download=args.download,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        warmup_epochs=args.warmup_epochs,
        weight_decay=args.weight_decay,
        mu=args.mu,
        mu_warmup_epochs=args.mu_warmup_epochs,
        p_drop=args.p_drop,
        device=args.device,
        amp=args.amp,
        num_workers=args.num_workers,
        samples_per_class=args.samples_per_class,
        subset=args.subset,
        randaugment=tuple(args.randaugment) if args.randaugment else None,
        binary=not args.no_binary,
        binary_train_limit=args.binary_train_limit,
        specialization_block=args.specialization_block,
        channels_last=args.channels_last,
        **extra,
    )


class _EpochProgress:
    """rich progress on stderr: a bar over the batches of the epoch, a line per finished epoch, ETA."""

    def __init__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        )
        self.task = None
        self.epochs = 0
        self.t0 = time.monotonic()
        self.first_epoch = 0

    def __call__(self, event: str, info: dict) -> None:
        if event == "start":
            self.epochs, self.first_epoch = info["epochs"], info["start_epoch"]
            self.t0 = time.monotonic()
            err_console.print(
                f"training on {info['device']}: {info['train_size']} train / {info['test_size']} test images, "
                f"{info['epochs']} epochs x {info['batches']} batches"
                + (f", resuming after epoch {info['start_epoch']}" if info["start_epoch"] else ""),
            )
            self.bar.start()
            self.task = self.bar.add_task(
                "epoch", total=info["batches"] * (info["epochs"] - info["start_epoch"]), info=""
            )
        elif event == "batch" and self.task is not None:
            self.bar.update(
                self.task,
                advance=1,
                description=f"epoch {info['epoch']}/{self.epochs}",
                info=f"loss {info['loss']:.4f}",
            )
        elif event == "epoch":
            done = info["epoch"] - self.first_epoch
            left = self.epochs - info["epoch"]
            eta = (time.monotonic() - self.t0) / max(done, 1) * left
            self.bar.console.print(
                f"epoch {info['epoch']:>3}/{self.epochs}  loss {info['train_loss']:.4f}  "
                f"coding {info['coding_loss']:.4f}  train {100 * info['train_top1']:5.1f}%  "
                f"test {100 * info['test_top1']:5.1f}%  ETA {eta:5.0f}s",
            )
        elif event == "eval" and self.task is not None:
            if self.bar.tasks[0].total != info["total"] or self.bar.tasks[0].description != info["stage"]:
                self.bar.reset(self.task, total=info["total"], description=info["stage"], info="")
            self.bar.update(self.task, completed=info["done"])

    def stop(self) -> None:
        self.bar.stop()


def _summary(metrics) -> list[str]:
    """The lines printed after a finished run (``metrics``: its RunResult)."""
    lines = [f"top-1 {100 * metrics.top1:.2f}%  ({metrics.seconds:.1f} s on {metrics.device})"]
    fig = metrics.scheme_metrics
    if fig is not None and fig.early is not None:
        gap = "-" if fig.gap is None else f"{100 * fig.gap:.2f} points"
        lines.append(f"mean early decoding {100 * fig.early:.2f}%, specialization gap {gap}")
    for r in metrics.early_decoding:
        lines.append(f"early decoding {r['stage']}#{r['index']} ({r['code']}): {100 * r['accuracy']:.2f}%")
    b = metrics.binary
    if b:
        lines.append(
            f"binary classifiers: mean F1 {b.mean_f1:.3f}, precision {b.mean_precision:.3f}, "
            f"recall {b.mean_recall:.3f}, {100 * b.param_fraction:.1f}% of the parameters"
        )
    s = metrics.specialization
    if s:
        act = ", ".join(f"{100 * e['accuracy']:.1f}" for e in s["active"])
        ina = ", ".join(f"{100 * e['accuracy']:.1f}" for e in s["inactive"])
        lines.append(
            f"specialization {s['stage']}#{s['index']} ({s['code']}): baseline {100 * s['baseline']:.1f}%; "
            f"remove active k=1.. -> {act}; remove inactive k=1.. -> {ina}"
        )
    return lines


class TrainCommand(_BaseCommand):
    name = "train"
    help = (
        "Train a Coded ResNeXt proxy with a scheme and measure it (top-1, early decoding, binary, removal)."
    )

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        from ..train import COMPILE_MODES, TrainConfig

        d = TrainConfig()
        p.add_argument("--scheme", help="scheme JSON v1 file (optional with --control)")
        add_train_options(p)
        p.add_argument("--seed", type=nonneg_int, default=d.seed, help="random seed (default 0)")
        p.add_argument(
            "--control", action="store_true", help="same network with every block plain (ResNeXt baseline)"
        )
        p.add_argument(
            "--compile",
            nargs="?",
            const="default",
            choices=list(COMPILE_MODES),
            help="torch.compile the training step (mode; default 'default'; 'reduce-overhead' uses CUDA "
            "graphs). The first steps are slow while it compiles.",
        )
        p.add_argument(
            "--sync-bn",
            action="store_true",
            help="under torchrun: SyncBatchNorm over the global batch (CUDA only)",
        )
        p.add_argument("--out", "-o", help="run folder (default runs/<dataset>-<preset>[-control]-seed<S>)")
        p.add_argument("--resume", action="store_true", help="continue the run in --out from its checkpoint")
        p.add_argument("--force", action="store_true", help="start again in an existing run folder")
        p.add_argument("--json", action="store_true", help="print metrics.json on stdout at the end")

    def run(self, args: argparse.Namespace) -> int:
        from ..schemefile import SchemeFileError, read_scheme
        from ..train import (
            CHECKPOINT_NAME,
            RunFolderBusy,
            TrainConfigError,
            run_exists,
            run_training,
        )

        if args.resume and args.force:
            raise UsageError("--resume continues a run and --force starts it again; pass one of them")
        scheme = None
        if args.scheme is not None:
            try:
                scheme = read_scheme(args.scheme)
            except SchemeFileError as exc:
                raise UsageError(str(exc)) from None
        elif not args.control:
            raise UsageError("--scheme is required (only --control trains without one)")
        preset = args.preset
        try:
            config = config_from_args(
                args, control=args.control, seed=args.seed, sync_bn=args.sync_bn, compile=args.compile
            )
        except TrainConfigError as exc:
            raise UsageError(str(exc)) from None
        ctx = None
        from ..train import init_distributed, launched_by_torchrun

        if launched_by_torchrun():  # one job over torchrun's processes; only rank 0 writes and reports
            try:
                ctx = init_distributed(config.device)
            except (RuntimeError, ValueError, KeyError) as exc:
                raise CommandError(f"cannot join the torchrun process group: {exc}") from None
        elif args.sync_bn:
            raise UsageError("--sync-bn needs a torchrun job of several processes")
        if args.out == "":
            raise UsageError("--out is empty; give a run folder")
        out = Path(
            args.out or f"runs/{args.dataset}-{preset}{'-control' if args.control else ''}-seed{args.seed}"
        )
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out} exists and is not a folder")
        if run_exists(out) and not (args.resume or args.force):
            raise UsageError(
                f"{out} already holds a run; pass --resume to continue it or --force to start again"
            )
        if args.resume and not run_exists(out):
            raise UsageError(f"{out} holds no run to resume")

        main_rank = ctx is None or ctx.is_main
        progress = _EpochProgress() if main_rank else None
        try:
            metrics = run_training(
                config,
                scheme,
                out_dir=out,
                resume=args.resume,
                overwrite=args.force,
                progress=progress,
                distributed=ctx,
            )
        except (TrainConfigError, FileExistsError) as exc:
            raise UsageError(str(exc)) from None
        except RunFolderBusy as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            if progress is not None:
                progress.stop()
            if (out / CHECKPOINT_NAME).exists():
                err_console.print(
                    f"interrupted; the last finished epoch is saved in {out} (continue with --resume)",
                )
            else:
                err_console.print("interrupted before the first epoch ended; nothing was saved")
            return 130
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        finally:
            if progress is not None:
                progress.stop()
            if ctx is not None:
                import torch.distributed as dist

                dist.destroy_process_group()
        if not main_rank:
            if not metrics.ok:
                raise CommandError(f"training failed: {metrics.reason}")
            return 0
        if args.json:
            print_json(metrics.to_json())
        if not metrics.ok:
            raise CommandError(f"training failed: {metrics.reason} (details in {out / 'metrics.json'})")
        for line in _summary(metrics):
            err_console.print(line)
        err_console.print(f"wrote {out / 'metrics.json'}")
        return 0


class PlotCommand(_BaseCommand):
    name = "plot"
    help = "Draw PNG figures of a training run from its metrics.json."

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("run", help="run folder (or its metrics.json)")
        p.add_argument("--out", "-o", help="folder for the PNGs (default RUN/plots)")
        p.add_argument("--force", action="store_true", help="overwrite existing PNGs")

    def run(self, args: argparse.Namespace) -> int:
        from ..train import read_metrics, render_figures, write_figures

        run = Path(args.run)
        if run.is_file():
            run = run.parent
        try:
            metrics = read_metrics(run)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if not metrics.ok:
            raise UsageError(f"{run} is not a finished run (status {metrics.status!r})")
        try:
            figures = render_figures(metrics)
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(
                f"{run}/metrics.json lacks what the figures need ({type(exc).__name__}: {exc})"
            ) from None
        if not figures:
            raise UsageError(f"{run}/metrics.json holds nothing to draw (no history, no evaluation)")
        out = Path(args.out) if args.out else run / "plots"
        try:
            paths = write_figures(figures, out, force=args.force)
        except FileExistsError as exc:
            if exc.errno is not None:  # mkdir met a file where a folder belongs
                raise CommandError(f"cannot write {exc.filename}: a file, not a folder") from None
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        for p in paths:
            err_console.print(f"wrote {p}")
        return 0


COMMANDS = [TrainCommand(), PlotCommand()]
