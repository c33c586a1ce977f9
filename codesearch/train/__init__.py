"""Proxy training and evaluation of Coded ResNeXt networks (torch; no optuna: report through a callback).

>>> from codesearch.train import TrainConfig, run_training
>>> metrics = run_training(TrainConfig(dataset="digits", preset="proxy-s"), scheme, out_dir="runs/digits")

``run_training`` returns a :class:`RunResult` (frozen; ``to_json()`` is what it writes to
``out_dir/metrics.json``, ``RunResult.from_json`` / :func:`read_metrics` read it back). A non-finite loss
gives ``metrics.status == "failed"`` with a ``reason`` (no exception; :func:`check_succeeded` turns it into
:class:`TrainingFailed`); an exception raised by the per-epoch callback propagates after the checkpoint is
written.

:func:`scheme_metrics` turns a RunResult into the scheme-sensitive figures (:class:`SchemeMetrics`: top1,
early, gap, f1, fraction); :func:`compare_schemes` / :func:`run_comparison` train several schemes on the same seeds and
test the paired differences (``codesearch compare``); :func:`run_repeats` trains several seeds of one
configuration in lockstep (``study create --repeats``).

The names below are loaded lazily, so ``codesearch.train._config`` (used by ``codesearch --help``) does
not import torch.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "COMPILE_MODES": "_config",
    "TrainConfig": "_config",
    "TrainConfigError": "_config",
    "config_from_dict": "_config",
    "config_to_dict": "_config",
    "DATASETS": "_data",
    "ArrayDataset": "_data",
    "DataBundle": "_data",
    "DatasetError": "_data",
    "dataset_labels": "_data",
    "dataset_num_classes": "_data",
    "iter_batches": "_data",
    "load_dataset": "_data",
    "make_digit_pairs": "_data",
    "best_f1_threshold": "_evaluate",
    "binary_metrics": "_evaluate",
    "binary_scores": "_evaluate",
    "default_specialization_block": "_evaluate",
    "specialization": "_evaluate",
    "specialization_shared_prefix": "_fasteval",
    "build_model": "_loop",
    "DistributedContext": "_distributed",
    "init_distributed": "_distributed",
    "launched_by_torchrun": "_distributed",
    "CHECKPOINT_NAME": "_loop",
    "METRICS_NAME": "_loop",
    "TrainingFailed": "_loop",
    "check_succeeded": "_loop",
    "clear_run": "_loop",
    "lr_factor": "_loop",
    "read_metrics": "_loop",
    "run_exists": "_loop",
    "run_training": "_loop",
    "remove_stale_temps": "_loop",
    "specialization_block_index": "_loop",
    "LOCK_NAME": "_run_lock",
    "RunFolderBusy": "_run_lock",
    "run_folder_lock": "_run_lock",
    "render_figures": "_plot",
    "BinaryResult": "_result",
    "RunResult": "_result",
    "SchemeMetrics": "_result",
    "run_repeats": "_repeats",
    "METRICS": "_summary",
    "METRIC_DIRECTIONS": "_summary",
    "metric_direction": "_summary",
    "scheme_metrics": "_summary",
    "specialization_gap": "_summary",
    "COMPARE_JSON": "_compare",
    "COMPARE_PNG": "_compare",
    "COMPARE_SCHEMA": "_compare",
    "CompareEntry": "_compare",
    "CompareError": "_compare",
    "CompareResult": "_compare",
    "RunOutcome": "_compare",
    "analyse_comparison": "_compare",
    "compare_schemes": "_compare",
    "render_compare_png": "_compare",
    "run_comparison": "_compare",
    "unique_labels": "_compare",
    "write_compare_outputs": "_compare",
    "write_figures": "_plot",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'codesearch.train' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
