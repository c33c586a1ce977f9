"""Build and validate a study definition from the user's settings."""

from __future__ import annotations

import dataclasses

from ..codes import get_preset
from ._definition import StudyDefinition, objective_metrics, validate_definition
from ._errors import StudyUsageError
from ._space import SearchSpace, build_space

#: TrainConfig fields that a study sets per trial or per worker (not fixed in the definition).
_CONTROLLED = ("preset", "dataset", "epochs", "lr", "mu", "p_drop", "device", "data_root", "download")


def define_study(
    name: str,
    classes: int,
    dataset: str,
    preset: str,
    *,
    objective: str = "accuracy",
    epochs: int = 2,
    pruner: str | None = None,
    space: dict | None = None,
    train: dict | None = None,
    space_source: str = "space",
    repeats: int = 1,
) -> tuple[StudyDefinition, SearchSpace]:
    """The complete, validated definition (and its search space).

    ``objective``: a metric (top1, early, gap, f1, fraction), a comma-separated list of them (multi-objective)
    or the aliases accuracy (top1) and pareto (top1, f1, fraction). ``pruner`` None means "median" for a top-1
    objective and no pruner otherwise. ``repeats``: torch seeds per trial (the trial reports their mean). ``space`` holds
    ``--space`` overrides; ``train`` fixed TrainConfig fields of every proxy run (e.g. ``{"subset": 400}``).
    StudyUsageError (a ValueError) names the setting that cannot work."""
    from ..codes import generator_names
    from ..train import DATASETS, TrainConfig, TrainConfigError, dataset_num_classes

    metrics = objective_metrics(objective)
    if pruner is None and metrics == ("top1",):
        pruner = "median"
    validate_definition(
        StudyDefinition(name, classes, dataset, preset, objective, epochs, pruner, repeats=repeats)
    )
    try:
        p = get_preset(preset)
    except ValueError as exc:
        raise StudyUsageError(str(exc)) from None
    if dataset not in DATASETS:
        raise StudyUsageError(f"Unknown dataset {dataset!r}; choose one of: {', '.join(DATASETS)}.")
    k = dataset_num_classes(dataset)
    if k is not None and k != classes:
        raise StudyUsageError(f"Dataset {dataset} has {k} classes, not --classes {classes}.")
    train = dict(train or {})
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    bad = sorted(k for k in train if k not in fields or k in _CONTROLLED)
    if bad:
        raise StudyUsageError(f"Unknown or study-controlled training option(s): {', '.join(bad)}.")
    if {"f1", "fraction"} & set(metrics):
        if train.get("binary") is False:
            raise StudyUsageError(
                f"The {objective} objective needs the binary classifiers (binary cannot be off)."
            )
        train["binary"] = True
    else:
        train.setdefault("binary", False)  # top1, early and gap do not need the K binary classifiers
    try:
        TrainConfig(preset=preset, dataset=dataset, epochs=epochs, **train)
    except (TrainConfigError, TypeError) as exc:
        raise StudyUsageError(f"Bad training option: {exc}") from None
    sp = build_space(p, classes, space, source=space_source, known_methods=generator_names())
    d = StudyDefinition(
        name, classes, dataset, preset, objective, epochs, pruner, sp.to_dict(), train, repeats
    )
    validate_definition(d)
    return d, sp
