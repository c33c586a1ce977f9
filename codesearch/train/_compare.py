"""Paired repeated-seed comparison of training configurations (the machinery of ``codesearch compare``).

Every entry (a label, a scheme and a :class:`TrainConfig`) is trained with the same seeds, so run i of each
entry shares its torch seed with run i of the others (a paired design: what the seed does to weights, data
order and DropSubNNs is the same for every entry). Each run lives in ``OUT/<label>/seed<S>/``; a folder whose
metrics.json already holds a finished run of the same settings is reused, and a folder with only a checkpoint
is resumed, so an interrupted comparison continues where it stopped. ``jobs`` > 1 trains that many runs at
once, each in its own process (spawned, one torch thread each unless ``threads`` says otherwise).

The figures of every run are :func:`codesearch.train.scheme_metrics` (top1, early and early.<i>, gap, f1,
fraction); the statistics are :func:`codesearch.stats.compare_samples` against the first entry.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import stats
from ._config import TrainConfig, TrainConfigError, config_to_dict
from ._result import RunResult
from ._summary import METRICS, metric_direction, scheme_metrics

COMPARE_SCHEMA = "codesearch.compare/v1"
COMPARE_JSON = "compare.json"
COMPARE_PNG = "compare.png"
METRICS_NAME = "metrics.json"  # the run folder's metrics file (the loop's METRICS_NAME)

#: TrainConfig fields that do not change what a run measures: a finished run made with other values is reused.
_RUNTIME_FIELDS = ("device", "num_workers", "data_root", "download")

ProgressFn = Callable[[str, dict], None]  # ("start", {total, reused}) and ("run", {label, seed, status, ...})


class CompareError(ValueError):
    """A comparison that cannot run as asked (labels, seeds, run folders); one sentence."""


@dataclass(frozen=True)
class CompareEntry:
    label: str  # name in tables, JSON and the run folder OUT/<label>/
    scheme: object  # codesearch.codes.Scheme trained by every run of this entry
    config: TrainConfig  # training settings; its seed is replaced by each seed of the comparison
    source: str | None = None  # where the scheme came from (a file path, "study X trial N")


@dataclass(frozen=True)
class RunOutcome:
    label: str  # entry label
    seed: int  # torch seed of the run
    status: str  # "ok" or the training's failure status ("failed")
    reason: str | None  # why the run did not finish
    values: dict  # scheme_metrics(per_block=True) of the run (None values when not measured)
    run_dir: str | None  # the run folder (None: trained in memory)
    reused: bool  # True when a finished run in run_dir was reused instead of trained
    seconds: float | None  # training + evaluation time of the run

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CompareResult:
    entries: tuple[CompareEntry, ...]  # in order; the first is the reference
    seeds: tuple[int, ...]  # the torch seeds every entry was trained with
    runs: tuple[RunOutcome, ...]  # one per (entry, seed), entry-major
    metrics: tuple[str, ...]  # metric names measured by at least one entry, in display order
    summaries: dict = field(default_factory=dict)  # {label: {metric: stats.Summary}}
    comparisons: dict = field(
        default_factory=dict
    )  # {label: {metric: stats.MetricComparison}} (not the reference)
    alpha: float = stats.ALPHA  # family-wise error rate of the verdicts
    confidence: float = stats.CONFIDENCE  # level of the confidence intervals

    @property
    def reference(self) -> str:
        return self.entries[0].label

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    def values(self, label: str, metric: str) -> list:
        """The metric of ``label``'s runs in seed order (None where a run failed or did not measure it)."""
        by_seed = {r.seed: r for r in self.runs if r.label == label}
        return [by_seed[s].values.get(metric) if by_seed[s].status == "ok" else None for s in self.seeds]

    def to_dict(self, *, schemes: bool = True) -> dict:
        """The ``codesearch.compare/v1`` document (``schemes=False`` leaves the scheme objects out)."""
        from ..schemefile import scheme_to_dict

        entries = []
        for e in self.entries:
            cfg = config_to_dict(e.config)
            cfg.pop("seed")
            item = {"label": e.label, "source": e.source, "config": cfg}
            if schemes:
                item["scheme"] = scheme_to_dict(e.scheme)
            entries.append(item)
        return {
            "schema": COMPARE_SCHEMA,
            "reference": self.reference,
            "seeds": list(self.seeds),
            "alpha": self.alpha,
            "confidence": self.confidence,
            "metrics": list(self.metrics),
            "directions": {m: metric_direction(m) for m in self.metrics},
            "entries": entries,
            "summaries": {lab: {m: s.to_dict() for m, s in ms.items()} for lab, ms in self.summaries.items()},
            "comparisons": {
                lab: {m: c.to_dict() for m, c in ms.items()} for lab, ms in self.comparisons.items()
            },
            "runs": [r.to_dict() for r in self.runs],
        }


