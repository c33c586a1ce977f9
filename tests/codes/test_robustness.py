"""Nearest-codeword decoding accuracy under Gaussian energy noise and branch flips."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import (
    ConstantWeightCode,
    flip_decoding_accuracy,
    flip_is_exact,
    noise_decoding_accuracy,
    robustness_report,
)


def _code(k: int, n: int, w: int, seed: int = 0) -> ConstantWeightCode:
    rng = np.random.default_rng(seed)
    rows: set[tuple[int, ...]] = set()
    while len(rows) < k:
        rows.add(tuple(sorted(int(i) for i in rng.choice(n, w, replace=False))))
    return ConstantWeightCode.from_supports(sorted(rows), n)


TRIANGLE = ConstantWeightCode.from_strings(["1100", "1010", "0110"])  # all 2-subsets of {0,1,2}, N = 4


# -- exact enumeration ---------------------------------------------------------------------------------
def test_one_flip_exact_hand_computation():
    """Class 1100: flipping branch 0 gives 0100, nearest {1100, 0110} -> 1/2; branch 1 gives 1000, nearest
    {1100, 1010} -> 1/2; branch 2 gives 1110, all three at distance 1 -> 1/3; branch 3 gives 1101, only
    1100 at distance 1 -> 1. The code is symmetric in branches 0,1,2, so the accuracy is
    (1/2 + 1/2 + 1/3 + 1) / 4 = 7/12."""
    assert flip_is_exact(TRIANGLE, 1, 10000)
    assert flip_decoding_accuracy(TRIANGLE, 1) == pytest.approx(float(Fraction(7, 12)), abs=1e-12)
    # Exact mode ignores the seed.
    assert flip_decoding_accuracy(TRIANGLE, 1, seed=5) == flip_decoding_accuracy(TRIANGLE, 1, seed=9)


def test_two_flips_on_an_antipodal_pair_always_tie():
    """1100 / 0011 (d = 4): any 2 flips leave the word at distance 2 from both codewords -> 1/2."""
    code = ConstantWeightCode.from_strings(["1100", "0011"])
    assert flip_decoding_accuracy(code, 2) == pytest.approx(0.5, abs=1e-12)
    assert flip_decoding_accuracy(code, 1) == 1.0


def _brute_force_flip_accuracy(code: ConstantWeightCode, flips: int) -> float:
    m = code.matrix.astype(int)
    total = 0.0
    for k in range(code.size):
        for s in itertools.combinations(range(code.n), flips):
            y = m[k].copy()
            y[list(s)] ^= 1
            dist = np.abs(m - y).sum(axis=1)
            nearest = np.flatnonzero(dist == dist.min())
            total += (k in nearest) / len(nearest)
    return total / (code.size * len(list(itertools.combinations(range(code.n), flips))))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(3, 8), data=st.data())
def test_exact_mode_matches_brute_force(n, data):
    w = data.draw(st.integers(1, n - 1))
    k = data.draw(st.integers(2, min(12, math.comb(n, w))))
    flips = data.draw(st.integers(0, min(3, n)))
    code = _code(k, n, w, seed=data.draw(st.integers(0, 1000)))
    assert flip_decoding_accuracy(code, flips) == pytest.approx(
        _brute_force_flip_accuracy(code, flips), abs=1e-9
    )


def test_sampling_estimates_the_exact_value():
    code = _code(40, 12, 4, seed=3)  # 40 * C(12, 2) = 2640 cases
    exact = flip_decoding_accuracy(code, 2, trials=5000)
    assert flip_is_exact(code, 2, 5000) and not flip_is_exact(code, 2, 2000)
    sampled = flip_decoding_accuracy(code, 2, trials=2000, seed=1)
    assert sampled != exact
    assert abs(sampled - exact) < 0.05  # ~4 standard errors


# -- behaviour -------------------------------------------------------------------------------------------
def test_perfect_without_noise():
    code = _code(200, 20, 8)
    assert noise_decoding_accuracy(code, 0.0, trials=3000) == 1.0
    assert noise_decoding_accuracy(code, 1e-3, trials=3000) == 1.0
    assert flip_decoding_accuracy(code, 0, trials=100) == 1.0  # sampled (200 cases > 100 trials)
    assert flip_decoding_accuracy(code, 0) == 1.0  # exact


def test_accuracy_decreases_with_noise_and_flips():
    code = _code(100, 20, 8, seed=1)
    noise = [noise_decoding_accuracy(code, s, trials=4000) for s in (0.1, 0.3, 0.5, 0.8, 1.5)]
    assert noise[0] == 1.0
    assert all(a >= b for a, b in itertools.pairwise(noise))
    assert noise[-1] < 0.5
    flips = [flip_decoding_accuracy(code, b, trials=4000) for b in (0, 1, 3, 6)]
    assert flips[0] == 1.0
    assert all(a >= b for a, b in itertools.pairwise(flips))
    assert flips[-1] < 0.9


def test_larger_distance_is_more_robust():
    """Four words at distance >= 4 survive every single flip and noise better than four words at d=2."""
    spread = ConstantWeightCode.from_strings(["11110000", "00001111", "11001100", "00110011"])  # d = 4
    clustered = ConstantWeightCode.from_strings(["11110000", "11101000", "11100100", "11100010"])  # d = 2
    assert flip_decoding_accuracy(spread, 1) == 1.0
    assert flip_decoding_accuracy(clustered, 1) < 1.0
    assert noise_decoding_accuracy(spread, 0.5, trials=4000) > noise_decoding_accuracy(
        clustered, 0.5, trials=4000
    )


def test_deterministic_for_a_seed_and_seed_sensitive():
    code = _code(300, 32, 16, seed=2)
    a = noise_decoding_accuracy(code, 0.8, trials=5000, seed=7)
    assert a == noise_decoding_accuracy(code, 0.8, trials=5000, seed=7)
    assert a != noise_decoding_accuracy(code, 0.8, trials=5000, seed=8)
    b = flip_decoding_accuracy(code, 6, trials=5000, seed=7)
    assert b == flip_decoding_accuracy(code, 6, trials=5000, seed=7)
    assert b != flip_decoding_accuracy(code, 6, trials=5000, seed=8)


def test_report_is_json_ready_and_reproducible():
    code = _code(50, 16, 4)
    report = robustness_report(code, sigmas=(0.25, 0.5, 1), flips=(0, 1, 2), trials=2000, seed=3)
    assert set(report) == {"noise", "flips", "flips_exact", "trials", "seed"}
    assert list(report["noise"]) == ["0.25", "0.5", "1"]
    assert list(report["flips"]) == ["0", "1", "2"]
    assert report["flips_exact"] == {"0": True, "1": True, "2": False}  # 50, 800, 6000 cases
    assert report["trials"] == 2000 and report["seed"] == 3
    assert report["noise"]["0.25"] == noise_decoding_accuracy(code, 0.25, trials=2000, seed=3)
    assert report["flips"]["2"] == flip_decoding_accuracy(code, 2, trials=2000, seed=3)
    assert json.dumps(report) == json.dumps(robustness_report(code, (0.25, 0.5, 1), (0, 1, 2), 2000, 3))
    assert all(0.0 <= v <= 1.0 for part in ("noise", "flips") for v in report[part].values())


# -- validation -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, exc, msg",
    [
        (
            lambda: noise_decoding_accuracy([[1, 0], [0, 1]], 0.1),
            TypeError,
            "Argument 'code' must be a ConstantWeightCode, not list.",
        ),
        (
            lambda: noise_decoding_accuracy(TRIANGLE, "0.1"),
            TypeError,
            "Argument 'sigma' must be a real number, not str.",
        ),
        (
            lambda: noise_decoding_accuracy(TRIANGLE, -0.1),
            ValueError,
            "Argument 'sigma' must be a finite number >= 0, not -0.1.",
        ),
        (
            lambda: noise_decoding_accuracy(TRIANGLE, float("nan")),
            ValueError,
            "Argument 'sigma' must be a finite number >= 0, not nan.",
        ),
        (
            lambda: noise_decoding_accuracy(TRIANGLE, 0.1, trials=0),
            ValueError,
            "Argument 'trials' must be at least 1, not 0.",
        ),
        (
            lambda: noise_decoding_accuracy(TRIANGLE, 0.1, trials=10.0),
            TypeError,
            "Argument 'trials' must be an integer, not float.",
        ),
        (
            lambda: flip_decoding_accuracy(TRIANGLE, 5),
            ValueError,
            "Argument 'flips' must satisfy 0 <= flips <= n, not flips=5, n=4.",
        ),
        (
            lambda: flip_decoding_accuracy(TRIANGLE, 1.0),
            TypeError,
            "Argument 'flips' must be an integer, not float.",
        ),
        (
            lambda: flip_decoding_accuracy(TRIANGLE, 1, seed=None),
            TypeError,
            "Argument 'seed' must be an integer, not NoneType.",
        ),
        (
            lambda: noise_decoding_accuracy(TRIANGLE, 0.1, seed=-1),
            ValueError,
            "Argument 'seed' must be non-negative, not -1.",
        ),
    ],
)
def test_validation(call, exc, msg):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value) == msg
