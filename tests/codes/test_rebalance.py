"""Issue 9: column balance at a fixed distance (codesearch.codes._rebalance) and its use in ``auto``."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import ConstantWeightCode, GenerateRequest, generate
from codesearch.codes._rebalance import rebalance


@st.composite
def skewed_codes(draw):
    """Distinct weight-w rows drawn from a skewed column distribution (so columns are unbalanced)."""
    n = draw(st.integers(6, 14))
    w = draw(st.integers(2, n // 2))
    k = draw(st.integers(3, 30))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    p = np.linspace(3.0, 1.0, n)
    p /= p.sum()
    rows = {tuple(sorted(rng.choice(n, w, replace=False, p=p).tolist())) for _ in range(4 * k)}
    rows = sorted(rows)[:k]
    m = np.zeros((len(rows), n), dtype=np.int8)
    for r, cols in enumerate(rows):
        m[r, list(cols)] = 1
    return m


@settings(max_examples=40, deadline=None)
@given(skewed_codes())
def test_rebalance_keeps_distance_weights_and_distinct_rows(m):
    before = ConstantWeightCode(m)
    out, moves = rebalance(m)
    after = ConstantWeightCode(out)
    assert after.w == before.w and after.matrix.shape == before.matrix.shape
    assert after.d >= before.d  # no pair comes closer
    assert after.column_spread <= before.column_spread
    assert len(np.unique(out, axis=0)) == len(out)
    assert moves >= 0 and (moves > 0) == (not np.array_equal(out, m))
    again, _ = rebalance(m)
    assert np.array_equal(again, out)  # deterministic


def test_rebalance_reaches_balance_when_the_code_has_room():
    # every row holds column 0 (sum 3), columns 4 and 5 are empty; 6 ones over 6 columns allow spread 0.
    # Moving 0 -> 4 in one row and 0 -> 5 in another keeps every overlap at most 1 (here it even drops to 0)
    m = np.array([[1, 1, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0], [1, 0, 0, 1, 0, 0]], dtype=np.int8)
    out, moves = rebalance(m)
    code = ConstantWeightCode(out)
    assert code.column_spread == 0 and moves == 2 and code.d >= 2
    assert rebalance(out)[1] == 0  # balanced already: nothing to do


def test_auto_rebalances_a_lexicode_winner_at_its_distance():
    # (90, 24, 7) with the lexicode alone: d = 8 with uneven columns (spread 15); auto keeps d = 8 and lowers it
    res = generate("auto", GenerateRequest(90, 24, 7, seed=0, params={"methods": ["lexicode"]}))
    assert res.code.d == 8
    info = res.params["rebalanced"]
    assert info["spread_before"] == res.params["scores"]["lexicode"]["spread"] == 15
    assert info["spread"] == res.code.column_spread < info["spread_before"]
    assert any("rebalanced" in note for note in res.notes)
