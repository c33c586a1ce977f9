"""The ``algebraic`` generator: structured sources, balanced cuts and the issue's targets."""

from functools import cache
from math import comb

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codesearch.codes import ConstantWeightCode, GenerateRequest, GenerationError, pairs_at_min_distance
from codesearch.codes.generators import _algebraic as alg
from codesearch.codes.generators._base import _REGISTRY

GEN = alg.AlgebraicGenerator()


@cache
def _gen(k, n, w, seed=0, tries=None):
    """One generation per configuration for the whole file (generation is deterministic)."""
    params = {} if tries is None else {"orbit_tries": tries}
    return GEN.generate(GenerateRequest(k, n, w, seed=seed, params=params))


def _check(code, k, n, w):
    assert code.size == k and code.n == n and code.w == w
    assert (code.matrix.sum(axis=1) == w).all()
    assert len(np.unique(code.matrix, axis=0)) == k


def test_registered():
    assert _REGISTRY["algebraic"] is alg.AlgebraicGenerator


@pytest.mark.parametrize(
    "k,n,w,d",
    [
        (10, 15, 6, 8),  # biplane (16,6,2): blocks avoiding a point; A(15,8,6) = 10
        (100, 16, 8, 6),  # Nordstrom-Robinson translate; optimal d
        (1000, 32, 16, 12),  # extended BCH [32,11,12]; optimal d
        (10, 10, 3, 4),
        (10, 10, 5, 4),
        (100, 20, 4, 4),
        (100, 20, 8, 8),  # 5-6 orbits of a group of order 20 (the paper's d, balanced)
    ],
)
def test_targets(k, n, w, d):
    res = _gen(k, n, w)
    _check(res.code, k, n, w)
    assert res.code.d == d
    assert res.code.column_spread == 0
    assert res.method == "algebraic" and res.params["source"]


def test_bch_cut_is_pair_optimal():
    # the 1054 weight-16 words form a 256-regular graph at distance 12 (134912 edges); dropping 54 words
    # removes at most 54 * 256 edges, reached exactly when the dropped words are pairwise non-adjacent
    code = _gen(1000, 32, 16).code
    assert pairs_at_min_distance(code) == 134912 - 54 * 256
    assert (code.column_sums == 500).all()


def test_fewer_pairs_than_paper_where_free():
    code = _gen(10, 10, 5).code
    assert pairs_at_min_distance(code) < 20  # the paper's (10,10,5) code has 20 pairs at d=4
    code = _gen(100, 20, 4).code
    assert pairs_at_min_distance(code) <= 660  # paper: 769; 660 is the best known (LP bound 648)
    res = _gen(100, 20, 8)
    assert pairs_at_min_distance(res.code) <= 2885  # paper: 2910 pairs at d=8
    assert "group orbits" in res.params["source"]
    assert pairs_at_min_distance(_gen(100, 16, 8).code) <= 1920  # 7 orbits of a group of order 16


def test_1000_32_8_balanced_distance_8():
    res = _gen(1000, 32, 8, tries=1)
    _check(res.code, 1000, 32, 8)
    assert res.code.d == 8 and res.code.column_spread == 0
    assert (res.code.column_sums == 250).all()
    assert "group orbits" in res.params["source"] and res.params["orbit_tries"] == 1
    assert pairs_at_min_distance(res.code) < 73176  # the paper's unbalanced d=8 code
    again = GEN.generate(GenerateRequest(1000, 32, 8, params={"orbit_tries": 1}))
    assert again.code == res.code and again.params == res.params


def test_deterministic_and_seeded():
    req = GenerateRequest(30, 12, 6, seed=3)
    a, b = GEN.generate(req), GEN.generate(req)
    assert a.code == b.code and a.params == b.params
    other = GEN.generate(GenerateRequest(30, 12, 6, seed=4)).code
    _check(other, 30, 12, 6)
    assert other.column_spread == 0


def test_min_distance_request():
    res = GEN.generate(GenerateRequest(10, 15, 6, min_distance=6))
    assert res.code.d >= 6
    # the orbits of Z_9 have 9 words, but the 18 blocks of S(3, 4, 10) that avoid a point give A(9, 4, 4) = 18
    res = GEN.generate(GenerateRequest(12, 9, 4, min_distance=4, params={"restarts": 1}))
    assert res.code.d == 4 and res.params["source"].startswith("inversive plane S(3, 4, 10)")
    with pytest.raises(GenerationError, match="algebraic sources give no"):
        # A(12, 6, 4) = 9 allows d = 6, but no union of Z_12 orbits, design or shorter code gives 8 words
        GEN.generate(GenerateRequest(8, 12, 4, min_distance=6, params={"restarts": 1}))


