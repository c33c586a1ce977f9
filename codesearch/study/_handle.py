"""Open or create a study in its storage: the storage, the lock and the stored definition together."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ._definition import DEFINITION_ATTR, StudyDefinition, check_study_name
from ._errors import StudyError, StudyUsageError
from ._lock import SlotLock, slot_lock_for
from ._storage import HeartbeatOptions, StorageSpec, open_storage, resolve_storage

#: User attribute of the trial that is the paper's default configuration.
PAPER_DEFAULT_ATTR = "codesearch.paper_default"


def quiet_optuna() -> None:
    """Optuna logs every trial (and failures with tracebacks) at INFO/WARNING: codesearch reports itself."""
    import optuna
    from optuna.exceptions import ExperimentalWarning

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=ExperimentalWarning)


@dataclass
class StudyHandle:
    spec: StorageSpec  # where the study lives
    storage: object  # the Optuna storage object
    study: object  # optuna.Study
    definition: StudyDefinition  # the stored fixed settings
    lock: SlotLock  # storage-wide lock of this study
    notes: list = field(default_factory=list)  # one-line notes from opening (e.g. a repaired journal)

    @property
    def name(self) -> str:
        return self.definition.name

    def close(self) -> None:
        self.lock.close()
        remove = getattr(self.storage, "remove_session", None)
        if remove is not None:
            remove()
        engine = getattr(self.storage, "engine", None)
        if engine is not None:
            engine.dispose()


def _missing_storage(spec: StorageSpec) -> bool:
    return spec.kind in ("journal", "sqlite") and spec.path is not None and not Path(spec.path).exists()


def _read_definition(study) -> StudyDefinition:
    data = study.user_attrs.get(DEFINITION_ATTR)
    if data is None:
        raise StudyUsageError(
            f"Study {study.study_name!r} exists but was not created by 'codesearch study create' (it has no "
            "codesearch definition); choose another name."
        )
    try:
        definition = StudyDefinition.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StudyError(
            f"Study {study.study_name!r} has an unreadable stored definition ({type(exc).__name__})."
        ) from None
    # Names read from a storage are re-validated: they become file names (export, plots).
    try:
        check_study_name(definition.name)
    except StudyUsageError as exc:
        raise StudyError(f"Study {study.study_name!r} stores an unsafe name: {exc}") from None
    if definition.name != study.study_name:
        raise StudyError(
            f"Study {study.study_name!r} stores the definition of another study "
            f"({str(definition.name)[:60]!r}); the storage was edited by hand."
        )
    return definition


def open_study(
    name: str,
    storage: str | None = None,
    *,
    heartbeat: HeartbeatOptions | None = None,
    sampler=None,
    pruner=None,
    root: str | os.PathLike = "runs",
) -> StudyHandle:
    """Load study ``name`` and its definition; StudyError when it does not exist."""
    import optuna

    quiet_optuna()
    check_study_name(name)
    spec = resolve_storage(storage, name, root=root)
    if _missing_storage(spec):
        raise StudyError(
            f"No study {name!r}: {spec.path} does not exist (create it with 'codesearch study create')."
        )
    notes: list = []
    st = open_storage(spec, heartbeat, notes)
    try:
        study = optuna.load_study(study_name=name, storage=st, sampler=sampler, pruner=pruner)
    except KeyError:
        raise StudyError(
            f"No study {name!r} in {spec.display()} (create it with 'codesearch study create')."
        ) from None
    except Exception as exc:  # noqa: BLE001 - a journal whose records make no sense: one line, no traceback
        raise StudyError(
            f"Cannot read study {name!r} from {spec.display()} ({type(exc).__name__})."
        ) from None
    return StudyHandle(spec, st, study, _read_definition(study), slot_lock_for(spec, name), notes)


def create_or_check(
    definition: StudyDefinition,
    storage: str | None = None,
    *,
    paper_params: dict | None = None,
    root: str | os.PathLike = "runs",
) -> tuple[StudyHandle, bool]:
    """Create the study with ``definition`` (and enqueue ``paper_params`` once, as its first trial), or check
    that an existing one has exactly this definition. Returns ``(handle, created)``.

    Holding the study's lock makes concurrent creates safe: one creates, the others find the complete
    definition. StudyUsageError lists the differences when the stored definition is another."""
    import optuna

    quiet_optuna()
    spec = resolve_storage(storage, definition.name, root=root)
    notes: list = []
    st = open_storage(spec, notes=notes)
    lock = slot_lock_for(spec, definition.name)
    created = False
    with lock:
        try:
            study = optuna.load_study(study_name=definition.name, storage=st)
        except KeyError:
            study = optuna.create_study(
                storage=st, study_name=definition.name, directions=definition.directions
            )
            study.set_user_attr(DEFINITION_ATTR, definition.to_dict())
            if paper_params is not None:
                study.enqueue_trial(paper_params, user_attrs={PAPER_DEFAULT_ATTR: True})
            created = True
    handle = StudyHandle(spec, st, study, _read_definition(study), lock, notes)
    if not created:
        diffs = handle.definition.differences(definition)
        if diffs:
            handle.close()
            raise StudyUsageError(
                f"Study {definition.name!r} already exists in {spec.display()} with other settings: "
                + "; ".join(diffs)
                + ". Use the same settings or another name."
            )
    return handle, created
