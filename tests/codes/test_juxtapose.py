"""Issue 9: juxtaposition (u | v) and column splitting, and the codes algebraic builds from them."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import GenerateRequest, generate
from codesearch.codes._bits import min_distance
from codesearch.codes.algebra import juxtapose, split_columns
from codesearch.codes.algebra._juxtapose import group_sizes
from codesearch.codes.generators import _algebraic as alg


def _distances(m: np.ndarray) -> np.ndarray:
    m = m.astype(np.int64)
    w = m.sum(axis=1)
    return w[:, None] + w[None, :] - 2 * (m @ m.T)


@st.composite
def _codes(draw):
    n = draw(st.integers(3, 12))
    w = draw(st.integers(1, n - 1))
    k = draw(st.integers(2, 12))
    rows = []
    for _ in range(k):
        ones = draw(st.lists(st.integers(0, n - 1), min_size=w, max_size=w, unique=True))
        row = np.zeros(n, dtype=np.uint8)
        row[ones] = 1
        rows.append(row)
    return np.array(rows), draw(st.integers(0, 6))


@settings(max_examples=150, deadline=None)
@given(_codes())
def test_splitting_columns_never_lowers_a_distance(case):
    m, extra = case
    n = m.shape[1] + extra
    out = split_columns(m, n)
    assert out.shape == (len(m), n) and (out.sum(axis=1) == m.sum(axis=1)).all()
    assert (_distances(out) >= _distances(m)).all()
    # every one stays in its column's group, and loads inside a group differ by at most 1
    g = group_sizes(m.sum(axis=0), n)
    start = m.shape[1]
    for c in range(m.shape[1]):
        members = [c, *range(start, start + g[c] - 1)]
        start += g[c] - 1
        assert (out[:, members].sum(axis=1) == m[:, c]).all()
        loads = out[:, members].sum(axis=0)
        assert loads.max() - loads.min() <= 1


def test_split_goes_to_the_most_loaded_column_and_is_deterministic():
    m = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]])
    assert group_sizes(m.sum(axis=0), 5).tolist() == [2, 2, 1]
    assert np.array_equal(split_columns(m, 5), split_columns(m, 5))
    assert np.array_equal(split_columns(m, 3), m)
    with pytest.raises(ValueError, match=r"^The new length must be at least 3, not 2\.$"):
        split_columns(m, 2)


@settings(max_examples=60, deadline=None)
@given(_codes(), _codes())
def test_juxtaposition_adds_distances(a, b):
    k = min(len(a[0]), len(b[0]))
    left, right = a[0][:k], b[0][:k]
    out = juxtapose(left, right)
    assert np.array_equal(_distances(out), _distances(left) + _distances(right))


def test_juxtaposition_needs_equal_row_counts():
    with pytest.raises(ValueError, match=r"^The parts must have the same number of rows, not 2 and 1\.$"):
        juxtapose([[1, 0], [0, 1]], [[1, 0]])
    with pytest.raises(ValueError, match=r"^Argument 'left' must be a 2-D 0/1 matrix\.$"):
        juxtapose([1, 0], [[1, 0]])


def test_juxtaposed_codes_of_two_planes_are_balanced_at_the_summed_distance():
    rng = np.random.default_rng(0)
    found = list(alg.juxtaposed_codes(20, 8, 8, 30, rng, 30.0))
    planes = [m for m, src in found if src.count("inversive plane S(3, 4, 10)") == 2]
    assert planes, [src for _, src in found]
    m = planes[0]
    # two S(3, 4, 10) (30 blocks, d = 4, every point in 12) side by side: d = 8, every column 12
    assert m.shape == (30, 20) and min_distance(m) == 8 and set(m.sum(axis=0).tolist()) == {12}


@pytest.mark.parametrize(
    ("k", "n", "w", "d", "source"),
    [
        (37, 22, 10, 10, "Hadamard code of order 20"),  # A(22, 10, 10) >= 46; 38 words on 20 coordinates
        (82, 27, 6, 8, "inversive plane S(3, 6, 26)"),  # A(27, 8, 6) >= 130 rests on S(3, 6, 26)
        (168, 25, 7, 8, "[23,12,7]"),  # A(25, 8, 7) >= 255 rests on S(4, 7, 23)
    ],
)
def test_algebraic_widens_a_shorter_record_code(k, n, w, d, source):
    res = generate("algebraic", GenerateRequest(k, n, w, seed=0))
    assert res.code.d == d and source in res.params["source"] and "columns split" in res.params["source"]
    assert res.code.column_sums.min() > 0  # every subNN serves some class
    again = generate("algebraic", GenerateRequest(k, n, w, seed=0))
    assert np.array_equal(res.code.matrix, again.code.matrix)


def test_widen_heads_prefer_fewest_added_coordinates_and_list_a_word_set_once():
    heads = alg.widen_heads(27, 6, 8, 82)
    assert heads and heads[0][0].words.shape[1] == 26 and heads[0][1] == 0
    keys = {(p.words.shape, np.sort(p.words, axis=0).tobytes()) for p, _ in heads}
    assert len(keys) == len(heads)


def test_auto_reaches_the_degenerate_record_at_a_complemented_weight():
    # (244, 25, 18) is the complement of (244, 25, 7): A(25, 8, 7) >= 255 rests on S(4, 7, 23); before the
    # widening auto stopped at d = 6
    res = generate("auto", GenerateRequest(244, 25, 18, seed=0))
    assert res.code.d == 8 and res.code.w == 18 and res.params["winner"] == "algebraic"
    assert "columns split from 23 to 25" in res.params["winner_params"]["source"]
    assert res.code.column_sums.min() > 0


def test_mixed_tails_unite_two_golay_cosets_beyond_any_single_pool():
    # A(25, 8, 10) >= 1248; the largest single pools of length 24 (960) and 25 hold fewer than 1158 words
    pools = alg.mixed_tail_pools(25, 10, 8, 1158)
    assert pools
    best = max(pools, key=lambda p: p.size)
    assert best.size >= 1158 and min_distance(best.words) >= 8
    assert (best.words.sum(axis=1) == 10).all() and len(np.unique(best.words, axis=0)) == best.size
    tails = best.words[:, -1]
    assert 0 < tails.sum() < best.size  # words of both kinds: (u | 0) and (v | 1)
    assert all(p.size < 1158 for p in alg.candidate_pools(25, 10, 8))
