"""``codesearch study create|run|status|best|export|plot``: Optuna studies over schemes and proxy runs.

optuna and torch are imported inside the sub-commands, so ``codesearch --help`` stays light.
"""

from __future__ import annotations

import argparse
import json
import signal

from ._base import (
    CommandError,
    UsageError,
    _BaseCommand,
    err_console,
    nonneg_int,
    out_console,
    plain,
    positive_float,
    positive_int,
    print_json,
)
from ._study_common import StudySubcommand as _Sub


def _fmt(v, digits: int = 4) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _values_text(values: dict | None) -> str:
    if not values:
        return "-"
    return ", ".join(f"{k}={_fmt(v)}" for k, v in values.items())


def _print_notes(handle) -> None:
    for note in handle.notes:
        err_console.print(f"note: {note}", soft_wrap=True)


def _open(args, **kwargs):
    from ..study import open_study

    handle = open_study(args.name, args.storage, **kwargs)
    _print_notes(handle)
    return handle


class _Create(_Sub):
    name = "create"
    help = "Record a study and its fixed settings in the storage (same settings again: no-op)."

    def add_arguments(self, p):
        super().add_arguments(p)
        p.add_argument("--classes", "-K", type=positive_int, required=True, help="number of classes K")
        p.add_argument(
            "--dataset", required=True, help="training dataset of the proxy runs (digits, digit-pairs, ...)"
        )
        p.add_argument("--preset", required=True, help="network preset of the proxy runs (e.g. proxy-s)")
        p.add_argument(
            "--objective",
            default="accuracy",
            help="top1, early, gap, f1, fraction or a comma-separated list of them (multi-objective); "
            "accuracy = top1 with pruning (default); pareto = top1,f1,fraction",
        )
        p.add_argument(
            "--repeats",
            type=positive_int,
            default=1,
            help="torch seeds per trial (train seed, +1, ...); the trial reports their mean (default 1)",
        )
        p.add_argument("--epochs", type=positive_int, default=2, help="epochs per proxy run (default 2)")
        p.add_argument("--space", help="JSON or TOML file overriding the default search space")
        p.add_argument(
            "--pruner",
            choices=("median", "hyperband"),
            help="pruner of the accuracy objective (default median)",
        )
        p.add_argument("--subset", type=positive_int, help="keep at most this many training and test samples")
        p.add_argument("--batch-size", type=positive_int, help="training batch size of the proxy runs")
        p.add_argument(
            "--samples-per-class", type=positive_int, help="digit-pairs: training images per class"
        )
        p.add_argument(
            "--train-seed",
            type=nonneg_int,
            default=0,
            help="torch seed of every proxy run (default 0; the same for all trials so that they "
            "differ only by their parameters)",
        )

    def run(self, args):
        from ..study import create_or_check, define_study, read_space_file

        overrides = read_space_file(args.space) if args.space else None
        train = {"seed": args.train_seed}
        for key in ("subset", "batch_size", "samples_per_class"):
            if getattr(args, key) is not None:
                train[key] = getattr(args, key)
        definition, space = define_study(
            args.name,
            args.classes,
            args.dataset,
            args.preset,
            objective=args.objective,
            epochs=args.epochs,
            pruner=args.pruner,
            space=overrides,
            train=train,
            space_source=args.space or "space",
            repeats=args.repeats,
        )
        handle, created = create_or_check(definition, args.storage, paper_params=space.paper_params())
        _print_notes(handle)
        where = handle.spec.display()
        handle.close()
        if created:
            err_console.print(
                f"created study {args.name!r} in {where}; the paper's default configuration is "
                "queued as its first trial",
            )
        else:
            err_console.print(
                f"study {args.name!r} already exists in {where} with these settings; nothing to do",
            )
        return 0


