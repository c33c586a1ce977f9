"""Export the schemes that trials trained with, exactly as stored with each trial, plus provenance."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ._definition import check_study_name
from ._errors import StudyError
from ._handle import StudyHandle
from ._objective import SCHEME_ATTR
from ._report import best_trials, trial_record


def chosen_trials(handle: StudyHandle, top: int = 1) -> list:
    """The best ``top`` trials (single objective) or the first ``top`` of the Pareto front. After ``study
    validate``: the validated trials by their validated mean (the paper's default among them), then the
    others by their search value."""
    from ._validate import stored_validation

    trials = best_trials(handle)
    if not trials:
        raise StudyError(f"Study {handle.name!r} has no completed trial yet.")
    record = stored_validation(handle)
    if record is not None:
        by_number = {t.number: t for t in handle.study.get_trials(deepcopy=False)}
        ranked = [by_number[r["trial"]] for r in record["ranking"] if r["trial"] in by_number]
        seen = {t.number for t in ranked}
        trials = ranked + [t for t in trials if t.number not in seen]
    return trials[:top]


def trial_scheme(trial, handle: StudyHandle):
    """The trial's stored scheme with ``provenance`` (study, trial number, proxy metrics) filled in."""
    from ..schemefile import SchemeFileError, scheme_from_dict

    data = trial.user_attrs.get(SCHEME_ATTR)
    if data is None:
        raise StudyError(f"Trial {trial.number} of study {handle.name!r} carries no scheme.")
    try:
        scheme = scheme_from_dict(data, f"study {handle.name} trial {trial.number}")
    except SchemeFileError as exc:
        raise StudyError(str(exc)) from None
    rec = trial_record(trial, handle.definition)
    d = handle.definition
    provenance = {
        "study": d.name,
        "trial": trial.number,
        "objective": d.objective,
        "values": rec.values,
        "proxy_metrics": rec.metrics,
        "params": rec.params,
        "dataset": d.dataset,
        "preset": d.preset,
        "epochs": d.epochs,
        "paper_default": rec.paper_default,
    }
    if d.repeats != 1:
        provenance["repeats"] = d.repeats
    from ._validate import stored_validation, trial_validation

    record = stored_validation(handle)
    if record is not None:
        provenance["validation"] = trial_validation(record, trial.number)
    return dataclasses.replace(scheme, provenance=provenance)


def export_path(out_dir, study_name: str, number: int) -> Path:
    """``DIR/NAME-trialNNNN.json``; StudyError when that would not be a file directly inside ``out_dir``
    (a name read from a storage is never trusted to stay inside the folder the user gave)."""
    check_study_name(study_name)
    path = Path(out_dir) / f"{study_name}-trial{int(number):04d}.json"
    if path.parent != Path(out_dir) or path.name in ("", ".", ".."):
        raise StudyError(f"Refusing to export study {study_name!r} outside {out_dir}.")
    return path


def export_schemes(handle: StudyHandle, out_dir, *, top: int = 1, force: bool = False) -> list[Path]:
    """Write ``DIR/NAME-trialNNNN.json`` for each chosen trial (atomically; nothing is written when one of
    them exists and ``force`` is false: FileExistsError)."""
    from ..schemefile import write_scheme

    items = [
        (export_path(out_dir, handle.name, t.number), trial_scheme(t, handle))
        for t in chosen_trials(handle, top)
    ]
    if not force:
        for path, _ in items:
            if path.exists():
                raise FileExistsError(f"{path} exists; pass --force to overwrite it")
    return [write_scheme(scheme, path, force=force) for path, scheme in items]
