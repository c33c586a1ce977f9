"""One trial: generate a scheme with the coding core, train a proxy run, report the objective value(s)."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..codes import get_preset
from ._builder import GENERATION_TIME_LIMIT, build_scheme
from ._definition import StudyDefinition
from ._errors import TrialFailed
from ._space import SearchSpace, space_from_dict

#: Trial user attributes written by the objective.
SCHEME_ATTR = "scheme"  # the scheme JSON v1 object the trial trained with
METRICS_ATTR = "metrics"  # compact proxy metrics (see ProxyObjective.summarize)
FAIL_ATTR = "fail_reason"  # one line: why the trial failed


def _short_reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class ProxyObjective:
    """Callable ``objective(trial)`` for a study defined by ``definition``.

    ``train_fn(config, scheme, *, callback)`` defaults to :func:`codesearch.train.run_training`; tests may
    pass another. With ``definition.repeats`` R > 1 every trial trains R seeds in lockstep
    (:func:`codesearch.train.run_repeats`) and reports the mean of each figure; the standard error of the
    mean is kept in the trial's metrics. Per-epoch test top-1 (the mean over the seeds) is reported to the
    pruner (top-1 objective only)."""

    def __init__(
        self,
        definition: StudyDefinition,
        *,
        device: str = "cpu",
        data_root: str | None = None,
        train_fn: Callable | None = None,
        generation_time_limit: float = GENERATION_TIME_LIMIT,
        on_epoch: Callable[[int, int, dict], None] | None = None,
    ):
        self.definition = definition
        self.preset = get_preset(definition.preset)
        self.space: SearchSpace = space_from_dict(definition.space, self.preset, definition.classes)
        self.device = device
        self.data_root = data_root
        self.train_fn = train_fn
        self.generation_time_limit = generation_time_limit
        self.on_epoch = on_epoch  # (trial number, epoch, record) for progress displays

    def config_for(self, params: dict):
        from ..train import TrainConfig

        d = self.definition
        extra = dict(d.train)
        if self.data_root is not None:
            extra["data_root"] = self.data_root
        return TrainConfig(
            preset=d.preset,
            dataset=d.dataset,
            epochs=d.epochs,
            lr=float(params["lr"]),
            mu=float(params["mu"]),
            p_drop=float(params["p_drop"]),
            device=self.device,
            **extra,
        )

    @staticmethod
    def summarize(metrics) -> dict:
        """The proxy metrics kept with a trial (and written into exported schemes' provenance) from the
        :class:`~codesearch.train.RunResult` of one seed: a JSON-ready dict (an Optuna user attribute)."""
        from ..train import scheme_metrics

        binary = metrics.binary
        figures = scheme_metrics(metrics)
        return {
            "top1": metrics.top1,
            "mean_f1": binary.mean_f1 if binary is not None else None,
            "param_fraction": binary.param_fraction if binary is not None else None,
            "early": figures.early,
            "gap": figures.gap,
            "f1": figures.f1,
            "fraction": figures.fraction,
            "epochs": metrics.epochs_done,
            "test_top1_per_epoch": [h.get("test_top1") for h in metrics.history],
            "early_decoding": [e.get("accuracy") for e in metrics.early_decoding],
            "seconds": metrics.seconds,
            "device": metrics.device,
            "seed": metrics.seed,
        }

    @staticmethod
    def combine(summaries: list[dict], seeds: list[int]) -> dict:
        """One trial's metrics from the summaries of its R seeds: the mean of every figure, their standard
        errors (``sem``), the per-seed values (``per_seed``) and the per-epoch mean top-1."""
        from ..stats import summarize

        if len(summaries) == 1:
            return {**summaries[0], "repeats": 1, "seeds": list(seeds)}
        out = dict(summaries[0])
        per_seed, sem = {}, {}
        for key in ("top1", "mean_f1", "param_fraction", "early", "gap", "f1", "fraction", "seconds"):
            vals = [s.get(key) for s in summaries]
            if any(v is None for v in vals):
                out[key] = None
                continue
            sm = summarize(vals)
            out[key] = sm.mean
            if key != "seconds":
                per_seed[key] = vals
                sem[key] = sm.sem
        curves = [s.get("test_top1_per_epoch") or [] for s in summaries]
        depth = min(len(c) for c in curves)
        out["test_top1_per_epoch"] = [sum(c[e] for c in curves) / len(curves) for e in range(depth)]
        early = [s.get("early_decoding") or [] for s in summaries]
        width = min(len(e) for e in early)
        out["early_decoding"] = [sum(e[i] for e in early) / len(early) for i in range(width)]
        out.update(seed=None, seeds=list(seeds), repeats=len(summaries), sem=sem, per_seed=per_seed)
        return out

    def _fail(self, trial, reason: str):
        trial.set_user_attr(FAIL_ATTR, reason)
        raise TrialFailed(reason)

    def __call__(self, trial):
        import optuna

        from ..codes import GenerationError
        from ..schemefile import scheme_to_dict

        params = self.space.suggest(trial)
        try:
            scheme = build_scheme(
                self.preset,
                self.definition.classes,
                params,
                method_params=self.space.method_params,
                time_limit=self.generation_time_limit,
            )
        except (GenerationError, ValueError) as exc:
            self._fail(trial, f"scheme generation failed: {_short_reason(exc)}")
        trial.set_user_attr(SCHEME_ATTR, scheme_to_dict(scheme))
        try:
            config = self.config_for(params)
        except ValueError as exc:
            self._fail(trial, f"bad training settings: {_short_reason(exc)}")
        single = self.definition.single
        prunable = self.definition.prunable
        seeds = self.definition.seeds
        history: list[float] = []

        def callback(epoch: int, record: dict) -> None:  # record: the mean over the seeds still running
            acc = float(record["test_top1"])
            history.append(acc)
            if self.on_epoch is not None:
                self.on_epoch(trial.number, epoch, record)
            if prunable:
                trial.report(acc, epoch)
                if epoch < self.definition.epochs and trial.should_prune():
                    raise optuna.TrialPruned(
                        f"pruned after epoch {epoch} (test top-1 {acc:.4f}"
                        + (f", mean of {len(seeds)} seeds)" if len(seeds) > 1 else ")")
                    )

        from ..train import run_repeats

        try:
            runs = run_repeats(config, scheme, seeds, train_fn=self.train_fn, on_epoch_mean=callback)
        except optuna.TrialPruned:
            trial.set_user_attr(
                METRICS_ATTR,
                {
                    "top1": history[-1] if history else None,
                    "epochs": len(history),
                    "test_top1_per_epoch": history,
                },
            )
            raise
        except (KeyboardInterrupt, TrialFailed):
            raise
        except Exception as exc:  # noqa: BLE001 - the study goes on: the reason is stored with the trial
            self._fail(trial, f"proxy run error: {_short_reason(exc)}")
        for seed, metrics in zip(seeds, runs):
            if not metrics.ok:
                which = f" (seed {seed})" if len(seeds) > 1 else ""
                self._fail(trial, f"proxy run {metrics.status}{which}: {metrics.reason or 'no reason given'}")
        summary = self.combine([self.summarize(m) for m in runs], seeds)
        trial.set_user_attr(METRICS_ATTR, summary)
        values = [summary[name] for name in self.definition.value_names]
        for name, v in zip(self.definition.value_names, values):
            if v is None or not math.isfinite(float(v)):
                self._fail(trial, f"proxy run gave no finite {name} ({v!r})")
        return float(values[0]) if single else [float(v) for v in values]
