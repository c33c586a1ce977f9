"""A study's fixed settings, stored once in the storage so that every worker reads the same definition."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ._errors import StudyUsageError

#: Study user attribute that holds the definition.
DEFINITION_ATTR = "codesearch.definition"
DEFINITION_SCHEMA = "codesearch.study/v1"
OBJECTIVES = ("accuracy", "pareto")
PRUNERS = ("median", "hyperband")

#: Objective names and directions, in the order of the trial's values.
OBJECTIVE_TARGETS = {
    "accuracy": (("top1", "maximize"),),
    "pareto": (("top1", "maximize"), ("mean_f1", "maximize"), ("param_fraction", "minimize")),
}


@dataclass(frozen=True)
class StudyDefinition:
    name: str  # study name (also the default run folder runs/NAME)
    classes: int  # K: number of classes of the dataset and of every scheme
    dataset: str  # codesearch.train dataset the proxy runs train on
    preset: str  # network preset (codesearch.codes.PRESETS) of the proxy runs
    objective: str = "accuracy"  # "accuracy" (single, prunable) or "pareto" (top-1, mean F1, parameter fraction)
    epochs: int = 2  # epochs of each proxy run
    pruner: str | None = "median"  # "median" or "hyperband" for accuracy; None for pareto (Optuna cannot prune it)
    space: dict = field(default_factory=dict)  # the complete search space (SearchSpace.to_dict())
    train: dict = field(default_factory=dict)  # fixed TrainConfig fields of every proxy run (subset, batch_size, seed...)

    @property
    def directions(self) -> list[str]:
        return [d for _, d in OBJECTIVE_TARGETS[self.objective]]

    @property
    def value_names(self) -> list[str]:
        return [n for n, _ in OBJECTIVE_TARGETS[self.objective]]

    def to_dict(self) -> dict:
        return {
            "schema": DEFINITION_SCHEMA, "name": self.name, "classes": self.classes, "dataset": self.dataset,
            "preset": self.preset, "objective": self.objective, "epochs": self.epochs, "pruner": self.pruner,
            "space": self.space, "train": self.train,
        }

    @classmethod
    def from_dict(cls, data: dict) -> StudyDefinition:
        if not isinstance(data, dict) or data.get("schema") != DEFINITION_SCHEMA:
            raise StudyUsageError("The study was not created by 'codesearch study create' (no codesearch definition).")
        return cls(data["name"], data["classes"], data["dataset"], data["preset"], data["objective"], data["epochs"],
                   data["pruner"], data["space"], data["train"])

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
    if (not isinstance(name, str) or not name or any(c in name for c in "/\\") or name.startswith(".")
            or any(ord(c) < 32 or ord(c) == 127 for c in name)):
        shown = repr(name)[:60]
        raise StudyUsageError(f"A study name must be a non-empty name without slashes, a leading dot or control "
                              f"characters, not {shown}.")
    if len(name) > MAX_NAME_LENGTH:
        raise StudyUsageError(f"A study name has at most {MAX_NAME_LENGTH} characters, not {len(name)}.")
    return name


def validate_definition(d: StudyDefinition) -> None:
    """StudyUsageError for settings that cannot work (names, ranges, objective/pruner pairs)."""
    check_study_name(d.name)
    if not isinstance(d.classes, int) or d.classes < 2:
        raise StudyUsageError(f"--classes must be at least 2, not {d.classes!r}.")
    if d.objective not in OBJECTIVES:
        raise StudyUsageError(f"Unknown objective {d.objective!r}; choose one of: {', '.join(OBJECTIVES)}.")
    if not isinstance(d.epochs, int) or d.epochs < 1:
        raise StudyUsageError(f"--epochs must be at least 1, not {d.epochs!r}.")
    if d.objective == "pareto" and d.pruner is not None:
        raise StudyUsageError("The pareto objective cannot be pruned (Optuna prunes single-objective studies only); "
                              "leave --pruner out.")
    if d.objective == "accuracy" and d.pruner not in PRUNERS:
        raise StudyUsageError(f"Unknown pruner {d.pruner!r}; choose one of: {', '.join(PRUNERS)}.")
