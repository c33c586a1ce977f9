"""Group-orbit constructions: groups, orbits, the exact union search and the packing search."""

from itertools import combinations
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import ConstantWeightCode, pairs_at_min_distance
from codesearch.codes.algebra import _orbits as orb


def _words(union: orb.OrbitUnion) -> np.ndarray:
    m = union.matrix()
    assert m.shape == (union.size, union.n)
    assert len(np.unique(m, axis=0)) == union.size
    return m


def _units_balanced(union: orb.OrbitUnion) -> bool:
    m = union.matrix()
    for lab in np.unique(union.units):
        cs = m[union.units == lab].sum(axis=0)
        if cs.min() != cs.max():
            return False
    return True


# -- groups ---------------------------------------------------------------------------------------------------
def test_group_validation():
    with pytest.raises(ValueError, match="permutation"):
        orb.PermutationGroup("bad", np.array([[0, 1, 2], [0, 0, 1]]))
    with pytest.raises(ValueError, match="identity"):
        orb.PermutationGroup("bad", np.array([[1, 2, 0]]))
    g = orb.PermutationGroup("Z_3", np.array([[1, 2, 0], [0, 1, 2], [2, 0, 1]]))
    assert (g.elements[0] == np.arange(3)).all()  # identity moved to row 0
    assert g.order == 3 and g.degree == 3 and g.is_transitive
    with pytest.raises(ValueError):
        g.elements[0, 0] = 2  # read-only
    with pytest.raises(ValueError, match="more than"):
        orb.group_from_generators([[1, 2, 3, 4, 5, 0], [1, 0, 2, 3, 4, 5]], "S_6", max_order=100)


def test_group_constructions():
    assert orb.group_from_generators([[1, 2, 3, 4, 5, 0], [1, 0, 2, 3, 4, 5]], "S_6").order == 720
    fr = orb.affine_frobenius_group(5)
    assert fr.order == 160 and fr.degree == 32 and fr.is_transitive
    tr = {row.tobytes() for row in orb.translation_group(5).elements}
    assert tr <= {row.tobytes() for row in fr.elements}  # the translations are a subgroup
    a5 = orb.alternating_on_pairs(5)
    assert a5.order == 60 and a5.degree == 20 and a5.is_transitive
    assert orb.multiplier_group(20, 3).order == 80
    with pytest.raises(ValueError, match="r\\^k"):
        orb.metacyclic_group(5, 4, 5)


def test_regular_groups_of_order_20():
    groups = orb.regular_groups(20)
    assert len(groups) == 5  # Z_20, Z_10 x Z_2, D_10, Dic_5, F_20: every group of order 20
    involutions = []
    for g in groups:
        assert g.order == 20 and g.is_transitive
        # regular: only the identity fixes a point
        assert ((g.elements == np.arange(20)).any(axis=1).sum()) == 1
        involutions.append(sum(1 for p in g.elements[1:] if (p[p] == np.arange(20)).all()))
    assert sorted(involutions) == [1, 1, 3, 5, 11]


def test_canonical_and_orbit():
    z8 = orb.cyclic_group(8)
    word = np.uint64(0b00010011)
    o = z8.orbit(int(word))
    assert len(o) == 8 and int(z8.canonical(np.array([word]))[0]) == int(o.min())
    assert (z8.canonical(o) == o.min()).all()


def _image_by_points(group: orb.PermutationGroup, word: int, g: int) -> int:
    """Plain reference: move every set bit x of ``word`` to ``elements[g, x]``."""
    return sum(1 << int(group.elements[g, x]) for x in range(group.degree) if word >> x & 1)


