"""Issue 9: short orbits of PSL(2, q) on the projective line, completed by the words of fitting orbits."""

from math import gcd

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import GenerateRequest, generate
from codesearch.codes._bits import min_distance, unpack
from codesearch.codes.algebra._projective import (
    fixed_words,
    projective_line_group,
    projective_orbit_code,
    projective_orders,
)
from codesearch.codes.generators import _algebraic as alg

SMALL = [q for q in projective_orders() if q <= 13]


def test_the_orders_are_the_prime_powers_with_small_groups():
    assert projective_orders() == (4, 5, 7, 8, 9, 11, 13, 16, 17, 19, 23, 25, 27)


@settings(max_examples=len(SMALL), deadline=None)
@given(st.sampled_from(SMALL))
def test_psl_has_its_order_and_is_two_transitive(q):
    group = projective_line_group(q)
    assert group.degree == q + 1 and group.order == q * (q * q - 1) // gcd(2, q - 1)
    el = group.elements
    assert len({row.tobytes() for row in el}) == group.order  # distinct permutations
    assert group.is_transitive
    stab = el[el[:, 0] == 0]
    assert set(stab[:, 1].tolist()) == set(range(1, q + 1))  # the stabiliser of 0 is transitive on the rest


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(SMALL), st.integers(2, 7))
def test_fixed_words_have_a_nontrivial_stabiliser(q, w):
    w = min(w, q)
    group = projective_line_group(q)
    words = fixed_words(group, w)
    assert (np.bitwise_count(words) == w).all() and len(np.unique(words)) == len(words)
    images = group.images(words)[:, 1:]  # every non-identity element
    assert ((images == words[:, None]).any(axis=1)).all()


def test_the_702_orbit_of_psl_2_27_completes_past_the_grid_point():
    code = projective_orbit_code(27, 14, 10)
    bits = unpack(code.words, 28)
    assert len(bits) >= 724  # the grid point (724, 28, 14); Brouwer: A(28, 10, 14) >= 814
    assert (bits.sum(axis=1) == 14).all() and len(np.unique(code.words)) == len(code.words)
    assert min_distance(bits) >= 10
    orbit = code.labels == 0
    assert orbit.sum() == 702 and (bits[orbit].sum(axis=0) == 351).all()  # one balanced unit
    assert code.source.startswith("1 short orbits of PSL(2, 27) (702 words) + ")


def test_the_code_is_seeded():
    a, b = projective_orbit_code(13, 7, 4, seed=3), projective_orbit_code(13, 7, 4, seed=3)
    assert np.array_equal(a.words, b.words) and np.array_equal(a.labels, b.labels)
    assert min_distance(unpack(a.words, 14)) >= 4


def test_no_valid_short_orbit_gives_none_and_bad_orders_are_refused():
    assert projective_orbit_code(27, 14, 12) is None
    assert alg.projective_pool(28, 14, 4, 0) is None  # below PROJECTIVE_MIN_DISTANCE
    assert alg.projective_pool(29, 14, 10, 0) is None  # 28 is no prime power
    with pytest.raises(
        ValueError, match=r"^q must be one of 4, 5, 7, 8, 9, 11, 13, 16, 17, 19, 23, 25, 27, not 6\.$"
    ):
        projective_line_group(6)


@pytest.mark.slow
def test_auto_reaches_d10_at_724_28_14():
    # before: d = 8 (annealing); Brouwer's table knows d = 10 for 814 words
    res = generate("auto", GenerateRequest(724, 28, 14, seed=0))
    assert res.code.d == 10 and res.params["winner"] == "algebraic"
    assert "PSL(2, 27)" in res.params["winner_params"]["source"]
