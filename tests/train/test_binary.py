import numpy as np
import pytest

from codesearch.train import best_f1_threshold, binary_metrics, lr_factor


def test_separable_scores_give_f1_one_and_a_midpoint_threshold():
    t, f1 = best_f1_threshold([0.1, 0.9, 0.4, 0.8], [0, 1, 0, 1])
    assert f1 == 1.0
    assert t == pytest.approx(0.6)  # between 0.4 (best rejected) and 0.8 (lowest accepted)
    m = binary_metrics([0.7, 0.5, 0.61, 0.59], [1, 1, 0, 0], t)
    # accepted: 0.7 (tp), 0.61 (fp); rejected: 0.5 (fn), 0.59 (tn)
    assert (m["tp"], m["fp"], m["fn"]) == (1, 1, 1)
    assert m["precision"] == 0.5 and m["recall"] == 0.5 and m["f1"] == 0.5


def test_overlapping_scores_hand_computed():
    # sorted scores 5(+) 4(-) 3(+) 2(+) 1(-); P = 3
    # cut after 1: F1 = 2*1/(1+3) = .5 ; after 2: 2*1/(2+3) = .4 ; after 3: 2*2/(3+3) = .667
    # after 4: 2*3/(4+3) = .857 ; after 5: 2*3/(5+3) = .75
    t, f1 = best_f1_threshold([3, 5, 1, 2, 4], [1, 1, 0, 1, 0])
    assert f1 == pytest.approx(6 / 7)
    assert t == pytest.approx(1.5)


def test_ties_cannot_be_split():
    # two equal scores, one positive and one negative: both are accepted or both rejected
    t, f1 = best_f1_threshold([1.0, 1.0, 0.0], [1, 0, 0])
    assert f1 == pytest.approx(2 / 3)
    assert 0.0 < t <= 1.0
    m = binary_metrics([1.0, 1.0, 0.0], [1, 0, 0], t)
    assert m["f1"] == pytest.approx(2 / 3)


def test_ties_in_f1_prefer_the_higher_threshold():
    # accepting {4}: 2/(1+2) = .667; {4,3}: .5; {4,3,2}: .4; all: 4/(4+2) = .667 -> keep the higher cut
    t, f1 = best_f1_threshold([4, 3, 2, 1], [1, 0, 0, 1])
    assert f1 == pytest.approx(2 / 3) and t == pytest.approx(3.5)
    # accepting all: the threshold lies half a unit below the lowest score
    t, f1 = best_f1_threshold([3, 2, 1], [1, 0, 1])
    assert f1 == pytest.approx(0.8) and t == pytest.approx(0.5)


def test_no_positive_and_bad_inputs():
    t, f1 = best_f1_threshold([0.2, 0.3], [0, 0])
    assert f1 == 0.0 and t > 0.3
    assert binary_metrics([0.2, 0.3], [0, 0], t) == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "tp": 0,
        "fp": 0,
        "fn": 0,
    }
    with pytest.raises(ValueError):
        best_f1_threshold([0.1, 0.2], [1])
    with pytest.raises(ValueError):
        best_f1_threshold([np.nan, 0.2], [1, 0])
    with pytest.raises(ValueError):
        best_f1_threshold([], [])


def test_threshold_matches_brute_force():
    rng = np.random.default_rng(3)
    for _ in range(30):
        s = rng.integers(0, 6, size=25).astype(float)
        y = rng.random(25) < 0.3
        t, f1 = best_f1_threshold(s, y)
        brute = max(binary_metrics(s, y, c)["f1"] for c in np.unique(s))
        assert f1 == pytest.approx(brute if y.any() else 0.0)
        assert binary_metrics(s, y, t)["f1"] == pytest.approx(f1)


def test_cosine_schedule_with_warmup():
    assert lr_factor(0, 100, 0) == 1.0
    assert lr_factor(50, 100, 0) == pytest.approx(0.5)
    assert lr_factor(100, 100, 0) == pytest.approx(0.0)
    assert lr_factor(0, 100, 10) == pytest.approx(0.1)
    assert lr_factor(9, 100, 10) == pytest.approx(1.0)
    assert lr_factor(10, 100, 10) == pytest.approx(1.0)