def test_not_applicable():
    assert not GEN.applicable(GenerateRequest(10, 70, 3))  # longer than 64
    assert not GEN.applicable(GenerateRequest(1000, 40, 20))  # no source, too many words to enumerate
    assert GEN.applicable(GenerateRequest(1000, 32, 16))  # C(31,15) is too many, but eBCH applies
    with pytest.raises(GenerationError, match="No structured source"):
        GEN.generate(GenerateRequest(1000, 40, 20))


def test_candidate_pools_and_words():
    pools = alg.candidate_pools(32, 16, 12)
    big = [p for p in pools if p.size == 1054]
    assert big and all(p.d == 12 for p in big)
    nr = [p for p in alg.candidate_pools(16, 8, 6) if p.size == 100]
    assert nr and all(p.d >= 6 for p in nr)
    words = alg.candidate_words(15, 6, 8)
    assert words.shape == (10, 15)
    assert alg.candidate_words(10, 3, 10).shape[0] <= 3


def test_candidate_words_32_8_8_balanced():
    words = alg.candidate_words(32, 8, 8)
    assert words.shape[0] >= 1000 and (words.sum(axis=1) == 8).all()  # the group-orbit packing
    ov = words.astype(int) @ words.T.astype(int)
    np.fill_diagonal(ov, 0)
    assert ov.max() <= 4  # distance >= 8
    cs = words.sum(axis=0)
    assert cs.min() == cs.max()  # a union of translation orbits


def test_cut_by_units_keeps_balance():
    rng = np.random.default_rng(0)
    pool = next(p for p in alg.candidate_pools(32, 16, 12) if p.size == 1054 and "complementary" in p.source)
    idx = alg._cut_units(pool, 800, rng)
    assert len(idx) == 800
    assert (pool.words[idx].sum(axis=0) == 400).all()
    assert alg._cut_units(pool, 1053, rng) is None  # units have size 2: 1 word cannot be dropped


def test_reachable():
    assert alg._reachable({32: 3, 4: 2}, 72)
    assert not alg._reachable({32: 3, 4: 2}, 12)
    assert not alg._reachable({2: 5}, -2)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(5, 13), data=st.data())
def test_invariants(n, data):
    w = data.draw(st.integers(2, n - 2))
    k = data.draw(st.integers(2, min(40, n * 3, comb(n, w))))
    req = GenerateRequest(k, n, w, seed=data.draw(st.integers(0, 5)), params={"restarts": 1})
    assert GEN.applicable(req)
    try:
        res = GEN.generate(req)
    except GenerationError:
        return
    _check(res.code, k, n, w)
    if (w * k) % n == 0 and res.code.column_spread:
        # a non-zero spread only comes from the MILP fallback, which reports the best it found
        assert res.code.column_spread <= 2
    assert GEN.generate(req).code == res.code


# -- completions of small structured pools (issue 9) ------------------------------------------------------------
def test_seeded_lexicode_keeps_the_seeds_and_the_distance():
    from codesearch.codes._bits import min_distance
    from codesearch.codes.generators._lexicode import lexicode_words, words_to_matrix

    plain, _ = lexicode_words(12, 4, 4)
    seeds = plain[-5:]  # five words at distance >= 4, late in integer order
    words, info = lexicode_words(12, 4, 4, seed_words=seeds)
    assert list(words[:5]) == list(seeds) and info["scan_complete"]
    m = words_to_matrix(words, 12)
    assert len(np.unique(m, axis=0)) == len(m) and min_distance(m) >= 4
    assert (m.sum(axis=1) == 4).all()


def test_completion_of_s4723_reaches_d6_where_the_lexicode_stops_short():
    from codesearch.codes._bits import min_distance
    from codesearch.codes.generators._algebraic import candidate_pools, completion_pools
    from codesearch.codes.generators._lexicode import lexicode_words

    plain, _ = lexicode_words(23, 7, 6)
    assert len(plain) < 681  # the plain sorted lexicode at d = 6 is too small for K = 681
    pools = completion_pools(23, 7, 6, 681, candidate_pools(23, 7, 6), 60.0)
    assert pools and all(p.size >= 681 and p.d == 6 for p in pools)
    assert min_distance(pools[0].words) >= 6 and "completion of" in pools[0].source
    # not below d = 6 (COMPLETION_MIN_DISTANCE)
    assert completion_pools(23, 7, 4, 681, candidate_pools(23, 7, 4), 60.0) == []


