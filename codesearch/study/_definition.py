"""A study's fixed settings, stored once in the storage so that every worker reads the same definition."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ._errors import StudyUsageError

#: Study user attribute that holds the definition.
DEFINITION_ATTR = "codesearch.definition"
DEFINITION_SCHEMA = "codesearch.study/v1"
#: Figures a study can optimise (codesearch.train.scheme_metrics): one of them, or a comma-separated list
#: (a multi-objective study). "accuracy" and "pareto" are the aliases of the first versions.
OBJECTIVE_METRICS = ("top1", "early", "gap", "f1", "fraction")
OBJECTIVE_ALIASES = {"accuracy": ("top1",), "pareto": ("top1", "f1", "fraction")}
OBJECTIVES = (
    "accuracy",
    "pareto",
    *OBJECTIVE_METRICS,
)  # the single names; any comma list of metrics also works
PRUNERS = ("median", "hyperband")

#: Objective names and directions of the aliases, in the order of the trial's values (the names they had).
OBJECTIVE_TARGETS = {
    "accuracy": (("top1", "maximize"),),
    "pareto": (("top1", "maximize"), ("mean_f1", "maximize"), ("param_fraction", "minimize")),
}


def objective_metrics(objective: str) -> tuple[str, ...]:
    """The metrics of an objective string ("accuracy", "pareto", "gap", "top1,gap", ...); StudyUsageError
    for unknown or repeated names."""
    if not isinstance(objective, str) or not objective.strip():
        raise StudyUsageError(
            f"An objective must be a metric name or a comma-separated list, not {objective!r}."
        )
    if objective in OBJECTIVE_ALIASES:
        return OBJECTIVE_ALIASES[objective]
    names = tuple(part.strip() for part in objective.split(","))
    bad = [n for n in names if n not in OBJECTIVE_METRICS]
    if bad:
        raise StudyUsageError(
            f"Unknown objective {', '.join(bad)!r}; choose accuracy, pareto or a comma-separated "
            f"list of: {', '.join(OBJECTIVE_METRICS)}."
        )
    if len(set(names)) != len(names):
        raise StudyUsageError(f"The objective {objective!r} names a metric twice.")
    return names


def objective_targets(objective: str) -> tuple[tuple[str, str], ...]:
    """``(value name, direction)`` per value of the trial."""
    if objective in OBJECTIVE_TARGETS:
        return OBJECTIVE_TARGETS[objective]
    from ..train import METRIC_DIRECTIONS

    return tuple((m, METRIC_DIRECTIONS[m]) for m in objective_metrics(objective))


@dataclass(frozen=True)
class StudyDefinition:
    name: str  # study name (also the default run folder runs/NAME)
    classes: int  # K: number of classes of the dataset and of every scheme
    dataset: str  # codesearch.train dataset the proxy runs train on
    preset: str  # network preset (codesearch.codes.PRESETS) of the proxy runs
    objective: str = (
        "accuracy"  # a metric (top1, early, gap, f1, fraction), a comma list of them, or the aliases
    )
    #                              accuracy (= top1, prunable) and pareto (= top1, f1, fraction)
    epochs: int = 2  # epochs of each proxy run
    pruner: str | None = (
        "median"  # "median" or "hyperband" for a top-1 objective; None otherwise (top-1 is the
    )
    #                                only figure measured every epoch; Optuna cannot prune multi-objective studies)
    space: dict = field(default_factory=dict)  # the complete search space (SearchSpace.to_dict())
    train: dict = field(
        default_factory=dict
    )  # fixed TrainConfig fields of every proxy run (subset, batch_size, seed...)
    repeats: int = 1  # torch seeds per trial (train seed, +1, ...); the trial reports their mean

    @property
    def metrics(self) -> tuple[str, ...]:
        """The scheme_metrics names of the objective, in the order of the trial's values."""
        return objective_metrics(self.objective)

    @property
    def single(self) -> bool:
        return len(self.metrics) == 1

    @property
    def prunable(self) -> bool:
        """Whether the pruner applies: a single top-1 objective (the figure reported after every epoch)."""
        return self.metrics == ("top1",)

    @property
    def directions(self) -> list[str]:
        return [d for _, d in objective_targets(self.objective)]

    @property
    def value_names(self) -> list[str]:
        return [n for n, _ in objective_targets(self.objective)]

    @property
    def seeds(self) -> list[int]:
        """The torch seeds of every trial's runs."""
        base = int(self.train.get("seed", 0))
        return [base + r for r in range(self.repeats)]

    def to_dict(self) -> dict:
        return {
            "schema": DEFINITION_SCHEMA,
            "name": self.name,
            "classes": self.classes,
            "dataset": self.dataset,
            "preset": self.preset,
            "objective": self.objective,
            "epochs": self.epochs,
            "pruner": self.pruner,
            "space": self.space,
            "train": self.train,
            "repeats": self.repeats,
        }

    @classmethod
    def from_dict(cls, data: dict) -> StudyDefinition:
        if not isinstance(data, dict) or data.get("schema") != DEFINITION_SCHEMA:
            raise StudyUsageError(
                "The study was not created by 'codesearch study create' (no codesearch definition)."
            )
        return cls(
            data["name"],
            data["classes"],
            data["dataset"],
            data["preset"],
            data["objective"],
            data["epochs"],
            data["pruner"],
            data["space"],
            data["train"],
            data.get("repeats", 1),
        )

    def differences(self, other: StudyDefinition) -> list[str]:
        """Human-readable ``field: stored -> given`` lines for every field that differs."""
        a, b = _canon(self.to_dict()), _canon(other.to_dict())
        out = []
        for key in a:
            if a[key] != b.get(key):
                out.append(f"{key} {_short(a[key])} (stored) vs {_short(b.get(key))} (given)")
        return out


