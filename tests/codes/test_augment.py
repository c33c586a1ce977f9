"""Issue 9: distance-4 codes from Graham-Sloane classes and partition products grown by (1, 2)-swaps."""

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import GenerateRequest, generate
from codesearch.codes._augment import (
    MAX_WORDS,
    augment_distance4,
    johnson_partition,
    partition_class,
    product_code,
)
from codesearch.codes._bits import min_distance, unpack
from codesearch.codes.generators import _algebraic as alg


@settings(max_examples=25, deadline=None)
@given(st.integers(4, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(2, n - 2))))
def test_partition_class_is_a_distance_4_code_of_at_least_the_average_size(nw):
    n, w = nw
    words = partition_class(n, w)
    assert len(words) >= comb(n, w) / n
    bits = unpack(words, n)
    assert (bits.sum(axis=1) == w).all() and min_distance(bits) >= 4


@settings(max_examples=10, deadline=None)
@given(st.integers(6, 11), st.integers(0, 3))
def test_growth_keeps_distance_4_and_never_shrinks(n, seed):
    w = n // 2
    start = partition_class(n, w)
    grown = augment_distance4(start, n, w, seed=seed, max_work=2_000_000)
    bits = unpack(grown, n)
    assert len(grown) >= len(start) and len(np.unique(grown)) == len(grown)
    assert (bits.sum(axis=1) == w).all() and min_distance(bits) >= 4


def test_growth_beats_the_class_at_13_6_and_is_seeded():
    start = partition_class(13, 6)
    assert len(start) == 132  # C(13, 6) / 13
    a = augment_distance4(start, 13, 6, seed=0)
    assert len(a) >= 151  # the grid point (151, 13, 7); Brouwer: A(13, 4, 6) >= 166
    assert np.array_equal(a, augment_distance4(start, 13, 6, seed=0))


def test_bad_starts_and_sizes_are_refused():
    with pytest.raises(ValueError, match=r"^The start words must be distinct, of weight w, at pairwise"):
        augment_distance4(np.array([0b0111, 0b1011], dtype=np.uint64), 6, 3)
    with pytest.raises(
        ValueError, match=rf"^augment_distance4 builds J\(n, w\) for C\(n, w\) <= {MAX_WORDS}"
    ):
        augment_distance4(np.zeros(0, dtype=np.uint64), 24, 12)
    with pytest.raises(ValueError, match=r"^partition_class needs 0 < w < n <= 63, not n=5, w=5\.$"):
        partition_class(5, 5)


def test_auto_reaches_d4_at_151_13_7():
    # before: anneal's d = 2 won; the class (132 words) is too small, the grown pool (153) is not
    res = generate("auto", GenerateRequest(151, 13, 7, seed=0))
    assert res.code.d == 4 and res.params["winner"] == "algebraic"
    assert res.params["winner_params"]["source"].startswith("partition product of 146 words grown")
    assert alg.partition_pool(13, 6, 0).size >= 151


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 10).flatmap(lambda m: st.tuples(st.just(m), st.integers(0, m))), st.integers(0, 3))
def test_johnson_partition_is_a_partition_into_distance_4_codes(ma, seed):
    m, a = ma
    classes = johnson_partition(m, a, seed=seed)
    allw = np.concatenate(classes)
    assert len(allw) == comb(m, a) and len(np.unique(allw)) == len(allw)  # every subset exactly once
    assert all((np.bitwise_count(c) == a).all() for c in classes)
    assert all(len(c) == 1 or min_distance(unpack(c, m)) >= 4 for c in classes)
    assert [len(c) for c in classes] == sorted((len(c) for c in classes), reverse=True)


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 16).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))), st.integers(0, 2))
def test_product_code_is_a_distance_4_code(nw, seed):
    n, w = nw
    words = product_code(n, w, seed=seed)
    bits = unpack(words, n)
    assert len(words) >= 1 and len(np.unique(words)) == len(words)
    assert (bits.sum(axis=1) == w).all()
    assert len(words) == 1 or min_distance(bits) >= 4
    assert np.array_equal(words, product_code(n, w, seed=seed))


def test_product_beats_the_class_where_the_grid_needs_it():
    # the 9 + 9 product at (18, 7): classes like the 7 Steiner triple systems of 9 points
    assert [len(c) for c in johnson_partition(9, 3)][:4] == [12, 12, 12, 12]
    prod = product_code(18, 7)
    assert len(prod) > len(partition_class(18, 7)) == 1768
    assert len(prod) >= 1796  # the grid point (1796, 18, 11); Brouwer: A(18, 4, 7) >= 2042
    pool = alg.partition_pool(18, 7, 0)
    assert pool.size >= len(prod) and pool.source.startswith("partition product of")
    assert min_distance(pool.words) >= 4


def test_product_refuses_bad_sizes():
    with pytest.raises(ValueError, match=r"^product_code needs 0 < w < n <= 63, not n=5, w=0\.$"):
        product_code(5, 0)
    with pytest.raises(ValueError, match=r"^johnson_partition needs 0 <= a <= m <= 63, not m=3, a=4\.$"):
        johnson_partition(3, 4)


@pytest.mark.slow
def test_auto_reaches_d4_at_1796_18_11():
    # before: d = 2; the Graham-Sloane class (1768 words) is too small, the 9 + 9 partition product is not
    res = generate("auto", GenerateRequest(1796, 18, 11, seed=0))
    assert res.code.d == 4 and res.code.column_spread <= 1
    assert res.params["scores"]["algebraic"]["d"] == 4