class _Run(_Sub):
    name = "run"
    help = "Run one worker (start as many as you like, on any machine that reaches the storage)."

    def add_arguments(self, p):
        super().add_arguments(p)
        p.add_argument(
            "--n-trials",
            type=positive_int,
            help="stop once the study has this many trials in total (all workers together)",
        )
        p.add_argument("--timeout", type=positive_float, help="start no new trial after this many seconds")
        p.add_argument(
            "--seed",
            type=nonneg_int,
            default=0,
            help="base sampler seed; this worker uses seed + its worker index (default 0)",
        )
        p.add_argument("--device", default="cpu", help="torch device of the proxy runs (default cpu)")
        p.add_argument("--data-root", help="dataset folder on this machine (cifar, imagefolder)")
        p.add_argument(
            "--heartbeat-interval",
            type=positive_int,
            default=10,
            help="PostgreSQL/SQLite: seconds between trial heartbeats (default 10)",
        )
        p.add_argument(
            "--grace-period",
            type=positive_int,
            default=30,
            help="PostgreSQL/SQLite: a trial silent this long is failed and re-queued (default 30)",
        )
        p.add_argument(
            "--max-retry",
            type=nonneg_int,
            default=2,
            help="how often one trial is re-queued after its worker died (default 2)",
        )

    def run(self, args):
        from ..study import HeartbeatOptions, Worker, WorkerOptions

        if args.grace_period <= args.heartbeat_interval:
            raise UsageError("--grace-period must be longer than --heartbeat-interval")
        hb = HeartbeatOptions(args.heartbeat_interval, args.grace_period, args.max_retry)
        handle = _open(args, heartbeat=hb)
        opts = WorkerOptions(
            n_trials=args.n_trials,
            timeout=args.timeout,
            seed=args.seed,
            device=args.device,
            data_root=args.data_root,
            heartbeat=hb,
        )
        try:
            _preflight(handle.definition, args.device, args.data_root)
        except BaseException:
            handle.close()
            raise
        display = _RunDisplay(handle, args.n_trials)
        worker = Worker(handle, opts, on_event=display.event)
        index, seed = worker.register()
        err_console.print(
            f"worker {index} of study {args.name!r} ({handle.spec.display()}), sampler seed {seed}",
        )
        from ..study import StopRequested

        def _stop(signum, frame):
            # Only set a flag: an exception raised here could land inside a storage call or a garbage-collection
            # callback (where Python ignores it). The worker acts on the flag at its next safe point. A second
            # signal stops at once.
            if worker.stop_requested:
                raise KeyboardInterrupt
            worker.request_stop()

        previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            with display:
                report = worker.run()
        except StopRequested as exc:
            if exc.requeued is None:
                err_console.print("stopped between trials; run the same command again to resume")
            else:
                err_console.print(
                    f"stopped: the running trial {exc.requeued} was re-queued; run the same command "
                    "again to resume",
                )
            return 130
        except KeyboardInterrupt:
            err_console.print(
                "stopped: the running trial was re-queued; run the same command again to resume"
            )
            return 130
        finally:
            for s, h in previous.items():
                signal.signal(s, h)
            handle.close()
        states: dict[str, int] = {}
        for t in report.trials:
            states[t.state] = states.get(t.state, 0) + 1
        ran = ", ".join(f"{n} {s.lower()}" for s, n in sorted(states.items())) or "none"
        c = report.counts
        err_console.print(
            f"worker {index} ran {len(report.trials)} trial(s) ({ran}); stopped by {report.stopped_by}; "
            f"study: {c.finished} finished, {c.running} running, {c.waiting} waiting",
        )
        return 0


def _preflight(definition, device: str, data_root: str | None) -> None:
    """Before the worker registers: the device exists here and the study's dataset loads with these settings,
    so that a wrong --device or --data-root is one usage error instead of a study of failed trials."""
    from ..model import select_device
    from ..train import TrainConfig, TrainConfigError, load_dataset

    try:
        select_device(device)
    except ValueError as exc:
        raise UsageError(f"--device: {exc}") from None
    extra = dict(definition.train)
    if data_root is not None:
        extra["data_root"] = data_root
    try:
        load_dataset(
            TrainConfig(
                preset=definition.preset,
                dataset=definition.dataset,
                epochs=definition.epochs,
                device=device,
                **extra,
            )
        )
    except (TrainConfigError, ValueError, OSError) as exc:
        raise UsageError(f"the study's dataset cannot be loaded here: {exc}") from None