def _canon(d: dict) -> dict:
    return json.loads(json.dumps(d, sort_keys=True))


def _short(v) -> str:
    text = json.dumps(v, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


#: Longest study name: it becomes a folder name (runs/NAME) and part of file names (NAME-trialNNNN.json).
MAX_NAME_LENGTH = 100


def check_study_name(name) -> str:
    """``name`` when it can name a folder and files safely (no path separators, no leading dot, no control
    characters, at most MAX_NAME_LENGTH characters); StudyUsageError otherwise. Applied to names typed by
    the user and to names read back from a storage."""
    if (
        not isinstance(name, str)
        or not name
        or any(c in name for c in "/\\")
        or name.startswith(".")
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
    ):
        shown = repr(name)[:60]
        raise StudyUsageError(
            f"A study name must be a non-empty name without slashes, a leading dot or control "
            f"characters, not {shown}."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise StudyUsageError(f"A study name has at most {MAX_NAME_LENGTH} characters, not {len(name)}.")
    return name


def validate_definition(d: StudyDefinition) -> None:
    """StudyUsageError for settings that cannot work (names, ranges, objective/pruner pairs)."""
    check_study_name(d.name)
    if not isinstance(d.classes, int) or d.classes < 2:
        raise StudyUsageError(f"--classes must be at least 2, not {d.classes!r}.")
    metrics = objective_metrics(d.objective)
    if not isinstance(d.epochs, int) or d.epochs < 1:
        raise StudyUsageError(f"--epochs must be at least 1, not {d.epochs!r}.")
    if not isinstance(d.repeats, int) or isinstance(d.repeats, bool) or d.repeats < 1:
        raise StudyUsageError(f"--repeats must be at least 1, not {d.repeats!r}.")
    if len(metrics) > 1 and d.pruner is not None:
        raise StudyUsageError(
            f"The {d.objective} objective cannot be pruned (Optuna prunes single-objective "
            "studies only); leave --pruner out."
        )
    if len(metrics) == 1 and metrics != ("top1",) and d.pruner is not None:
        raise StudyUsageError(
            f"The {d.objective} objective cannot be pruned (only top-1 is measured after every "
            "epoch); leave --pruner out."
        )
    if metrics == ("top1",) and d.pruner not in PRUNERS:
        raise StudyUsageError(f"Unknown pruner {d.pruner!r}; choose one of: {', '.join(PRUNERS)}.")
