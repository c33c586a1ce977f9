"""Validation of a study's best trials on fresh seeds, with the ``compare`` machinery.

``validate_study`` re-trains the K best trials and the paper's default trial (the reference) with S seeds
that the search did not use (by default the ones after the trials' own seeds), each trial with its own
scheme, lr, mu and p_drop, through :func:`codesearch.train.run_comparison` (paired seeds, run folders that
resume, ``jobs`` processes). The result is stored in the study (user attribute ``codesearch.validation``):
every metric's mean and 95% CI per trial, the paired tests against the paper's default (Holm-corrected over
the K trials), the ranking by the first objective's validated mean and the winner's verdict. ``study best``
and ``study export`` use it once it exists; ``study status`` shows the noise floor measured by it.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from pathlib import Path

from ._errors import StudyError, StudyUsageError
from ._handle import PAPER_DEFAULT_ATTR, StudyHandle
from ._objective import METRICS_ATTR, SCHEME_ATTR, ProxyObjective
from ._report import best_trials

VALIDATION_ATTR = "codesearch.validation"
VALIDATION_SCHEMA = "codesearch.study-validation/v1"


def trial_label(number: int) -> str:
    return f"trial{number:04d}"


def paper_default_trial(handle: StudyHandle):
    """The COMPLETE trial of the paper's default configuration (its last retry); StudyError when none."""
    from optuna.trial import TrialState

    done = [
        t
        for t in handle.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if t.user_attrs.get(PAPER_DEFAULT_ATTR)
    ]
    if not done:
        raise StudyError(
            f"Study {handle.name!r}: the paper's default trial has not completed yet; run the study "
            "first (it is the first trial)."
        )
    return done[-1]


def _scheme(trial, handle):
    from ..schemefile import SchemeFileError, scheme_from_dict

    data = trial.user_attrs.get(SCHEME_ATTR)
    if data is None:
        raise StudyError(f"Trial {trial.number} of study {handle.name!r} carries no scheme.")
    try:
        return scheme_from_dict(data, f"study {handle.name} trial {trial.number}")
    except SchemeFileError as exc:
        raise StudyError(str(exc)) from None


def _num(v):
    return None if v is None or math.isnan(v) else float(v)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def validate_study(
    handle: StudyHandle,
    *,
    top: int = 3,
    seeds: int = 5,
    first_seed: int | None = None,
    out_dir=None,
    jobs: int = 1,
    threads: int | None = None,
    device: str = "cpu",
    data_root: str | None = None,
    force: bool = False,
    train_fn: Callable | None = None,
    progress: Callable[[str, dict], None] | None = None,
    root="runs",
) -> dict:
    """Re-run the ``top`` best trials and the paper's default on ``seeds`` fresh seeds; store and return the
    validation record (see :func:`validation_record`). ``first_seed`` defaults to the first seed after the
    trials' own (train seed + repeats). ``out_dir`` (default ``ROOT/NAME/validate``) holds the run folders;
    finished ones are reused. ``train_fn`` replaces :func:`codesearch.train.run_training` (see
    :func:`codesearch.train.run_comparison`)."""
    from ..train import CompareEntry, CompareError, TrainConfigError, run_comparison

    if not isinstance(top, int) or top < 1:
        raise StudyUsageError(f"--top must be at least 1, not {top!r}.")
    if not isinstance(seeds, int) or seeds < 2:
        raise StudyUsageError(f"--seeds must be at least 2 (a confidence interval needs two), not {seeds!r}.")
    d = handle.definition
    reference = paper_default_trial(handle)
    candidates = [t for t in best_trials(handle) if not t.user_attrs.get(PAPER_DEFAULT_ATTR)][:top]
    if not candidates:
        raise StudyError(
            f"Study {handle.name!r} has no completed trial besides the paper's default to validate."
        )
    objective = ProxyObjective(d, device=device, data_root=data_root)
    entries = []
    for t in [reference, *candidates]:
        try:
            config = objective.config_for(t.params)
        except (ValueError, KeyError) as exc:
            raise StudyError(f"Trial {t.number} cannot be re-run: {exc}") from None
        entries.append(
            CompareEntry(
                trial_label(t.number), _scheme(t, handle), config, f"study {d.name} trial {t.number}"
            )
        )
    start = max(d.seeds) + 1 if first_seed is None else int(first_seed)
    seed_list = list(range(start, start + seeds))
    out = Path(out_dir) if out_dir is not None else Path(root) / d.name / "validate"
    try:
        result = run_comparison(
            entries,
            seed_list,
            out_dir=out,
            jobs=jobs,
            threads=threads,
            train_fn=train_fn,
            force=force,
            progress=progress,
        )
    except (CompareError, TrainConfigError) as exc:
        raise StudyUsageError(str(exc)) from None
    record = validation_record(result, d, [reference.number] + [t.number for t in candidates], str(out))
    handle.study.set_user_attr(VALIDATION_ATTR, record)
    return record


