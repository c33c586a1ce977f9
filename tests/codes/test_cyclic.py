"""Cyclic codes of odd lengths and the constant-weight pools cut from their sections (codes._cyclic)."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import GenerateRequest, generate
from codesearch.codes.algebra import _cyclic as cy
from codesearch.codes.algebra._gf2 import cyclotomic_coset, poly_mul, unpack
from codesearch.codes.generators import _algebraic as alg

TABLE = json.loads((Path(__file__).parent / "vectors" / "andw_bounds.json").read_text())["rows"]
LB = {(n, d, w): lb for n, d, w, lb, _ in TABLE}


@pytest.mark.parametrize("n", range(9, 36, 2))
def test_factors_multiply_to_xn1_and_match_cosets(n):
    factors = cy.xn1_factors(n)
    prod = 1
    for f in factors:
        prod = poly_mul(prod, f)
    assert prod == (1 << n) | 1
    cosets = {cyclotomic_coset(i, n) for i in range(n)}
    assert sorted(f.bit_length() - 1 for f in factors) == sorted(len(c) for c in cosets)


def test_known_cyclic_codes_are_listed():
    def params(n):
        return {(c.k, c.min_distance) for c in cy.cyclic_codes(n)}

    assert (9, 5) in params(17)  # quadratic-residue code [17, 9, 5]
    assert (12, 7) in params(23)  # Golay
    assert (16, 7) in params(31) and (11, 11) in params(31)  # QR [31,16,7], BCH [31,11,11]
    assert all(2 <= c.k <= cy.MAX_CYCLIC_DIMENSION and c.min_distance >= 3 for c in cy.cyclic_codes(21))


def test_bad_lengths_are_rejected():
    for n in (8, 37):
        with pytest.raises(ValueError, match="odd"):
            cy.xn1_factors(n)


@given(st.integers(0, 2**20).map(lambda s: np.random.default_rng(s).integers(0, 2**22, size=40)))
@settings(max_examples=30, deadline=None)
def test_min_distance_packed_matches_brute_force(words):
    words = np.unique(words.astype(np.uint64))
    brute = min(int(np.bitwise_count(a ^ b)) for i, a in enumerate(words) for b in words[i + 1 :])
    assert cy.min_distance_packed(words, chunk=7) == brute


# records of Brouwer's table that sections of the (extended) Golay code reach exactly
@pytest.mark.parametrize(
    "n,w,size",
    [
        (24, 8, 759),
        (24, 12, 2576),
        (23, 7, 253),
        (23, 8, 506),
        (23, 11, 1288),
        (22, 6, 77),
        (22, 7, 176),
        (22, 8, 330),
        (22, 10, 616),
        (22, 11, 672),
        (21, 7, 120),
        (20, 8, 130),
        (19, 9, 88),
    ],
)
def test_sections_reach_golay_records(n, w, size):
    assert LB[(n, 8, w)] == size
    pools = [p for p in cy.section_pools(n, w) if p.d >= 8]
    best = max(pools, key=lambda p: len(p.packed))
    assert len(best.packed) == size
    words = best.words()
    assert words.shape == (size, n) and (words.sum(axis=1) == w).all()
    assert len(np.unique(best.packed)) == size
    assert cy.min_distance_packed(best.packed) == best.d >= 8


def test_section_pools_are_deterministic_and_units_balanced():
    a = cy.section_pools(23, 7)
    cy.section_pools.cache_clear()
    b = cy.section_pools(23, 7)
    assert [p.packed.tobytes() for p in a] == [p.packed.tobytes() for p in b]
    for p in b:
        bits = unpack(p.packed, 23)
        for lab in np.unique(p.units[p.units >= 0]):
            cs = bits[p.units == lab].sum(axis=0)
            assert cs.min() == cs.max()


def test_candidate_pools_offer_sections():
    pools = alg.candidate_pools(22, 10, 8, k=600)
    assert any(p.size == 616 and p.d == 8 for p in pools)
    sections = [p for p in pools if p.source.startswith("weight-")]
    assert sections and all(p.size >= 600 for p in sections)


def test_auto_picks_a_golay_section_where_others_fall_short():
    # (120, 21, 7): lexicode and anneal reach d = 6; the octads meeting 3 fixed points in one give Brouwer's
    # A(21, 8, 7) = 120 words at d = 8, all columns equal
    res = generate("auto", GenerateRequest(120, 21, 7, seed=0))
    assert res.code.d == 8 and res.params["winner"] == "algebraic"
    # lexicode below the algebraic d = 8 cannot win: auto's h_floor stops it at H_min = 8, where it has too few words
    assert "h_floor" in res.params["scores"]["lexicode"]["error"]
    assert res.code.column_spread == 0
    again = generate("auto", GenerateRequest(120, 21, 7, seed=0))
    assert np.array_equal(res.code.matrix, again.code.matrix)


@pytest.mark.parametrize("k,n,w,spread", [(600, 22, 10, 1), (759, 24, 8, 0), (660, 24, 12, 0)])
def test_algebraic_cuts_balanced_golay_subcodes(k, n, w, spread):
    res = generate("algebraic", GenerateRequest(k, n, w, seed=0))
    assert res.code.d == 8 and res.code.size == k
    assert res.code.column_spread == spread == (0 if k * w % n == 0 else 1)


def test_auto_prefers_balance_to_fewer_pairs_at_the_same_distance():
    # at (700, 24, 8) the lexicode (octads too) has a few pairs fewer but column spread 2; the cut of the
    # octads has spread 1, the smallest possible (700 * 8 / 24 is not an integer): rule C before pair counts
    res = generate("auto", GenerateRequest(700, 24, 8, seed=0, params={"methods": ["algebraic", "lexicode"]}))
    s = res.params["scores"]
    assert s["algebraic"]["d"] == s["lexicode"]["d"] == 8
    assert s["lexicode"]["pairs"] < s["algebraic"]["pairs"] and s["lexicode"]["spread"] > 1
    assert res.params["winner"] == "algebraic" and res.code.column_spread == 1
