"""Statistics for repeated-seed comparisons (numpy and scipy only; no torch, no optuna).

- :func:`summarize`: mean, standard deviation and a 95% Student-t confidence interval of one sample.
- :func:`paired_test`: the paired differences ``b - a`` of two samples measured on the same seeds: mean
  difference with its t confidence interval, a paired t-test and a Wilcoxon signed-rank p-value.
- :func:`holm`: Holm's step-down correction of a family of p-values.
- :func:`compare_samples`: every candidate against a reference, per metric: paired tests, Holm-corrected
  across the candidates (per metric), and a plain verdict.
- :func:`pooled_sd`: the noise floor, the within-configuration standard deviation pooled over groups.

Degenerate cases have fixed, documented answers instead of warnings or NaN p-values:

- fewer than 2 values: sd, CI and p-values are NaN, and the verdict is "no detectable difference";
- all differences zero (up to floating-point rounding, 1e-12 of the values' size): both p-values are 1;
- differences that are all equal (up to that rounding) but not zero (zero variance, e.g. a parameter fraction that does not depend
  on the seed): the difference is exact, the t-test p-value is 0 and the CI is that one value; Wilcoxon
  keeps its own (exact) p-value, which at small n cannot be small (n = 2 gives at best 0.5).

The verdict of a candidate on one metric uses the Holm-corrected paired t-test p-value at ``alpha`` (5%):
"better" or "worse" (by the metric's direction) when it is below ``alpha``, else "no detectable difference".
The t-test decides because the exact Wilcoxon test cannot reach 5% with fewer than 6 pairs (its smallest
two-sided p-value is 2 / 2^n); the Wilcoxon p-value is reported next to it as a check that does not assume
normal differences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

CONFIDENCE = 0.95  # level of every confidence interval
ALPHA = 0.05  # family-wise error rate of the Holm-corrected verdicts

BETTER, WORSE, NO_DIFFERENCE = "better", "worse", "no detectable difference"


#: Differences within this share of the values' magnitude count as equal (floating-point rounding).
_TOLERANCE = 1e-12


def _clean(values) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64).ravel()
    if not np.all(np.isfinite(a)):
        raise ValueError("values must be finite numbers.")
    return a


def _t_quantile(n: int, confidence: float) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2, n - 1))


def _none_if_nan(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


@dataclass(frozen=True)
class Summary:
    n: int  # number of values
    mean: float  # sample mean (NaN when n = 0)
    sd: float  # sample standard deviation, ddof = 1 (NaN when n < 2)
    sem: float  # standard error of the mean sd / sqrt(n) (NaN when n < 2)
    ci_low: float  # lower end of the t confidence interval of the mean (NaN when n < 2)
    ci_high: float  # upper end
    confidence: float = CONFIDENCE  # level of the interval

    def to_dict(self) -> dict:
        """JSON-ready (NaN becomes null)."""
        return {k: _none_if_nan(v) for k, v in asdict(self).items()}


def summarize(values, confidence: float = CONFIDENCE) -> Summary:
    """Mean, sd (ddof 1), standard error and the Student-t confidence interval of the mean of ``values``."""
    a = _clean(values)
    n = int(a.size)
    if n == 0:
        nan = float("nan")
        return Summary(0, nan, nan, nan, nan, nan, confidence)
    mean = float(a.mean())
    if n < 2:
        nan = float("nan")
        return Summary(1, mean, nan, nan, nan, nan, confidence)
    sd = float(a.std(ddof=1))
    sem = sd / math.sqrt(n)
    half = _t_quantile(n, confidence) * sem
    return Summary(n, mean, sd, sem, mean - half, mean + half, confidence)


@dataclass(frozen=True)
class PairedTest:
    n: int  # number of pairs
    mean_diff: float  # mean of b - a
    sd_diff: float  # sd of the differences (NaN when n < 2)
    ci_low: float  # t confidence interval of the mean difference (NaN when n < 2)
    ci_high: float
    t_p: float  # two-sided paired t-test p-value (NaN when n < 2)
    wilcoxon_p: float  # two-sided Wilcoxon signed-rank p-value (NaN when n < 2)
    confidence: float = CONFIDENCE

    def to_dict(self) -> dict:
        return {k: _none_if_nan(v) for k, v in asdict(self).items()}


def paired_test(a, b, confidence: float = CONFIDENCE) -> PairedTest:
    """Paired comparison of ``b`` against ``a`` (same length, pair i measured with the same seed)."""
    from scipy import stats

    x, y = _clean(a), _clean(b)
    if x.shape != y.shape:
        raise ValueError(f"paired samples need the same length, not {x.size} and {y.size}.")
    d = y - x
    n = int(d.size)
    nan = float("nan")
    if n == 0:
        return PairedTest(0, nan, nan, nan, nan, nan, nan, confidence)
    mean = float(d.mean())
    if n < 2:
        return PairedTest(1, mean, nan, nan, nan, nan, nan, confidence)
    s = summarize(d, confidence)
    scale = max(1.0, float(np.abs(np.concatenate([x, y])).max()))
    if np.abs(d).max() <= _TOLERANCE * scale:
        return PairedTest(n, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, confidence)
    if float(np.ptp(d)) <= _TOLERANCE * scale:  # exact, seed-independent difference (up to rounding)
        t_p = 0.0
        ci_low = ci_high = mean
    else:
        t_p = float(stats.ttest_rel(y, x).pvalue)
        ci_low, ci_high = s.ci_low, s.ci_high
    nonzero = d[d != 0]
    if nonzero.size == 0:
        w_p = 1.0
    else:
        w_p = float(stats.wilcoxon(nonzero, zero_method="wilcox", alternative="two-sided").pvalue)
    return PairedTest(n, mean, float(s.sd), float(ci_low), float(ci_high), t_p, w_p, confidence)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (same order as given; NaN stays NaN and does not count)."""
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    idx = [i for i in range(p.size) if not math.isnan(p[i])]
    m = len(idx)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda j: p[j])):
        running = max(running, min(1.0, (m - rank) * float(p[i])))
        out[i] = running
    return [float(v) for v in out]