# -- labels and run folders -----------------------------------------------------------------------------
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def unique_labels(names: Sequence[str]) -> list[str]:
    """File-system-safe, distinct labels from ``names`` (``a``, ``a-2``, ... for repeats)."""
    out: list[str] = []
    for name in names:
        base = _SAFE.sub("_", str(name)).strip("._") or "entry"
        label, k = base, 2
        while label in out:
            label, k = f"{base}-{k}", k + 1
        out.append(label)
    return out


def run_folder(out_dir, label: str, seed: int) -> Path:
    return Path(out_dir) / label / f"seed{seed}"


def _same_settings(stored: dict, config: TrainConfig) -> bool:
    want = config_to_dict(config)
    for key, value in want.items():
        if key in _RUNTIME_FIELDS:
            continue
        if stored.get(key, getattr(TrainConfig, key, None)) != value:
            return False
    return True


def _plan(run_dir: Path, config: TrainConfig, scheme_dict: dict, force: bool) -> tuple[str, RunResult | None]:
    """What to do with ``run_dir``: ("reuse", metrics), ("resume", None), ("fresh", None) or ("overwrite", None)."""
    metrics_path = run_dir / METRICS_NAME
    has_ckpt = (run_dir / "checkpoint.pt").exists()
    if metrics_path.exists():
        try:
            metrics = RunResult.from_json(json.loads(metrics_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
            metrics = None
        same = (
            metrics is not None
            and _same_settings(metrics.config or {}, config)
            and metrics.scheme == scheme_dict
        )
        if same and metrics.status in ("ok", "failed"):
            return "reuse", metrics
        if same:
            return "resume", None  # stopped or interrupted: continue from the checkpoint
        if not force:
            raise CompareError(
                f"{run_dir} holds a run with other settings or another scheme; pass --force to "
                "train it again, or choose another --out"
            )
        return "overwrite", None
    if has_ckpt:  # the loop checks the checkpoint's settings (TrainConfigError when they differ)
        return ("resume-or-overwrite" if force else "resume"), None
    return "fresh", None


def _outcome(label: str, seed: int, metrics: RunResult, run_dir, reused: bool) -> RunOutcome:
    values = scheme_metrics(metrics, per_block=True).to_json() if metrics.ok else {}
    return RunOutcome(
        label,
        seed,
        metrics.status,
        metrics.reason,
        values,
        str(run_dir) if run_dir is not None else None,
        reused,
        metrics.seconds,
    )


# -- one training (in this process or in a pool worker) --------------------------------------------------
def _init_worker(threads: int | None) -> None:
    if threads is not None:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(threads)
        import torch

        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(threads)
        except RuntimeError:
            pass


def _train_one(train_fn, config: TrainConfig, scheme, run_dir: str | None, action: str) -> RunResult:
    if train_fn is None:
        from ._loop import run_training as train_fn
    if run_dir is None:
        metrics = train_fn(config, scheme)
    elif action == "resume-or-overwrite":
        try:
            metrics = train_fn(config, scheme, out_dir=run_dir, resume=True)
        except TrainConfigError:  # --force: a checkpoint of other settings is started again
            metrics = train_fn(config, scheme, out_dir=run_dir, overwrite=True)
    else:
        metrics = train_fn(
            config, scheme, out_dir=run_dir, resume=action == "resume", overwrite=action == "overwrite"
        )
    return metrics.compact()  # only what the comparison needs travels back from a worker process


# -- the comparison -------------------------------------------------------------------------------------
def _metric_order(names: set[str]) -> tuple[str, ...]:
    blocks = sorted((n for n in names if n.startswith("early.")), key=lambda n: int(n.split(".")[1]))
    head = [m for m in METRICS if m in names]
    # early.<i> right after early
    if "early" in head:
        i = head.index("early") + 1
        return tuple(head[:i] + blocks + head[i:])
    return tuple(head + blocks)


def analyse_comparison(
    entries: Sequence[CompareEntry],
    seeds: Sequence[int],
    runs: Sequence[RunOutcome],
    *,
    alpha: float = stats.ALPHA,
    confidence: float = stats.CONFIDENCE,
) -> CompareResult:
    """The statistics of finished runs (pure): summaries per entry and metric, paired tests against the first."""
    entries, seeds, runs = tuple(entries), tuple(int(s) for s in seeds), tuple(runs)
    names: set[str] = set()
    for r in runs:
        names.update(k for k, v in r.values.items() if v is not None)
    metrics = _metric_order(names)
    partial = CompareResult(entries, seeds, runs, metrics, alpha=alpha, confidence=confidence)
    values = {}
    for e in entries:
        values[e.label] = {}
        for m in metrics:
            vs = partial.values(e.label, m)
            if any(v is not None for v in vs):
                values[e.label][m] = vs
    summaries, comparisons = stats.compare_samples(
        values,
        entries[0].label,
        {m: metric_direction(m) for m in metrics},
        alpha=alpha,
        confidence=confidence,
    )
    return dataclasses.replace(partial, summaries=summaries, comparisons=comparisons)


def run_comparison(
    entries: Sequence[CompareEntry],
    seeds: Sequence[int],
    *,
    out_dir=None,
    jobs: int = 1,
    threads: int | None = None,
    train_fn: Callable | None = None,
    force: bool = False,
    progress: ProgressFn | None = None,
    alpha: float = stats.ALPHA,
) -> CompareResult:
    """Train every entry with every seed (reusing finished runs under ``out_dir``) and analyse them.

    ``train_fn(config, scheme, *, out_dir, resume, overwrite)`` defaults to :func:`run_training`; any
    callable with that contract (returning a :class:`RunResult`) may stand in for it, e.g. in tests. With
    ``jobs`` > 1 it runs in spawned processes, so it must be picklable (a module-level function).
    ``threads``: torch threads of each worker process (default 1 when ``jobs`` > 1; the caller's setting
    when ``jobs`` is 1). CompareError (a ValueError) for labels, seeds or folders that cannot work;
    TrainConfigError / DatasetError from the training for bad settings."""
    from ..schemefile import scheme_to_dict
    from ._loop import check_inputs

    entries = tuple(entries)
    seeds = tuple(int(s) for s in seeds)
    if len(entries) < 2:
        raise CompareError("A comparison needs at least two entries (the first is the reference).")
    labels = [e.label for e in entries]
    if len(set(labels)) != len(labels) or unique_labels(labels) != labels:
        raise CompareError(f"Entry labels must be distinct and file-system safe, not {labels}.")
    if not seeds:
        raise CompareError("A comparison needs at least one seed.")
    if len(set(seeds)) != len(seeds) or min(seeds) < 0:
        raise CompareError(f"Seeds must be distinct whole numbers >= 0, not {list(seeds)}.")
    if not isinstance(jobs, int) or jobs < 1:
        raise CompareError(f"jobs must be a whole number >= 1, not {jobs!r}.")
    for e in entries:
        check_inputs(e.config, e.scheme)

    tasks = []  # (index into outcomes, entry, seed, config, run_dir, action)
    outcomes: list[RunOutcome | None] = []
    for e in entries:
        scheme_dict = scheme_to_dict(e.scheme)
        for s in seeds:
            cfg = dataclasses.replace(e.config, seed=s)
            run_dir = run_folder(out_dir, e.label, s) if out_dir is not None else None
            action, metrics = ("fresh", None) if run_dir is None else _plan(run_dir, cfg, scheme_dict, force)
            if action == "reuse":
                outcomes.append(_outcome(e.label, s, metrics, run_dir, True))
            else:
                outcomes.append(None)
                tasks.append((len(outcomes) - 1, e, s, cfg, run_dir, action))
    total = len(outcomes)
    if progress:
        progress("start", {"total": total, "reused": total - len(tasks), "jobs": jobs})
    done = total - len(tasks)

    def record(i, e, s, run_dir, metrics):
        nonlocal done
        outcomes[i] = _outcome(e.label, s, metrics, run_dir, False)
        done += 1
        if progress:
            o = outcomes[i]
            progress(
                "run",
                {
                    "label": e.label,
                    "seed": s,
                    "status": o.status,
                    "reason": o.reason,
                    "top1": o.values.get("top1"),
                    "seconds": o.seconds,
                    "done": done,
                    "total": total,
                },
            )

    if jobs == 1 or len(tasks) <= 1:
        previous = None
        if threads is not None:
            import torch

            previous = torch.get_num_threads()
            torch.set_num_threads(threads)
        try:
            for i, e, s, cfg, run_dir, action in tasks:
                record(
                    i,
                    e,
                    s,
                    run_dir,
                    _train_one(train_fn, cfg, e.scheme, str(run_dir) if run_dir else None, action),
                )
        finally:
            if previous is not None:
                import torch

                torch.set_num_threads(previous)
    else:
        _run_pool(tasks, jobs, 1 if threads is None else threads, train_fn, record)
    return analyse_comparison(entries, seeds, outcomes, alpha=alpha)


def _run_pool(tasks, jobs, threads, train_fn, record) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)), mp_context=ctx, initializer=_init_worker, initargs=(threads,)
    )
    try:
        futures = {
            pool.submit(_train_one, train_fn, cfg, e.scheme, str(run_dir) if run_dir else None, action): (
                i,
                e,
                s,
                run_dir,
            )
            for i, e, s, cfg, run_dir, action in tasks
        }
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                i, e, s, run_dir = futures[f]
                record(i, e, s, run_dir, f.result())  # a worker's exception is raised here
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