def validation_record(result, definition, numbers: list[int], out_dir: str | None = None) -> dict:
    """The JSON stored in the study: the compare document without schemes, the ranking by the first objective's
    validated mean (with CI and the Holm-corrected verdict against the paper's default, trial ``numbers[0]``),
    the winner's statement and the noise floor."""
    from .. import stats

    doc = result.to_dict(schemes=False)
    primary = definition.metrics[0]
    direction = definition.directions[0]
    ref_label = result.reference
    ranking = []
    for label, number in zip(result.labels, numbers):
        s = result.summaries.get(label, {}).get(primary)
        c = result.comparisons.get(label, {}).get(primary)
        ranking.append(
            {
                "trial": number,
                "label": label,
                "paper_default": label == ref_label,
                "metric": primary,
                "mean": None if s is None else s.mean,
                "ci_low": None if s is None else _num(s.ci_low),
                "ci_high": None if s is None else _num(s.ci_high),
                "n": 0 if s is None else s.n,
                "verdict": None if c is None else c.verdict,
                "t_p_holm": None if c is None else _num(c.t_p_holm),
                "verdicts": {m: cm.verdict for m, cm in result.comparisons.get(label, {}).items()},
            }
        )
    sign = -1.0 if direction == "maximize" else 1.0
    ranking.sort(key=lambda r: (r["mean"] is None, sign * (r["mean"] or 0.0), r["trial"]))
    winner = ranking[0]
    n_seeds = len(result.seeds)
    if winner["paper_default"]:
        statement = (
            f"the paper's default (trial {winner['trial']}) has the best validated {primary}; no trial is "
            f"better than it at {n_seeds} seeds"
        )
    elif winner["verdict"] == stats.BETTER:
        statement = (
            f"trial {winner['trial']} is better than the paper's default (trial {numbers[0]}) on {primary} "
            f"(Holm-corrected paired t-test p = {winner['t_p_holm']:.3g} < {result.alpha})"
        )
    elif winner["verdict"] == stats.WORSE:
        statement = (
            f"trial {winner['trial']} is worse than the paper's default (trial {numbers[0]}) on {primary}"
        )
    else:
        statement = (
            f"trial {winner['trial']} is not distinguishable from the paper's default (trial {numbers[0]}) "
            f"on {primary} at {n_seeds} seeds (Holm-corrected p = "
            f"{'-' if winner['t_p_holm'] is None else format(winner['t_p_holm'], '.3g')})"
        )
    floor = {}
    for m in result.metrics:
        groups = [[v for v in result.values(lab, m) if v is not None] for lab in result.labels]
        sd, dof = stats.pooled_sd(groups)
        if dof:
            floor[m] = {"sd": sd, "dof": dof}
    return {
        "schema": VALIDATION_SCHEMA,
        "date": _now(),
        "seeds": list(result.seeds),
        "out": out_dir,
        "reference_trial": numbers[0],
        "trials": list(numbers),
        "primary": primary,
        "direction": direction,
        "ranking": ranking,
        "winner": winner["trial"],
        "statement": statement,
        "noise_floor": floor,
        "compare": doc,
    }


def stored_validation(handle: StudyHandle) -> dict | None:
    data = handle.study.user_attrs.get(VALIDATION_ATTR)
    return data if isinstance(data, dict) and data.get("schema") == VALIDATION_SCHEMA else None


def trial_validation(record: dict, number: int) -> dict | None:
    """What the validation measured for trial ``number``: its summaries and its comparisons with the paper's
    default (None for the reference itself), its rank; None when it was not validated."""
    if number not in record["trials"]:
        return None
    label = trial_label(number)
    doc = record["compare"]
    rank = next(i for i, r in enumerate(record["ranking"]) if r["trial"] == number) + 1
    return {
        "seeds": record["seeds"],
        "reference_trial": record["reference_trial"],
        "rank": rank,
        "ranked_by": record["primary"],
        "metrics": doc["summaries"].get(label, {}),
        "vs_paper_default": doc["comparisons"].get(label) if number != record["reference_trial"] else None,
        "statement": record["statement"] if rank == 1 else None,
        "date": record["date"],
    }


def noise_floor(handle: StudyHandle) -> dict | None:
    """The standard deviation among repeated seeds per metric: from the validation when there is one (fresh
    seeds), else pooled over the trials trained with ``--repeats``; None when neither exists."""
    from optuna.trial import TrialState

    from ..stats import pooled_sd

    record = stored_validation(handle)
    if record is not None and record.get("noise_floor"):
        return {
            "source": "validation",
            "seeds": len(record["seeds"]),
            "configurations": len(record["trials"]),
            "metrics": record["noise_floor"],
        }
    groups: dict[str, list] = {}
    count = 0
    for t in handle.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        per_seed = (t.user_attrs.get(METRICS_ATTR) or {}).get("per_seed") or {}
        if per_seed:
            count += 1
        for m, vals in per_seed.items():
            if m in ("mean_f1", "param_fraction"):  # the same figures as f1, fraction
                continue
            groups.setdefault(m, []).append(vals)
    out = {}
    for m, gs in groups.items():
        sd, dof = pooled_sd(gs)
        if dof:
            out[m] = {"sd": sd, "dof": dof}
    if not out:
        return None
    return {"source": "repeats", "seeds": handle.definition.repeats, "configurations": count, "metrics": out}