def verdict(mean_diff: float, p_adjusted: float, direction: str = "maximize", alpha: float = ALPHA) -> str:
    """ "better", "worse" or "no detectable difference" for a candidate whose paired difference against the
    reference is ``mean_diff`` with Holm-adjusted p-value ``p_adjusted``; ``direction`` says which way is good."""
    if direction not in ("maximize", "minimize"):
        raise ValueError(f"direction must be 'maximize' or 'minimize', not {direction!r}.")
    if p_adjusted is None or math.isnan(p_adjusted) or not p_adjusted < alpha or mean_diff == 0:
        return NO_DIFFERENCE
    up = mean_diff > 0
    return BETTER if up == (direction == "maximize") else WORSE


@dataclass(frozen=True)
class MetricComparison:
    metric: str  # metric name
    candidate: str  # label of the candidate
    reference: str  # label of the reference
    test: PairedTest  # paired differences candidate - reference on the seeds both have
    t_p_holm: float  # Holm-corrected t-test p-value (family: every candidate of this metric)
    wilcoxon_p_holm: float  # Holm-corrected Wilcoxon p-value
    verdict: str  # "better", "worse", "no detectable difference"

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "candidate": self.candidate,
            "reference": self.reference,
            **self.test.to_dict(),
            "t_p_holm": _none_if_nan(self.t_p_holm),
            "wilcoxon_p_holm": _none_if_nan(self.wilcoxon_p_holm),
            "verdict": self.verdict,
        }


def _pairs(ref: Sequence, cand: Sequence) -> tuple[list[float], list[float]]:
    """The positions where both samples hold a value (None or NaN marks a missing run)."""
    a, b = [], []
    for x, y in zip(ref, cand):
        if (
            x is None
            or y is None
            or (isinstance(x, float) and math.isnan(x))
            or (isinstance(y, float) and math.isnan(y))
        ):
            continue
        a.append(float(x))
        b.append(float(y))
    return a, b


def compare_samples(
    values: Mapping[str, Mapping[str, Sequence]],
    reference: str,
    directions: Mapping[str, str],
    *,
    alpha: float = ALPHA,
    confidence: float = CONFIDENCE,
) -> tuple[dict, dict]:
    """Summaries of every label's metrics and paired comparisons of every other label against ``reference``.

    ``values[label][metric]`` is a list over the same seeds for every label (None where a run is missing).
    Returns ``(summaries, comparisons)``: ``summaries[label][metric]`` a :class:`Summary`,
    ``comparisons[label][metric]`` a :class:`MetricComparison` (only for labels other than the reference and
    metrics the reference has). Holm's correction runs per metric over the candidates."""
    if reference not in values:
        raise ValueError(f"the reference {reference!r} is not among the labels.")
    summaries = {
        label: {
            m: summarize([v for v in vs if v is not None and not _isnan(v)], confidence)
            for m, vs in metrics.items()
        }
        for label, metrics in values.items()
    }
    ref = values[reference]
    comparisons: dict[str, dict] = {label: {} for label in values if label != reference}
    for metric, ref_values in ref.items():
        cands = [label for label in comparisons if metric in values[label]]
        tests = {}
        for label in cands:
            a, b = _pairs(ref_values, values[label][metric])
            tests[label] = paired_test(a, b, confidence)
        t_adj = holm([tests[c].t_p for c in cands])
        w_adj = holm([tests[c].wilcoxon_p for c in cands])
        for label, tp, wp in zip(cands, t_adj, w_adj):
            t = tests[label]
            comparisons[label][metric] = MetricComparison(
                metric,
                label,
                reference,
                t,
                tp,
                wp,
                verdict(t.mean_diff, tp, directions.get(metric, "maximize"), alpha),
            )
    return summaries, comparisons


def _isnan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def pooled_sd(groups: Sequence[Sequence[float]]) -> tuple[float, int]:
    """The standard deviation pooled over ``groups`` (each the values of one configuration over seeds):
    ``sqrt(sum (n_i - 1) s_i^2 / sum (n_i - 1))``. Returns ``(sd, degrees of freedom)``; NaN and 0 when no
    group has two values."""
    num = 0.0
    dof = 0
    for g in groups:
        a = _clean(g)
        if a.size >= 2:
            num += float(((a - a.mean()) ** 2).sum())
            dof += int(a.size) - 1
    return (math.sqrt(num / dof), dof) if dof else (float("nan"), 0)


__all__ = [
    "ALPHA",
    "BETTER",
    "CONFIDENCE",
    "NO_DIFFERENCE",
    "WORSE",
    "MetricComparison",
    "PairedTest",
    "Summary",
    "compare_samples",
    "holm",
    "paired_test",
    "pooled_sd",
    "summarize",
    "verdict",
]