class _RunDisplay:
    """rich progress on stderr: one bar for the study's trials, one line per finished trial."""

    def __init__(self, handle, n_trials):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.definition = handle.definition
        self.n_trials = n_trials
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        self.task = self.progress.add_task("trials", total=n_trials)
        self.best = None

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)

    def event(self, kind: str, info: dict) -> None:
        if kind == "start":
            c = info["counts"]
            self.progress.update(self.task, completed=c.finished, description=f"trial {info['number']}")
        elif kind == "epoch":
            self.progress.update(
                self.task,
                description=f"trial {info['number']} epoch {info['epoch']} "
                f"top-1 {info.get('test_top1', 0):.3f}",
            )
        elif kind == "wait":
            c = info["counts"]
            self.progress.update(
                self.task,
                completed=c.finished,
                description=f"waiting for {c.running} trial(s) of other workers",
            )
        elif kind == "requeued":
            self.progress.console.print(f"trial {info['number']}: its worker died; failed and re-queued")
        elif kind == "finish":
            values = info["values"]
            text = (
                ", ".join(f"{n}={v:.4f}" for n, v in zip(self.definition.value_names, values))
                if values
                else ""
            )
            if values and self.definition.single:
                up = self.definition.directions[0] == "maximize"
                if self.best is None or (values[0] > self.best if up else values[0] < self.best):
                    self.best = values[0]
                text += f" (best {self.best:.4f})"
            reason = f": {info['reason']}" if info.get("reason") and info["state"] != "COMPLETE" else ""
            self.progress.console.print(
                f"trial {info['number']} {info['state'].lower()} {text}{reason}".rstrip()
            )
            self.progress.advance(self.task)


class _Status(_Sub):
    name = "status"
    help = "Trials by state, best values so far, workers."

    def add_arguments(self, p):
        super().add_arguments(p)
        p.add_argument("--json", action="store_true", help="print the status as JSON on stdout")

    def run(self, args):
        from ..study import study_status

        handle = _open(args)
        try:
            st = study_status(handle)
        finally:
            handle.close()
        if args.json:
            print_json(st.to_json())
            return 0
        from rich.table import Table

        c = st.counts
        d = st.definition
        out_console.print(
            f"study {st.study} ({st.storage}): {d.classes} classes, {d.dataset}, "
            f"{d.preset}, {d.epochs} epoch(s), objective {d.objective}"
            + (f", pruner {d.pruner}" if d.pruner else ""),
        )
        out_console.print(
            f"trials: {c.complete} complete, {c.pruned} pruned, {c.failed} failed "
            f"({c.requeued} re-queued), {c.running} running, {c.waiting} waiting",
        )
        if st.best:
            b = st.best
            out_console.print(f"best: trial {b.number} {_values_text(b.values)}")
        if st.pareto_front:
            out_console.print(
                f"Pareto front: {len(st.pareto_front)} trial(s): "
                + "; ".join(f"#{t.number} {_values_text(t.values)}" for t in st.pareto_front[:5]),
            )
        if st.paper_default:
            p = st.paper_default
            out_console.print(
                f"paper default: trial {p.number} {p.state.lower()} {_values_text(p.values)}",
            )
        if st.workers:
            t = Table(title="workers", title_justify="left")
            for col in ("index", "seed", "host", "pid", "started", "state"):
                t.add_column(col)
            for w in st.workers:
                t.add_row(
                    *(plain(w.get(k, "")) for k in ("index", "seed", "host", "pid", "started", "state"))
                )
            out_console.print(t)
        for f in st.recent_failures:
            out_console.print(f"failed trial {f.number}: {f.reason}")
        print_noise_floor(st.noise_floor)
        if st.validation:
            out_console.print(
                f"validated ({len(st.validation.seeds)} seeds): {st.validation.statement}",
                soft_wrap=True,
            )
        return 0