def test_completions_end_at_the_first_seed_far_below_k(monkeypatch):
    from codesearch.codes.generators import _algebraic
    from codesearch.codes.generators._algebraic import candidate_pools, completion_pools

    scans = []
    real = _algebraic.lexicode_words

    def counted(*args, **kwargs):
        words, info = real(*args, **kwargs)
        scans.append(len(words))
        return words, info

    monkeypatch.setattr(_algebraic, "lexicode_words", counted)
    pools = candidate_pools(23, 7, 6)
    # K = 681: every seed's completion (759 words for the largest) is near K, so all four are scanned
    assert completion_pools(23, 7, 6, 681, pools, 60.0)
    assert len(scans) == min(_algebraic.COMPLETION_SEEDS, len(pools)) > 1
    # K = 2000: the largest seed completes to under COMPLETION_GIVE_UP * K words; the others are not scanned
    scans.clear()
    assert completion_pools(23, 7, 6, 2000, pools, 60.0) == []
    assert len(scans) == 1 and scans[0] < _algebraic.COMPLETION_GIVE_UP * 2000


def test_a_completion_below_k_does_not_end_the_search_while_a_later_seed_can_reach_k():
    from codesearch.codes.generators._algebraic import candidate_pools, completion_pools

    # (160, 19, 6), frontier grid index 93: the first 84-word seed completes to 96 words, the second to 164;
    # giving up after the first (COMPLETION_GIVE_UP = 0.75 at commit 15fe0ad) left auto at d = 4
    pools = completion_pools(19, 6, 6, 160, candidate_pools(19, 6, 6), 60.0)
    assert pools and max(p.size for p in pools) >= 160
    assert all(ConstantWeightCode(p.words).d >= 6 for p in pools)


def test_algebraic_reaches_d6_at_681_23_7_through_a_completion():
    from codesearch.codes import generate

    res = generate("algebraic", GenerateRequest(681, 23, 7, seed=0))
    assert res.code.d == 6 and "completion of" in res.params["source"]
    again = generate("algebraic", GenerateRequest(681, 23, 7, seed=0))
    assert np.array_equal(res.code.matrix, again.code.matrix)


def test_fixed_point_pool_is_the_last_resort_at_d6_and_above():
    pool = alg.fixed_point_pool(23, 9, 10, 43)
    assert pool.size == 44 and pool.d >= 10 and pool.word_cut
    assert pool.source.startswith("group orbits: 2 orbits of Z_22 + a fixed point")
    assert alg.fixed_point_pool(23, 9, 4, 43) is None  # below FIXED_POINT_MIN_DISTANCE


@pytest.mark.slow
def test_auto_reaches_d10_at_43_23_9_and_its_complement():
    # before: d = 8 (annealing); Brouwer's table knows d = 10 for 45 words
    from codesearch.codes import generate

    a = generate("auto", GenerateRequest(43, 23, 9, seed=0))
    b = generate("auto", GenerateRequest(43, 23, 14, seed=0))
    assert a.code.d == b.code.d == 10 and a.params["winner"] == "algebraic"
    assert "Z_22 + a fixed point" in a.params["winner_params"]["source"]
    assert pairs_at_min_distance(a.code) == pairs_at_min_distance(b.code)


# -- the word cut: best-improvement swaps (issue 9: counted, fast, symmetric) ------------------------------------
def _random_pool(data, n_range=(6, 10)):
    n = data.draw(st.integers(*n_range))
    w = data.draw(st.integers(2, n - 2))
    m = data.draw(st.integers(6, min(28, comb(n, w))))
    seed = data.draw(st.integers(0, 10**6))
    rng = np.random.default_rng(seed)
    rows = set()
    while len(rows) < m:
        rows.add(tuple(sorted(rng.choice(n, w, replace=False).tolist())))
    words = np.zeros((m, n), dtype=np.uint8)
    for i, cols in enumerate(sorted(rows)):
        words[i, list(cols)] = 1
    return alg.CandidatePool(words, 2, np.full(m, -1), "random words"), rng