@settings(max_examples=25, deadline=None)
@given(
    which=st.integers(0, 4),
    seed=st.integers(0, 2**32 - 1),
    count=st.integers(1, 40),
    dt=st.integers(-1, 2),
    block=st.sampled_from([1, 7, 64, 1 << 18]),
)
def test_blocked_images_and_compatibility_match_plain_references(which, seed, count, dt, block):
    """``apply_many``/``images``/``canonical``/``orbit_representatives``/``_compatible_with`` work in blocks of
    elements and words; whatever the block size, they give what a word-by-word, element-by-element loop gives
    (and ``_tables`` what a bit-by-bit construction gives)."""
    groups = [
        orb.cyclic_group(11),
        orb.regular_groups(12)[1],
        orb.affine_frobenius_group(3),
        orb.translation_group(4),
        orb.cyclic_group(21),
    ]
    group = groups[which]
    n = group.degree
    rng = np.random.default_rng(seed)
    w = int(rng.integers(1, n))
    t = min(w, max(0, round(w * w / n) + dt))  # near the typical overlap: some words fit, some do not
    words = orb._random_words(n, w, count, rng)
    old_block = orb.IMAGE_BLOCK_CELLS
    orb.IMAGE_BLOCK_CELLS = block
    try:
        imgs = group.images(words)
        canon = group.canonical(words)
        reps, sizes = orb.orbit_representatives(group, words, w, t)
        others = orb._random_words(n, w, int(rng.integers(0, 200)), rng)
        ok = orb._compatible_with(words, others, t)
    finally:
        orb.IMAGE_BLOCK_CELLS = old_block
    ref = np.array(
        [[_image_by_points(group, int(x), g) for g in range(group.order)] for x in words], dtype=np.uint64
    )
    assert np.array_equal(imgs, ref)
    assert np.array_equal(canon, ref.min(axis=1))
    assert all(
        int(group.apply(words, g)[i]) == ref[i, g] for i in range(len(words)) for g in (0, group.order - 1)
    )
    # orbit_representatives: orbits whose distinct words meet pairwise in at most t points
    want = {}
    for i, x in enumerate(words):
        orbit = np.unique(ref[i])
        ov = np.bitwise_count(orbit[:, None] & orbit[None, :])
        np.fill_diagonal(ov, 0)
        if ov.max(initial=0) <= t:
            want[int(orbit.min())] = len(orbit)
    assert dict(zip(map(int, reps), map(int, sizes))) == want
    assert np.array_equal(ok, [all(int(np.bitwise_count(x & y)) <= t for y in others) for x in words])
    # the byte tables: entry (g, j, v) is the image of byte value v at byte position j (bits past n ignored)
    tab = group._tables
    for g in (0, group.order - 1):
        for j in range(tab.shape[1]):
            for v in (1, 37, 128, 255):
                low = v & ((1 << min(8, n - 8 * j)) - 1)
                assert int(tab[g, j, v]) == _image_by_points(group, low << (8 * j), g)


# -- orbit enumeration and the graph --------------------------------------------------------------------------
def test_orbit_representatives_count_necklaces():
    z8 = orb.cyclic_group(8)
    words = orb.weight_masks(list(range(1, 8)), 3) | np.uint64(1)
    reps, sizes = orb.orbit_representatives(z8, words, 4, 4)  # t = w: every orbit is valid
    assert len(reps) == 10 and sizes.sum() == comb(8, 4)  # 10 binary necklaces of length 8 with 4 ones
    reps2, _ = orb.orbit_representatives(z8, words, 4, 2)
    assert 0 < len(reps2) < len(reps)


def test_orbit_graph_matches_brute_force():
    g = orb.regular_groups(12)[1]
    w, t = 4, 2
    words = orb.weight_masks(list(range(1, 12)), w - 1) | np.uint64(1)
    reps, sizes = orb.orbit_representatives(g, words, w, t)
    compatible, cross, self_pairs = orb.orbit_graph(g, reps, sizes, t)
    orbits = [g.orbit(int(r)) for r in reps]
    for i in range(len(reps)):
        ov = np.bitwise_count(orbits[i][:, None] & orbits[i][None, :])
        assert self_pairs[i] == int(np.triu(ov == t, 1).sum())
        for j in range(i + 1, len(reps)):
            ov = np.bitwise_count(orbits[i][:, None] & orbits[j][None, :])
            assert compatible[i, j] == compatible[j, i] == (ov.max() <= t)
            if compatible[i, j]:
                assert cross[i, j] == cross[j, i] == int((ov == t).sum())


