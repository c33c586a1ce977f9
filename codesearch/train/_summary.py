"""Scheme-sensitive figures of one finished run, computed from its RunResult alone (no torch).

- ``top1``: test top-1 of the network;
- ``early``: mean early-decoding accuracy over the coded blocks (``early.<i>``: block i);
- ``gap``: specialization gap of the removal block: the accuracy lost when m active subNNs are removed minus
  the accuracy lost when m inactive ones are removed, m = min(N_act, N - N_act). Both losses are measured from
  the same baseline, so the gap is ``acc(remove m inactive) - acc(remove m active)``; large = the information
  paths are disentangled (the paper's point), about 0 = the subNNs are interchangeable;
- ``f1``: mean test F1 of the per-class binary classifiers; ``fraction``: their mean parameter fraction.

A figure the run did not measure (binary classifiers off, a plain network) is None.
"""

from __future__ import annotations

import math

from ._result import RunResult, SchemeMetrics

#: The figures a study can optimise and ``compare`` reports, with the direction that is better.
METRIC_DIRECTIONS = {
    "top1": "maximize",
    "early": "maximize",
    "gap": "maximize",
    "f1": "maximize",
    "fraction": "minimize",
}
METRICS = tuple(METRIC_DIRECTIONS)


def specialization_gap(spec: dict | None) -> float | None:
    """The gap of a metrics.json ``specialization`` record (None when absent or m = 0)."""
    if not spec:
        return None
    n, w = int(spec["n"]), int(spec["w"])
    m = min(w, n - w)
    if m < 1:
        return None
    active = {int(e["k"]): float(e["accuracy"]) for e in spec.get("active", [])}
    inactive = {int(e["k"]): float(e["accuracy"]) for e in spec.get("inactive", [])}
    if m not in active or m not in inactive:
        return None
    base = float(spec["baseline"])
    return (base - active[m]) - (base - inactive[m])


def _finite(v) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def scheme_metrics(metrics, *, per_block: bool = False) -> SchemeMetrics:
    """The :class:`SchemeMetrics` (top1, early, gap, f1, fraction; see the module docstring) of a
    :class:`RunResult` or of a metrics.json object; ``per_block`` adds the early decoding of every coded
    block (``early.<i>``)."""
    if not isinstance(metrics, RunResult):
        metrics = RunResult.from_json({"status": "?", **metrics})
    early = [float(r["accuracy"]) for r in metrics.early_decoding if r.get("accuracy") is not None]
    binary = metrics.binary
    return SchemeMetrics(
        top1=_finite(metrics.top1),
        early=_finite(sum(early) / len(early)) if early else None,
        gap=_finite(specialization_gap(metrics.specialization)),
        f1=_finite(binary.mean_f1) if binary is not None else None,
        fraction=_finite(binary.param_fraction) if binary is not None else None,
        early_blocks=tuple(_finite(a) for a in early) if per_block else None,
    )


def metric_direction(name: str) -> str:
    """ "maximize" or "minimize" for a name of :data:`METRICS` or ``early.<i>``."""
    return METRIC_DIRECTIONS.get(name.split(".", 1)[0], "maximize")
