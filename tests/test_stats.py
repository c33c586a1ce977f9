"""codesearch.stats: intervals and tests checked against distributions whose parameters are known."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from codesearch import stats


def test_summary_matches_the_t_formula():
    x = [0.91, 0.93, 0.90, 0.95, 0.92]
    s = stats.summarize(x)
    sd = np.std(x, ddof=1)
    half = sps.t.ppf(0.975, 4) * sd / math.sqrt(5)
    assert s.n == 5 and s.mean == pytest.approx(np.mean(x)) and s.sd == pytest.approx(sd)
    assert (s.ci_low, s.ci_high) == pytest.approx((np.mean(x) - half, np.mean(x) + half))
    one = stats.summarize([0.5])
    assert one.mean == 0.5 and math.isnan(one.sd) and one.to_dict()["ci_low"] is None
    assert stats.summarize([]).n == 0
    with pytest.raises(ValueError):
        stats.summarize([1.0, float("nan")])


def test_confidence_interval_covers_the_true_mean_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    hits = 0
    trials = 2000
    for _ in range(trials):
        s = stats.summarize(rng.normal(0.9, 0.02, size=5))
        hits += s.ci_low <= 0.9 <= s.ci_high
    assert 0.935 <= hits / trials <= 0.965


def test_paired_t_test_is_calibrated_and_has_power():
    rng = np.random.default_rng(1)
    null_rejects = power = 0
    for _ in range(1000):
        shared = rng.normal(0, 0.05, 6)  # a seed effect common to both (what pairing removes)
        a = 0.9 + shared + rng.normal(0, 0.01, 6)
        same = 0.9 + shared + rng.normal(0, 0.01, 6)
        up = 0.93 + shared + rng.normal(0, 0.01, 6)
        null_rejects += stats.paired_test(a, same).t_p < 0.05
        power += stats.paired_test(a, up).t_p < 0.05
    assert 0.03 <= null_rejects / 1000 <= 0.07
    assert power / 1000 > 0.95


def test_paired_test_against_scipy_and_the_difference_ci():
    a = [0.90, 0.92, 0.91, 0.89, 0.93, 0.90]
    b = [0.92, 0.95, 0.91, 0.92, 0.96, 0.91]
    t = stats.paired_test(a, b)
    d = np.subtract(b, a)
    assert t.mean_diff == pytest.approx(d.mean())
    assert t.t_p == pytest.approx(sps.ttest_rel(b, a).pvalue)
    assert t.wilcoxon_p == pytest.approx(sps.wilcoxon(d[d != 0]).pvalue)
    s = stats.summarize(d)
    assert (t.ci_low, t.ci_high) == pytest.approx((s.ci_low, s.ci_high))


def test_degenerate_differences_have_fixed_answers():
    zero = stats.paired_test([0.5, 0.6, 0.7], [0.5, 0.6, 0.7])
    assert (zero.t_p, zero.wilcoxon_p, zero.mean_diff) == (1.0, 1.0, 0.0)
    exact = stats.paired_test([0.5, 0.6, 0.7], [0.4, 0.5, 0.6])  # seed-independent difference of -0.1
    assert exact.t_p == 0.0 and exact.ci_low == pytest.approx(-0.1) == exact.ci_high
    assert exact.wilcoxon_p == pytest.approx(0.25)  # exact two-sided at n = 3
    tiny = stats.paired_test([0.5], [0.7])
    assert tiny.mean_diff == pytest.approx(0.2) and math.isnan(tiny.t_p)
    assert stats.verdict(tiny.mean_diff, tiny.t_p) == stats.NO_DIFFERENCE
    with pytest.raises(ValueError):
        stats.paired_test([1, 2], [1, 2, 3])


def test_holm_step_down():
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert stats.holm([0.2, 0.001]) == pytest.approx([0.2, 0.002])
    assert stats.holm([0.3, 0.4]) == pytest.approx([0.6, 0.6])  # monotone
    assert stats.holm([0.9, 0.8]) == [1.0, 1.0]  # capped at 1
    out = stats.holm([float("nan"), 0.02, 0.04])
    assert math.isnan(out[0]) and out[1:] == pytest.approx([0.04, 0.04])


def test_verdicts_follow_the_direction():
    assert stats.verdict(0.02, 0.01) == stats.BETTER
    assert stats.verdict(-0.02, 0.01) == stats.WORSE
    assert stats.verdict(-0.02, 0.01, "minimize") == stats.BETTER
    assert stats.verdict(0.02, 0.2) == stats.NO_DIFFERENCE
    with pytest.raises(ValueError):
        stats.verdict(0.1, 0.01, "up")


def test_compare_samples_holm_corrects_across_candidates():
    ref = [0.90, 0.91, 0.92, 0.90]
    # each alone has t-test p just under 5%; two of them together no longer pass Holm
    b = [0.92, 0.92, 0.95, 0.91]
    pb = stats.paired_test(ref, b).t_p
    assert pb < 0.05
    values = {"ref": {"top1": ref}, "b": {"top1": b}, "c": {"top1": list(b)}}
    _, comp = stats.compare_samples(values, "ref", {"top1": "maximize"})
    assert comp["b"]["top1"].t_p_holm == pytest.approx(min(1, 2 * pb))
    alone = stats.compare_samples({"ref": {"top1": ref}, "b": {"top1": b}}, "ref", {"top1": "maximize"})[1]
    assert alone["b"]["top1"].verdict == stats.BETTER
    assert comp["b"]["top1"].verdict == (stats.BETTER if 2 * pb < 0.05 else stats.NO_DIFFERENCE)
    # missing runs (None) drop their pairs
    _, comp = stats.compare_samples(
        {"ref": {"top1": [0.9, None, 0.8]}, "b": {"top1": [0.95, 0.9, None]}}, "ref", {"top1": "maximize"}
    )
    assert comp["b"]["top1"].test.n == 1


def test_pooled_sd():
    groups = [[1.0, 2.0, 3.0], [10.0, 12.0], [5.0]]
    sd, dof = stats.pooled_sd(groups)
    assert dof == 3 and sd == pytest.approx(math.sqrt((2.0 + 2.0) / 3))
    assert math.isnan(stats.pooled_sd([[1.0]])[0])
