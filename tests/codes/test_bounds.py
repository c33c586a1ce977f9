"""Johnson / Delsarte LP bounds, the distance bound and the LP bound on pairs at the minimum distance."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import (
    ConstantWeightCode,
    bounds_table,
    delsarte_lp_bound,
    distance_spectrum,
    johnson_bound,
    lp_min_pairs,
    max_distance_bound,
    max_size_bound,
)

VECTORS = Path(__file__).parent / "vectors"


# -- known values ---------------------------------------------------------------------------------------
def test_lp_a17_4_3_is_136_over_3():
    assert delsarte_lp_bound(17, 4, 3) == pytest.approx(136 / 3, abs=1e-6)
    assert max_size_bound(17, 4, 3) <= 45


@pytest.mark.parametrize(
    "n, d, w, value",
    [
        (24, 8, 8, 759),  # Steiner S(5,8,24)
        (15, 8, 6, 10),  # biplane-derived equidistant code
        (16, 8, 8, 30),
        (20, 10, 8, 20),  # reference: A(20,10,8) <= 20
        (32, 14, 16, 295),  # reference: A(32,14,16) <= 295
        (32, 10, 8, 436),  # reference: A(32,10,8) <= 436
    ],
)
def test_max_size_bound_known_values(n, d, w, value):
    assert max_size_bound(n, d, w) == value


def test_a24_8_8_johnson_and_lp_both_give_759():
    assert johnson_bound(24, 8, 8) == 759
    assert delsarte_lp_bound(24, 8, 8) == pytest.approx(759, abs=1e-6)


@pytest.mark.parametrize(
    "t, w, n",
    [(2, 3, 7), (3, 4, 8), (2, 3, 9), (3, 4, 10), (4, 5, 11), (5, 6, 12), (3, 6, 22), (4, 7, 23), (5, 8, 24)],
)
def test_steiner_systems_meet_the_bound(t, w, n):
    """A Steiner system S(t, w, n) is a code with d = 2(w - t + 1) of C(n,t)/C(w,t) words: it is optimal."""
    d = 2 * (w - t + 1)
    size = math.comb(n, t) // math.comb(w, t)
    assert max_size_bound(n, d, w) == size
    assert max_size_bound(n, d, n - w) == size


def test_exact_small_values_never_exceed_the_bounds():
    data = json.loads((VECTORS / "exact_A.json").read_text())["values"]
    assert len(data) >= 15
    tight = 0
    for row in data:
        n, d, w, a = row["n"], row["d"], row["w"], row["A"]
        assert johnson_bound(n, d, w) >= a, row
        assert delsarte_lp_bound(n, d, w) >= a - 1e-9, row
        assert max_size_bound(n, d, w) >= a, row
        assert max_size_bound(n, d, n - w) >= a, row
        assert max_distance_bound(a, n, w) >= d, row
        tight += max_size_bound(n, d, w) == a
    assert tight >= len(data) // 2  # the bounds are exact on most small cases


@pytest.mark.parametrize(
    "K, n, w, d",
    [
        (10, 10, 3, 4),
        (10, 10, 5, 4),
        (10, 15, 6, 8),
        (100, 20, 8, 8),
        (100, 20, 4, 4),
        (100, 16, 8, 6),
        (1000, 32, 16, 12),
        (1000, 32, 8, 8),
    ],
)
def test_max_distance_bound_for_the_paper_configs(K, n, w, d):
    assert max_distance_bound(K, n, w) == d


def test_lp_min_pairs_reference_values():
    assert lp_min_pairs(100, 20, 8, 8) == 2373  # reference note: "about 2373"
    # (10,10,3) at d=4: pairs sharing a point = sum_j C(s_j, 2) >= 10 * C(3, 2) = 30 with column sums 3.
    assert lp_min_pairs(10, 10, 3, 4) == 30
    # (10,15,6) at d=8: A(15,8,6) = 10, so every pair sits at distance 8.
    assert lp_min_pairs(10, 15, 6, 8) == math.comb(10, 2)
    # Steiner systems: the LP pins the distance distribution of the design, a K at the LP optimum.
    assert lp_min_pairs(759, 24, 8, 8) == 759 * 280 // 2  # S(5,8,24): 280 blocks meet a block in 4 points
    assert lp_min_pairs(253, 23, 7, 8) == 253 * 140 // 2  # S(4,7,23): 140 blocks meet a block in 3 points
    assert lp_min_pairs(12, 9, 3, 4) == 12 * 9 // 2  # STS(9): 9 blocks meet a block in 1 point
    assert lp_min_pairs(760, 24, 8, 8) is None
    assert lp_min_pairs(100, 20, 8, 10) is None
    assert lp_min_pairs(2, 6, 3, 8) is None  # beyond 2 * min(w, n - w)


def test_small_cases():
    assert johnson_bound(10, 2, 4) == math.comb(10, 4)
    assert johnson_bound(10, 0, 4) == math.comb(10, 4)
    assert johnson_bound(10, 1, 4) == math.comb(10, 4)
    assert johnson_bound(10, 10, 4) == 1  # 2w < d
    assert johnson_bound(10, 8, 4) == 2  # 2w = d: disjoint supports
    assert johnson_bound(10, 3, 4) == johnson_bound(10, 4, 4)  # odd d rounds up
    assert johnson_bound(5, 4, 0) == 1 and johnson_bound(5, 4, 5) == 1
    assert delsarte_lp_bound(10, 2, 4) == math.comb(10, 4)
    assert delsarte_lp_bound(10, 10, 4) == 1.0
    assert johnson_bound(2000, 4, 3) == 666000  # deep recursion in n is handled bottom-up


# -- properties -----------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 40), data=st.data())
def test_bounds_are_non_increasing_in_d_and_complement_symmetric(n, data):
    w = data.draw(st.integers(1, n - 1))
    v = min(w, n - w)
    prev = None
    for d in range(2, 2 * v + 3, 2):
        j, lp, m = johnson_bound(n, d, w), delsarte_lp_bound(n, d, w), max_size_bound(n, d, w)
        assert j == johnson_bound(n, d, n - w)
        assert lp == delsarte_lp_bound(n, d, n - w)
        assert 1 <= m <= min(j, math.floor(lp))
        if prev is not None:
            assert j <= prev[0] and lp <= prev[1] + 1e-6 and m <= prev[2]
        prev = (j, lp, m)


def _random_code(rng: np.random.Generator, n: int, w: int, k: int, d_target: int) -> ConstantWeightCode:
    """Up to k distinct weight-w words, greedily kept at distance >= d_target (a randomised lexicode)."""
    words: list[np.ndarray] = []
    for _ in range(40 * k):
        x = np.zeros(n, dtype=np.uint8)
        x[rng.choice(n, w, replace=False)] = 1
        if all(int(np.sum(x != y)) >= d_target for y in words):
            words.append(x)
            if len(words) == k:
                break
    return ConstantWeightCode(np.array(words)) if len(words) >= 2 else None


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(4, 16),
    data=st.data(),
    seed=st.integers(0, 2**32 - 1),
)
def test_real_codes_respect_every_bound(n, data, seed):
    w = data.draw(st.integers(1, n - 1))
    d_target = data.draw(st.integers(1, min(w, n - w))) * 2
    k = data.draw(st.integers(2, 60))
    code = _random_code(np.random.default_rng(seed), n, w, k, d_target)
    if code is None:
        return
    K, d = code.size, code.d
    assert K <= max_size_bound(n, d, w)
    assert K <= johnson_bound(n, d, w)
    assert K <= delsarte_lp_bound(n, d, w) + 1e-6
    assert d <= max_distance_bound(K, n, w)
    pairs = lp_min_pairs(K, n, w, d)
    assert pairs is not None
    assert 0 <= pairs <= distance_spectrum(code)[d]
    row = next(r for r in bounds_table(K, n, w) if r["d"] == d)
    assert row["feasible"] and row["lp_min_pairs"] == pairs


@pytest.mark.parametrize("n, w", [(5, 2), (6, 2), (6, 3)])
def test_lp_min_pairs_below_the_true_minimum_by_enumeration(n, w):
    """For tiny (n, w) enumerate every K-word code: the LP bound is at most the true minimum number of
    pairs at distance d over codes with minimum distance >= d, and None only when no such code exists."""
    words = np.array([[1 if i in c else 0 for i in range(n)] for c in itertools.combinations(range(n), w)])
    dist = 2 * (w - words @ words.T)
    for K in range(2, 6):
        subsets = np.array(list(itertools.combinations(range(len(words)), K)))
        iu = np.triu_indices(K, 1)
        pair_d = dist[subsets[:, iu[0]], subsets[:, iu[1]]]  # (codes, pairs)
        dmin = pair_d.min(axis=1)
        for d in range(2, 2 * min(w, n - w) + 1, 2):
            ok = dmin >= d
            bound = lp_min_pairs(K, n, w, d)
            if bound is None:
                assert not ok.any(), (n, w, K, d)
            elif ok.any():
                true_min = int((pair_d[ok] == d).sum(axis=1).min())
                assert bound <= true_min, (n, w, K, d, bound, true_min)


# -- the table ------------------------------------------------------------------------------------------
def test_bounds_table_rows():
    rows = bounds_table(100, 20, 8)
    assert [r["d"] for r in rows] == list(range(2, 17, 2))
    assert set(rows[0]) == {"d", "johnson", "lp", "max_size", "feasible", "lp_min_pairs"}
    assert rows[0]["max_size"] == math.comb(20, 8) and rows[0]["lp_min_pairs"] is not None
    for r in rows:
        assert r["max_size"] == max_size_bound(20, r["d"], 8)
        assert r["johnson"] == johnson_bound(20, r["d"], 8)
        assert r["feasible"] == (r["max_size"] >= 100)
        assert (r["lp_min_pairs"] is None) == (not r["feasible"])
    assert max(r["d"] for r in rows if r["feasible"]) == max_distance_bound(100, 20, 8)
    assert next(r for r in rows if r["d"] == 8)["lp_min_pairs"] == 2373
    json.dumps(rows)  # JSON-ready
    rows[0]["d"] = -1  # callers get copies, the cache is untouched
    assert bounds_table(100, 20, 8)[0]["d"] == 2


def test_bounds_table_caps_d_at_the_complement_weight():
    assert [r["d"] for r in bounds_table(10, 12, 9)] == [2, 4, 6]


# -- validation -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, exc, msg",
    [
        ((2.0, 10, 3), TypeError, "Argument 'K' must be an integer, not float."),
        ((True, 10, 3), TypeError, "Argument 'K' must be an integer, not bool."),
        ((5, "10", 3), TypeError, "Argument 'n' must be an integer, not str."),
        ((1, 10, 3), ValueError, "Argument 'K' must be at least 2, not 1."),
        ((5, 10, 0), ValueError, "Argument 'w' must satisfy 0 < w < n, not w=0, n=10."),
        ((5, 10, 10), ValueError, "Argument 'w' must satisfy 0 < w < n, not w=10, n=10."),
        ((11, 5, 2), ValueError, "Argument 'K' must be at most C(n, w) = C(5, 2) = 10, not 11."),
    ],
)
def test_max_distance_bound_validation(args, exc, msg):
    with pytest.raises(exc) as info:
        max_distance_bound(*args)
    assert str(info.value) == msg


def test_max_distance_bound_accepts_numpy_integers():
    assert max_distance_bound(np.int64(100), np.int32(20), np.int64(8)) == 8


@pytest.mark.parametrize(
    "args, exc, msg",
    [
        ((10, 10, 3, 4.0), TypeError, "Argument 'd' must be an integer, not float."),
        ((10, 10, 3, 5), ValueError, "Argument 'd' must be an even integer >= 2, not 5."),
        ((10, 10, 3, 0), ValueError, "Argument 'd' must be an even integer >= 2, not 0."),
        ((1, 10, 3, 4), ValueError, "Argument 'K' must be at least 2, not 1."),
    ],
)
def test_lp_min_pairs_validation(args, exc, msg):
    with pytest.raises(exc) as info:
        lp_min_pairs(*args)
    assert str(info.value) == msg


@pytest.mark.parametrize("fn", [johnson_bound, delsarte_lp_bound, max_size_bound])
def test_size_bound_validation(fn):
    with pytest.raises(TypeError, match=r"^Argument 'd' must be an integer, not float\.$"):
        fn(10, 4.0, 3)
    with pytest.raises(ValueError, match=r"^Argument 'n' must be at least 1, not 0\.$"):
        fn(0, 4, 0)
    with pytest.raises(ValueError, match=r"^Argument 'w' must satisfy 0 <= w <= n, not w=11, n=10\.$"):
        fn(10, 4, 11)
    with pytest.raises(ValueError, match=r"^Argument 'd' must be non-negative, not -2\.$"):
        fn(10, -2, 3)


def test_no_bound_is_below_a_best_known_code():
    """Brouwer's lower bounds (checked-in copy, tests/codes/vectors/andw_bounds.json) are codes that exist:
    the Johnson/LP bound must admit every one of them."""
    import json
    from pathlib import Path

    from codesearch.codes import max_size_bound

    table = json.loads((Path(__file__).parent / "vectors" / "andw_bounds.json").read_text())
    assert "Brouwer" in table["source"]
    rows = [r for r in table["rows"] if r[0] <= 22 and r[3] is not None]
    assert len(rows) > 100
    for n, d, w, lb, _ub in rows:
        assert max_size_bound(n, d, w) >= lb, (n, d, w, lb)