# -- files ----------------------------------------------------------------------------------------------
def compare_document(result: CompareResult) -> dict:
    return result.to_dict(schemes=True)


def render_compare_png(result: CompareResult) -> bytes:
    """Error bars (mean and 95% CI) of every entry for each main metric, with the seeds' values as dots."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = [m for m in result.metrics if "." not in m] or list(result.metrics)
    fig, axes = plt.subplots(1, len(metrics), figsize=(max(3.2 * len(metrics), 4.0), 3.6), squeeze=False)
    labels = result.labels
    for ax, m in zip(axes[0], metrics):
        for j, lab in enumerate(labels):
            s = result.summaries.get(lab, {}).get(m)
            if s is None or s.n == 0:
                continue
            vals = [v for v in result.values(lab, m) if v is not None]
            ax.plot([j] * len(vals), vals, "o", color="0.6", ms=3, zorder=1)
            if s.n >= 2:
                ax.errorbar(
                    [j],
                    [s.mean],
                    yerr=[[s.mean - s.ci_low], [s.ci_high - s.mean]],
                    fmt="s",
                    color="tab:blue" if j else "tab:red",
                    capsize=4,
                    zorder=2,
                )
            else:
                ax.plot([j], [s.mean], "s", color="tab:blue" if j else "tab:red", zorder=2)
            c = result.comparisons.get(lab, {}).get(m)
            if c is not None and c.verdict != stats.NO_DIFFERENCE:
                ax.annotate(c.verdict, (j, s.mean), textcoords="offset points", xytext=(6, 6), fontsize=7)
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=7)
        ax.set_title(
            f"{m} ({'higher' if metric_direction(m) == 'maximize' else 'lower'} is better)", fontsize=9
        )
        ax.set_xlim(-0.6, len(labels) - 0.4)
    fig.suptitle(
        f"{len(result.seeds)} paired seeds, mean and {int(100 * result.confidence)}% CI; "
        f"reference {result.reference}",
        fontsize=9,
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def write_compare_outputs(result: CompareResult, out_dir, *, force: bool = False) -> list[Path]:
    """compare.json and compare.png in ``out_dir``, each written atomically; FileExistsError (before
    writing either) when one exists and ``force`` is false."""
    from .._atomic import write_bytes_atomic, write_text_atomic

    out = Path(out_dir)
    paths = [out / COMPARE_JSON, out / COMPARE_PNG]
    if not force:
        for p in paths:
            if p.exists():
                raise FileExistsError(f"{p} exists; pass --force to overwrite it")
    text = json.dumps(compare_document(result), indent=2, allow_nan=False) + "\n"
    png = render_compare_png(result)
    return [write_text_atomic(paths[0], text, force=force), write_bytes_atomic(paths[1], png, force=force)]


def compare_schemes(
    schemes: Sequence,
    config: TrainConfig,
    seeds: int | Sequence[int],
    *,
    labels: Sequence[str] | None = None,
    sources: Sequence[str | None] | None = None,
    **kwargs,
) -> CompareResult:
    """:func:`run_comparison` of several schemes under one training configuration; the first scheme is the
    reference. ``seeds``: a count S (seeds 0..S-1) or the seeds themselves. ``labels`` default to
    ``s0, s1, ...``; other keyword arguments go to :func:`run_comparison`."""
    if isinstance(seeds, int):
        if seeds < 1:
            raise CompareError(f"seeds must be at least 1, not {seeds}.")
        seeds = range(seeds)
    names = list(labels) if labels is not None else [f"s{i}" for i in range(len(schemes))]
    if len(names) != len(schemes):
        raise CompareError(f"{len(names)} labels for {len(schemes)} schemes.")
    srcs = list(sources) if sources is not None else [None] * len(schemes)
    entries = [
        CompareEntry(lab, sch, config, src) for lab, sch, src in zip(unique_labels(names), schemes, srcs)
    ]
    return run_comparison(entries, list(seeds), **kwargs)


__all__ = [
    "COMPARE_JSON",
    "COMPARE_PNG",
    "COMPARE_SCHEMA",
    "CompareEntry",
    "CompareError",
    "CompareResult",
    "RunOutcome",
    "TrainConfigError",
    "analyse_comparison",
    "compare_schemes",
    "render_compare_png",
    "run_comparison",
    "run_folder",
    "unique_labels",
    "write_compare_outputs",
]