def test_min_pair_union_is_exact():
    rng = np.random.default_rng(5)
    for _ in range(5):
        r = 12
        sizes = rng.choice([2, 4], size=r)
        comp = rng.random((r, r)) < 0.6
        comp = np.triu(comp, 1)
        comp = comp | comp.T
        cross = rng.integers(0, 9, (r, r))
        cross = np.triu(cross, 1) + np.triu(cross, 1).T
        selfp = rng.integers(0, 5, r)
        best = None
        for m in range(1, 7):
            for sub in combinations(range(r), m):
                if sizes[list(sub)].sum() != 8 or not all(comp[a, b] for a, b in combinations(sub, 2)):
                    continue
                p = int(selfp[list(sub)].sum() + sum(cross[a, b] for a, b in combinations(sub, 2)))
                best = p if best is None else min(best, p)
        chosen, pairs, used = orb._min_pair_union(sizes, comp, cross, selfp, 8, 10**6)
        assert used < 10**6 and pairs == best
        if chosen is not None:
            assert sizes[chosen].sum() == 8
        none, _, _ = orb._min_pair_union(sizes, comp, cross, selfp, 8, 10**6, upper=best)
        assert none is None  # nothing strictly better than the optimum


# -- the constructions ----------------------------------------------------------------------------------------
def test_exact_union_100_20_8():
    f20 = next(g for g in orb.regular_groups(20) if g.name == "Z_5 x|_2 Z_4")
    union = orb.exact_orbit_union(f20, 8, 8, 100)
    code = ConstantWeightCode(_words(union))
    assert code.size == 100 and code.w == 8 and code.d == 8 and code.column_spread == 0
    assert pairs_at_min_distance(code) == 2885  # the paper's scheme has 2910
    assert "exhaustive" in union.source and _units_balanced(union)
    assert orb.exact_orbit_union(f20, 8, 8, 100, fewer_than=2885) is None


def test_exact_union_too_big_or_impossible():
    assert orb.exact_orbit_union(orb.translation_group(5), 8, 8, 1000) is None  # C(31,7) * 32 images
    assert orb.exact_orbit_union(orb.cyclic_group(9), 4, 4, 12) is None  # orbits of Z_9 have 9 words


def test_orbit_codes_small_rows():
    res = orb.orbit_codes(20, 4, 4, 100)
    code = ConstantWeightCode(_words(res[-1]))
    assert code.d == 4 and code.column_spread == 0 and pairs_at_min_distance(code) <= 660
    res = orb.orbit_codes(10, 5, 4, 10)
    assert pairs_at_min_distance(ConstantWeightCode(res[-1].matrix())) == 10
    again = orb.orbit_codes(10, 5, 4, 10)
    assert [a.source for a in again] == [a.source for a in res]
    assert all((a.words == b.words).all() for a, b in zip(again, res))
    assert orb.orbit_codes(70, 3, 4, 10) == [] and orb.orbit_codes(10, 0, 4, 10) == []


def test_packing_16_4_4():
    big, small = orb._packing_pair(16)
    assert big.order == 64 and small.order == 16
    union = orb.orbit_packing(big, small, 4, 4, seed=1, samples=2000)
    m = _words(union)
    ov = m.astype(int) @ m.T.astype(int)
    np.fill_diagonal(ov, 0)
    assert ov.max() <= 2 and (m.sum(axis=1) == 4).all()  # d >= 4
    # A(16, 4, 4) = 140 (the Steiner system S(3, 4, 16)); seed 1 reaches it
    assert _units_balanced(union) and 112 <= union.size <= 140
    again = orb.orbit_packing(big, small, 4, 4, seed=1, samples=2000)
    assert (again.words == union.words).all() and (again.units == union.units).all()
    # no orbit of the big group (64 words) is valid at d = 6: more than A(16, 6, 4) = 20 words
    assert orb.orbit_packing(big, small, 4, 6, seed=1, samples=2000) is None


