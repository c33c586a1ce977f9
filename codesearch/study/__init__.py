"""Optuna studies over coding schemes and proxy runs (``codesearch study ...``).

Each trial generates a whole-network scheme with the coding core (per coded stage: w, generator method,
seed), trains a short proxy run with :mod:`codesearch.train`, and reports proxy top-1 (``accuracy``, with
pruning) or (top-1, mean binary F1, binary-classifier parameter fraction) (``pareto``). The scheme each trial
trained with is stored with the trial, so the best ones export exactly.

Storages: an Optuna journal file (default ``runs/NAME/journal.log``), ``sqlite:///FILE`` (one process) or
``postgresql+psycopg://...`` (many machines, heartbeats re-queue the trials of dead workers).

>>> from codesearch.study import define_study, create_or_check, open_study, Worker, WorkerOptions
>>> definition, space = define_study("demo", 10, "digits", "proxy-s", epochs=2, train={"subset": 400})
>>> handle, created = create_or_check(definition, paper_params=space.paper_params())
>>> report = Worker(handle, WorkerOptions(n_trials=5)).run()
"""

from ._builder import build_scheme
from ._counts import TrialCounts, count_trials
from ._define import define_study
from ._definition import (
    DEFINITION_ATTR,
    OBJECTIVE_ALIASES,
    OBJECTIVE_METRICS,
    OBJECTIVES,
    PRUNERS,
    StudyDefinition,
    objective_metrics,
)
from ._errors import StudyError, StudyUsageError, TrialFailed
from ._export import chosen_trials, export_schemes, trial_scheme
from ._handle import PAPER_DEFAULT_ATTR, StudyHandle, create_or_check, open_study
from ._lock import SlotLock, slot_lock_for
from ._objective import FAIL_ATTR, METRICS_ATTR, SCHEME_ATTR, ProxyObjective
from ._plot import render_study_plots, write_study_plots
from ._process import ProcessIdentity
from ._report import (
    FailedTrial,
    StudyStatus,
    TrialSummary,
    ValidationSummary,
    best_trials,
    study_status,
    trial_record,
)
from ._space import (
    DEFAULT_METHODS,
    FloatRange,
    SearchSpace,
    StageSpace,
    build_space,
    read_space_file,
    valid_actives,
)
from ._storage import HeartbeatOptions, StorageSpec, default_storage_path, open_storage, resolve_storage
from ._validate import (
    VALIDATION_ATTR,
    noise_floor,
    paper_default_trial,
    stored_validation,
    trial_validation,
    validate_study,
)
from ._worker import (
    StopRequested,
    TrialOutcome,
    Worker,
    WorkerOptions,
    WorkerReport,
    registered_workers,
)

__all__ = [
    "DEFAULT_METHODS",
    "DEFINITION_ATTR",
    "FAIL_ATTR",
    "METRICS_ATTR",
    "OBJECTIVES",
    "OBJECTIVE_ALIASES",
    "OBJECTIVE_METRICS",
    "PAPER_DEFAULT_ATTR",
    "PRUNERS",
    "SCHEME_ATTR",
    "VALIDATION_ATTR",
    "FailedTrial",
    "FloatRange",
    "HeartbeatOptions",
    "ProcessIdentity",
    "ProxyObjective",
    "SearchSpace",
    "SlotLock",
    "StageSpace",
    "StopRequested",
    "StorageSpec",
    "StudyDefinition",
    "StudyError",
    "StudyHandle",
    "StudyStatus",
    "StudyUsageError",
    "TrialCounts",
    "TrialFailed",
    "TrialOutcome",
    "TrialSummary",
    "ValidationSummary",
    "Worker",
    "WorkerOptions",
    "WorkerReport",
    "best_trials",
    "build_scheme",
    "build_space",
    "chosen_trials",
    "count_trials",
    "create_or_check",
    "default_storage_path",
    "define_study",
    "export_schemes",
    "noise_floor",
    "objective_metrics",
    "open_storage",
    "open_study",
    "paper_default_trial",
    "read_space_file",
    "registered_workers",
    "render_study_plots",
    "resolve_storage",
    "slot_lock_for",
    "stored_validation",
    "study_status",
    "trial_record",
    "trial_scheme",
    "trial_validation",
    "valid_actives",
    "validate_study",
    "write_study_plots",
]
