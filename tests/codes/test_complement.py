"""Issue 9: (K, N, w) and (K, N, N - w) come out with the same d and pairs at d (property test)."""

from math import comb

from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import GenerateRequest, generate, pairs_at_min_distance


@st.composite
def configs(draw):
    n = draw(st.integers(6, 12))
    w = draw(st.integers(1, n - 1))
    k = draw(st.integers(2, min(24, comb(n, w))))
    return k, n, w, draw(st.sampled_from(["auto", "random", "lexicode"])), draw(st.integers(0, 3))


@settings(max_examples=12, deadline=None)
@given(configs())
def test_complement_keeps_d_and_pairs(cfg):
    k, n, w, method, seed = cfg
    a = generate(method, GenerateRequest(k, n, w, seed=seed)).code
    b = generate(method, GenerateRequest(k, n, n - w, seed=seed)).code
    assert (a.w, b.w) == (w, n - w)
    assert a.d == b.d
    assert pairs_at_min_distance(a) == pairs_at_min_distance(b)
    assert a.column_spread == b.column_spread