class _Best(_Sub):
    name = "best"
    help = "The best trial (accuracy) or the Pareto front (pareto), with parameters and metrics."

    def add_arguments(self, p):
        super().add_arguments(p)
        p.add_argument("--json", action="store_true", help="print JSON on stdout")

    def run(self, args):
        from ..study import StudyError, best_trials, chosen_trials, stored_validation, trial_record

        handle = _open(args)
        try:
            trials = best_trials(handle)
            if not trials:
                raise StudyError(f"Study {args.name!r} has no completed trial yet.")
            pareto = not handle.definition.single
            validation = stored_validation(handle)
            if validation is not None:  # the validated winner first
                trials = chosen_trials(handle, len(trials) + 1)
            records = [
                trial_record(t, handle.definition)
                for t in (trials if pareto and validation is None else trials[:1])
            ]
        finally:
            handle.close()
        if args.json:
            doc = (
                {"study": args.name, "pareto_front": [r.to_json() for r in records]}
                if pareto and validation is None
                else {"study": args.name, "best": records[0].to_json()}
            )
            if validation is not None:
                doc["validation"] = {
                    k: validation[k]
                    for k in ("seeds", "primary", "ranking", "statement", "noise_floor", "date")
                }
            print_json(doc)
            return 0
        if validation is not None:
            print_ranking(validation)
        for r in records:
            out_console.print(
                f"trial {r.number}: {_values_text(r.values)}"
                + (" (paper default)" if r.paper_default else ""),
            )
            out_console.print("  params: " + json.dumps(r.params, sort_keys=True), soft_wrap=True)
        return 0


class _Export(_Sub):
    name = "export"
    help = "Write the best trials' schemes (exactly as trained) as scheme JSON v1 with provenance."

    def add_arguments(self, p):
        super().add_arguments(p)
        p.add_argument("--top", type=positive_int, default=1, help="how many trials (default 1)")
        p.add_argument("--out", required=True, help="output folder")
        p.add_argument("--force", action="store_true", help="overwrite existing files")

    def run(self, args):
        from ..study import export_schemes, stored_validation

        handle = _open(args)
        try:
            paths = export_schemes(handle, args.out, top=args.top, force=args.force)
            validation = stored_validation(handle)
        finally:
            handle.close()
        if validation is not None:
            print_ranking(validation)
        for p in paths:
            err_console.print(f"wrote {p}")
        return 0


class _Plot(_Sub):
    name = "plot"
    help = "PNG figures: optimization history, Pareto front (pareto), parameter importances."

    def add_arguments(self, p):
        super().add_arguments(p)
        p.add_argument("--out", required=True, help="output folder")
        p.add_argument("--force", action="store_true", help="overwrite existing files")

    def run(self, args):
        from ..study import write_study_plots

        handle = _open(args)
        try:
            paths, notes = write_study_plots(handle, args.out, force=args.force)
        finally:
            handle.close()
        for n in notes:
            err_console.print(n)
        for p in paths:
            err_console.print(f"wrote {p}")
        return 0 if paths else 1


from ._study_validate import Validate, print_noise_floor, print_ranking


class StudyCommand(_BaseCommand):
    """The ``study`` group: its sub-commands are commands too (``_BaseCommand``); this one dispatches to
    them and turns the study package's errors into the CLI's usage and command errors."""

    name = "study"
    help = "Optuna studies over coding schemes and proxy runs (create, run, status, best, export, plot, validate)."
    subcommands = (_Create(), _Run(), _Status(), _Best(), _Export(), _Plot(), Validate())

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="study_command", metavar="SUBCOMMAND", parser_class=type(parser))
        for s in self.subcommands:
            p = sub.add_parser(s.name, help=s.help, description=s.help)
            s.add_arguments(p)
            p.set_defaults(_study_sub=s)

    def run(self, args: argparse.Namespace) -> int:
        sub = getattr(args, "_study_sub", None)
        if sub is None:
            raise UsageError("choose a sub-command: " + ", ".join(s.name for s in self.subcommands))
        from ..study import StudyError, StudyUsageError

        try:
            return sub.run(args)
        except StudyUsageError as exc:
            raise UsageError(str(exc)) from None
        except FileExistsError as exc:
            if exc.errno is not None:  # mkdir met a file where a folder belongs
                raise CommandError(f"cannot write {exc.filename}: a file, not a folder") from None
            raise UsageError(str(exc)) from None
        except StudyError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:  # a read-only folder, a directory where a file belongs, a full disk
            where = f": {exc.filename}" if exc.filename else ""
            raise CommandError(f"{exc.strerror or type(exc).__name__}{where}") from None


COMMANDS = [StudyCommand()]
