"""Issue 9 part 3: chunked pair metrics and generation at large K."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import (
    ConstantWeightCode,
    GenerateRequest,
    _bits,
    _large,
    code_metrics,
    distance_spectrum,
    generate,
)
from codesearch.codes.generators._repair import choose_threshold, tail_probability


@st.composite
def matrices(draw):
    n = draw(st.integers(3, 70))
    w = draw(st.integers(1, n - 1))
    k = draw(st.integers(2, 40))
    seed = draw(st.integers(0, 10**6))
    rng = np.random.default_rng(seed)
    m = np.zeros((k, n), dtype=np.uint8)
    for r in range(k):
        m[r, rng.choice(n, w, replace=False)] = 1
    return m, w


@settings(max_examples=40, deadline=None)
@given(matrices(), st.integers(1, 8))
def test_chunked_histogram_and_conflicts_match_brute_force(mw, chunk):
    m, _w = mw
    old = _large.CHUNK_ROWS
    _large.CHUNK_ROWS = chunk  # force several chunks on small inputs
    try:
        hist = _large.overlap_histogram(m)
        g = m.astype(int) @ m.T.astype(int)
        iu = np.triu_indices(len(m), 1)
        assert hist.tolist() == np.bincount(g[iu], minlength=m.shape[1] + 1).tolist()
        t = int(np.median(g[iu]))
        pairs = _large.conflict_pairs(m, t)
        expect = sorted((int(a), int(b)) for a, b in zip(*iu) if g[a, b] > t)
        assert sorted(map(tuple, pairs.tolist())) == expect
    finally:
        _large.CHUNK_ROWS = old
    packed = _bits.pack_rows(m)
    assert _bits.row_overlaps(packed, packed[0]).tolist() == g[0].tolist()


def test_spectrum_is_recomputed_in_chunks_like_the_pair_matrix():
    rng = np.random.default_rng(1)
    m = np.zeros((700, 20), dtype=np.uint8)  # more rows than one chunk
    for r in range(700):
        m[r, rng.choice(20, 5, replace=False)] = 1
    m = np.unique(m, axis=0)
    code = ConstantWeightCode(m)
    iu = np.triu_indices(code.size, 1)
    values, counts = np.unique(code.distances[iu], return_counts=True)
    assert distance_spectrum(code) == dict(zip(values.tolist(), counts.tolist()))
    assert code.d == int(values[0])


def test_tail_probability_and_threshold():
    assert tail_probability(10, 3, 2) == 1 / 120  # share all 3 ones: C(3,3) C(7,0) / C(10,3)
    assert tail_probability(10, 3, 3) == 0
    t = choose_threshold(21841, 64, 16, 18)
    assert 21841 * 21840 / 2 * tail_probability(64, 16, t) <= 5_000


def test_auto_at_21841_classes_uses_repair_and_stays_balanced():
    res = generate("auto", GenerateRequest(21841, 40, 10, seed=0))
    code = res.code
    assert (code.size, code.n, code.w) == (21841, 40, 10)
    assert res.params["winner"] == "repair"
    assert code.column_spread <= 1
    assert code.d >= 4  # a random code of this size has about 90 pairs at d = 2; the repair removes them
    assert any("skipped anneal" in note for note in res.notes)
    again = generate("auto", GenerateRequest(21841, 40, 10, seed=0))
    assert np.array_equal(again.code.matrix, code.matrix)  # counted budgets: same request, same bytes
    m = code_metrics(code)
    assert m["min_distance"] == code.d and sum(m["distance_spectrum"].values()) == 21841 * 21840 // 2
