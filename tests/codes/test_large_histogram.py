"""One-pass large-K scoring: the histogram kept exact through row changes (codes._large, codes._repair)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import ConstantWeightCode, _bits, _large
from codesearch.codes.generators._random import random_balanced_code
from codesearch.codes.generators._repair import repair_matrix


def _brute(m):
    g = m.astype(int) @ m.T.astype(int)
    iu = np.triu_indices(len(m), 1)
    return np.bincount(g[iu], minlength=m.shape[1] + 1)


def _random_rows(rng, k, n, w):
    m = np.zeros((k, n), dtype=np.uint8)
    for r in range(k):
        m[r, rng.choice(n, w, replace=False)] = 1
    return m


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(3, 70), st.integers(2, 30), st.integers(1, 5))
def test_replacing_rows_keeps_the_histogram_exact(seed, n, k, chunk):
    rng = np.random.default_rng(seed)
    w = int(rng.integers(1, n))
    m = _random_rows(rng, k, n, w)
    old = _large.CHUNK_ROWS
    _large.CHUNK_ROWS = chunk
    try:
        hist, _ = _large.histogram_and_conflicts(m, None)
    finally:
        _large.CHUNK_ROWS = old
    assert hist.tolist() == _brute(m).tolist()
    packed = _bits.pack_rows(m)
    rows = tuple(sorted(set(rng.choice(k, size=min(k, 2), replace=False).tolist())))
    new = _random_rows(rng, len(rows), n, w)
    _large.replace_rows_in_histogram(hist, packed, rows, _bits.pack_rows(new))
    m[list(rows)] = new
    assert hist.tolist() == _brute(m).tolist()
    assert np.array_equal(packed, _bits.pack_rows(m))


def test_repair_returns_the_histogram_of_its_result():
    rng = np.random.default_rng(3)
    m = random_balanced_code(300, 20, 5, rng)
    stats, hist = repair_matrix(m, 2, rng, moves_per_row=3)  # overlap <= 2 (d >= 6): moves, then relaxing
    assert stats["moves"] > 0
    assert hist.tolist() == _brute(m).tolist()


def test_adopted_histogram_is_checked():
    code = ConstantWeightCode(np.eye(4, dtype=np.uint8)[[0, 1, 2]] + np.eye(4, dtype=np.uint8)[[1, 2, 3]])
    with pytest.raises(ValueError, match="each pair"):
        code._adopt_overlap_histogram(np.array([0, 0, 0, 0, 0]))
    code._adopt_overlap_histogram(_brute(code.matrix))
    assert code.d == 2