def _scores(words, kept, k):
    """(sum_j (N c_j - K w)^2 / N, pairs at the pool's minimum distance) of a kept set, from scratch."""
    n, w = words.shape[1], int(words[0].sum())
    from codesearch.codes._bits import overlaps

    ov = overlaps(words)
    np.fill_diagonal(ov, -1)
    pm = ov == ov.max()
    c = words[kept].astype(np.int64).sum(axis=0)
    q = int(((n * c - k * w) ** 2).sum())
    assert q % n == 0
    return q // n, int(pm[np.ix_(kept, kept)].sum()) // 2


def _window_violation(words, kept, lo, hi):
    c = words[kept].astype(np.int64).sum(axis=0)
    return int((np.maximum(0, c - hi) + np.maximum(0, lo - c)).sum())


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_word_cut_swap_scores_are_exact(data):
    from itertools import combinations

    pool, rng = _random_pool(data)
    words, m = pool.words, pool.size
    k = data.draw(st.integers(2, m - 1))
    st_ = alg._SwapCut(words, np.sort(rng.choice(m, k, replace=False)))
    for i, j in rng.integers(0, [k, m - k], size=(data.draw(st.integers(0, 3)), 2)):
        st_.swap(int(i), int(j))  # the incremental matrix must stay right after swaps
    kept, dropped, big = st_.kept.copy(), st_.dropped.copy(), st_.big
    q0, p0 = _scores(words, kept, k)
    lo = data.draw(st.integers(0, k))
    hi = data.draw(st.integers(lo, k))
    v0 = _window_violation(words, kept, lo, hi)

    def after(out, into):
        return np.array(sorted(set(kept.tolist()) - set(out) | set(into)))

    def key_after(out, into):
        q, p = _scores(words, after(out, into), k)
        return (q - q0) * big + (p - p0)

    keys, wkeys = st_.balance_keys(), st_.window_keys(lo, hi)
    for i in range(k):
        for j in range(m - k):
            a, b = int(kept[i]), int(dropped[j])
            assert keys[i, j] == key_after([a], [b])
            pairs = _scores(words, after([a], [b]), k)[1] - p0
            assert wkeys[i, j] == (_window_violation(words, after([a], [b]), lo, hi) - v0) * big + pairs
    best = alg._SwapCut.best_single(keys)
    assert (best is None) == (keys.min() >= 0)
    if best is not None:
        assert keys[best] == keys.min()
    if keys.size <= alg.CUT_DOUBLE_CANDIDATES:  # every single swap is a candidate: the double is exact
        cells = [(i, j) for i in range(k) for j in range(m - k)]
        doubles = [
            key_after([kept[i1], kept[i2]], [dropped[j1], dropped[j2]])
            for (i1, j1), (i2, j2) in combinations(cells, 2)
            if i1 != i2 and j1 != j2
        ]
        pick = st_.best_double(keys)
        if not doubles or min(doubles) >= 0:
            assert pick is None
        else:
            (i1, j1), (i2, j2) = pick
            assert i1 != i2 and j1 != j2
            assert key_after([kept[i1], kept[i2]], [dropped[j1], dropped[j2]]) == min(doubles)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_word_cut_is_deterministic_and_symmetric_under_complement(data):
    pool, _ = _random_pool(data)
    k = data.draw(st.integers(2, pool.size - 1))
    idx = alg._cut_swaps(pool, k)
    assert len(idx) == k == len(np.unique(idx))
    assert np.array_equal(idx, alg._cut_swaps(pool, k))
    assert np.array_equal(idx, alg._cut_swaps(alg._complement_pool(pool), k))


def test_word_cut_balances_where_the_start_is_lopsided():
    # every dodecad has the same number of neighbours at distance 8, so the start is the first 1000 in
    # index order, with column spread 540; the swaps reach spread 0 (1000 * 12 / 24 = 500 per column)
    from codesearch.codes.algebra._golay import dodecads

    words = np.asarray(dodecads(), dtype=np.uint8)
    start = words[:1000].sum(axis=0)
    assert start.max() - start.min() > 100
    pool = alg.CandidatePool(words, 8, np.full(len(words), -1), "dodecads")
    idx = alg._cut_swaps(pool, 1000)
    assert (words[idx].sum(axis=0) == 500).all()
    assert alg.ConstantWeightCode(words[idx]).d == 8
