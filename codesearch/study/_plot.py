"""PNG figures of a study with ``optuna.visualization.matplotlib`` (Agg backend)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from ._handle import StudyHandle


def _png(ax_or_axes) -> bytes:
    import numpy as np

    first = np.ravel(ax_or_axes)[0] if not hasattr(ax_or_axes, "figure") else ax_or_axes
    fig = first.figure
    fig.set_size_inches(max(fig.get_size_inches()[0], 7), max(fig.get_size_inches()[1], 5))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def render_study_plots(handle: StudyHandle) -> tuple[dict[str, bytes], list[str]]:
    """``({file name: PNG bytes}, [notes about figures that could not be drawn])``.

    history (one per objective), Pareto front (pareto objective), parameter importances (>= 2 complete
    trials with varying parameters)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from optuna.trial import TrialState
    from optuna.visualization import matplotlib as vis

    study = handle.study
    d = handle.definition
    figures: dict[str, bytes] = {}
    notes: list[str] = []
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        return figures, ["no completed trial yet: nothing to plot"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if d.single:
            target = "proxy top-1" if d.prunable else f"proxy {d.value_names[0]}"
            figures["history.png"] = _png(vis.plot_optimization_history(study, target_name=target))
        else:
            for i, name in enumerate(d.value_names):
                figures[f"history-{name}.png"] = _png(
                    vis.plot_optimization_history(study, target=lambda t, i=i: t.values[i], target_name=name)
                )
            if len(d.value_names) in (2, 3):  # Optuna draws 2- and 3-objective fronts
                figures["pareto-front.png"] = _png(vis.plot_pareto_front(study, target_names=d.value_names))
        if len(complete) >= 2:
            try:
                if d.single:
                    ax = vis.plot_param_importances(study, target_name=target)
                else:
                    ax = vis.plot_param_importances(
                        study, target=lambda t: t.values[0], target_name=d.value_names[0]
                    )
                figures["param-importances.png"] = _png(ax)
            except (RuntimeError, ValueError) as exc:
                notes.append(f"parameter importances not drawn: {exc}")
        else:
            notes.append("parameter importances need at least 2 completed trials")
    return figures, notes


def write_study_plots(handle: StudyHandle, out_dir, *, force: bool = False) -> tuple[list[Path], list[str]]:
    """Render and write the figures atomically into ``out_dir`` (FileExistsError before writing anything
    when one exists and ``force`` is false)."""
    from .._atomic import write_bytes_atomic

    figures, notes = render_study_plots(handle)
    paths = {Path(out_dir) / name: data for name, data in figures.items()}
    if not force:
        for p in paths:
            if p.exists():
                raise FileExistsError(f"{p} exists; pass --force to overwrite it")
    return [write_bytes_atomic(p, data, force=force) for p, data in paths.items()], notes
