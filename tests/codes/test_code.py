import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import ConstantWeightCode, distance_spectrum, pairs_at_min_distance


def _random_code(seed, k, n, w):
    rng = np.random.default_rng(seed)
    rows = set()
    while len(rows) < k:
        rows.add(tuple(sorted(rng.choice(n, size=w, replace=False).tolist())))
    return ConstantWeightCode.from_supports(sorted(rows), n)


def test_properties_of_a_small_code():
    code = ConstantWeightCode([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]])
    assert (code.n, code.size, code.w, code.id) == (4, 3, 2, "2/4")
    assert code.d == 2
    assert code.column_sums.tolist() == [2, 1, 2, 1]
    assert code.column_spread == 1
    assert code.codewords == ["1100", "0011", "1010"]
    assert distance_spectrum(code) == {2: 2, 4: 1}
    assert pairs_at_min_distance(code) == 2
    with pytest.raises(ValueError):
        code.matrix[0, 0] = 0  # read-only


@pytest.mark.parametrize(
    "matrix, exc, msg",
    [
        ("abc", TypeError, "must hold integers or booleans"),
        ([[0.5, 1.0], [1.0, 0.0]], TypeError, "must hold integers or booleans"),
        ([1, 0, 1], ValueError, "must be 2-D, not 1-D"),
        ([[1, 2], [0, 1]], ValueError, "only 0 and 1"),
        ([[1, 0]], ValueError, "at least 2 codewords, not 1"),
        ([[1, 0, 0], [1, 1, 0]], ValueError, "row 0 has 1 ones, row 1 has 2"),
        ([[1, 1], [1, 1]], ValueError, "0 < w < n"),
        ([[1, 0, 0], [0, 1, 0], [1, 0, 0]], ValueError, "row 0 appears more than once"),
    ],
)
def test_bad_matrices(matrix, exc, msg):
    with pytest.raises(exc, match=msg):
        ConstantWeightCode(matrix)


def test_from_strings_rejects_ragged_and_non_binary():
    with pytest.raises(ValueError, match="must be 3 characters"):
        ConstantWeightCode.from_strings(["101", "10"])
    with pytest.raises(ValueError, match="must be 3 characters"):
        ConstantWeightCode.from_strings(["101", "1x0"])
    with pytest.raises(TypeError):
        ConstantWeightCode.from_strings([101, 110])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(4, 14), st.data())
def test_distances_match_a_direct_count(seed, n, data):
    w = data.draw(st.integers(1, n - 1))
    from math import comb

    k = data.draw(st.integers(2, min(30, comb(n, w))))
    code = _random_code(seed, k, n, w)
    m = code.matrix.astype(int)
    direct = {}
    for a in range(k):
        for b in range(a + 1, k):
            dist = int(np.sum(m[a] != m[b]))
            assert dist % 2 == 0  # equal-weight words are at even distance
            direct[dist] = direct.get(dist, 0) + 1
    assert distance_spectrum(code) == direct
    assert code.d == min(direct)
    assert sum(direct.values()) == k * (k - 1) // 2
    # The sum of all pairwise distances equals sum_j 2 s_j (K - s_j) / 2 over columns.
    s = code.column_sums
    assert sum(d * c for d, c in direct.items()) == int(np.sum(s * (k - s)))
    assert ConstantWeightCode.from_strings(code.codewords) == code


def test_column_relations():
    from codesearch.codes import column_relations

    code = ConstantWeightCode([[1, 1, 0, 0, 1, 0], [0, 0, 1, 1, 1, 0], [1, 1, 0, 0, 0, 1]])
    rel = column_relations(code)
    assert rel["duplicate_columns"] == [[0, 1], [2, 3]]
    assert rel["complementary_columns"] == [[0, 2], [0, 3], [1, 2], [1, 3], [4, 5]]
    assert rel["min_column_distance"] == 0