def test_packing_reaches_1000_32_8():
    union = orb.orbit_codes(32, 8, 8, 1000, seed=0, packing_tries=1)[0]
    m = _words(union)
    assert union.size >= 1000 and (m.sum(axis=1) == 8).all()
    ov = m.astype(np.int32) @ m.T.astype(np.int32)
    np.fill_diagonal(ov, 0)
    assert ov.max() <= 4  # distance >= 8
    cs = m.sum(axis=0)
    assert cs.min() == cs.max() and _units_balanced(union)
    assert set(np.bincount(union.units).tolist()) <= {4, 16, 32}  # translation orbits of GF(2)^5


def test_orbit_codes_packing_respects_its_deadline_and_skips_small_distances():
    from codesearch.codes.algebra._orbits import orbit_codes

    # (1000, 32, 8) at d = 8 is served by the look-ahead packing (docstring example) ...
    assert orbit_codes(32, 8, 8, 1000, packing_tries=1)
    # ... but not once the safety cap has passed, and never at d <= 4 (unions of tens of thousands of words)
    assert orbit_codes(32, 8, 8, 1000, packing_tries=1, deadline=0.0) == []
    assert orbit_codes(25, 8, 4, 1969, packing_tries=1) == []


# -- a regular group and a fixed point ------------------------------------------------------------------------
def test_fixed_point_groups_fix_the_last_point_and_move_the_others_regularly():
    groups = orb.fixed_point_groups(21)
    assert [g.name for g in groups] == [g.name + " + a fixed point" for g in orb.regular_groups(20)]
    for g in groups:
        assert g.degree == 21 and g.order == 20 and not g.is_transitive
        assert (g.elements[:, 20] == 20).all()
        assert sorted(g.elements[:, 0]) == list(range(20))  # regular on 0..19: one element per image of 0
    assert orb.fixed_point_groups(2) == () and orb.fixed_point_groups(66) == ()


def test_orbits_through_point_zero_need_transitivity_on_the_moved_points():
    g = orb.fixed_point_groups(11)[0]
    assert orb._meets_point_zero(g, 2) and not orb._meets_point_zero(g, 1)  # the word {10} never meets 0
    two = orb.group_from_generators([[1, 2, 3, 4, 0, 6, 7, 8, 9, 5, 10]], "Z_5 twice")
    assert not orb._meets_point_zero(two, 4)  # points 5..9 are moved but not reached from 0
    assert orb._valid_orbits(two, 4, 2) is None
    assert orb._meets_point_zero(orb.cyclic_group(11), 1)


def test_fixed_point_union_at_23_10_9():
    union = orb.fixed_point_orbit_union(23, 9, 10, 43)
    m = _words(union)
    assert union.size == 44 and (m.sum(axis=1) == 9).all()  # Brouwer: A(23, 10, 9) >= 45
    assert ConstantWeightCode(m).d >= 10
    assert union.source == "2 orbits of Z_22 + a fixed point (fewest pairs, exhaustive: 561 pairs at d=10)"
    g = orb.fixed_point_groups(23)[0]
    for lab in np.unique(union.units):  # each unit is one orbit: closed under the group, 22 words
        unit = union.words[union.units == lab]
        assert len(unit) == 22 and np.array_equal(np.sort(g.orbit(int(unit[0]))), np.sort(unit))
    cols = m.sum(axis=0)
    assert (cols[:22] == cols[0]).all() and cols[22] in (0, 22, 44)  # balanced but for the fixed point
    again = orb.fixed_point_orbit_union(23, 9, 10, 43)
    assert np.array_equal(again.words, union.words)


def test_fixed_point_union_refusals_and_budgets():
    assert orb.fixed_point_orbit_union(23, 9, 10, 43, max_images=1000) is None  # enumeration over budget
    assert orb.fixed_point_orbit_union(23, 9, 10, 43, node_budget=0) is None
    assert orb.fixed_point_orbit_union(23, 9, 12, 43) is None  # A(23, 12, 9) < 43
    assert (
        orb.fixed_point_orbit_union(23, 1, 2, 5) is None and orb.fixed_point_orbit_union(23, 9, 10, 0) is None
    )
    assert orb._reachable_sum({22: 2, 11: 1}, 33) and not orb._reachable_sum({22: 2, 11: 1}, 43)
