"""The Golay codes and their Steiner systems (codesearch.codes.algebra._golay)."""

from itertools import combinations
from math import comb

import numpy as np
import pytest

from codesearch.codes.algebra import _golay
from codesearch.codes.algebra._cyclic import min_distance_packed
from codesearch.codes.algebra._gf2 import pack


def test_weight_distributions():
    ext = _golay.extended_golay_code().weight_distribution
    assert ext.tolist() == [1] + [0] * 7 + [759] + [0] * 3 + [2576] + [0] * 3 + [759] + [0] * 7 + [1]
    g = _golay.golay_code()
    assert (g.n, g.k, g.min_distance) == (23, 12, 7)
    nz = {i: int(c) for i, c in enumerate(g.weight_distribution) if c}
    assert nz == {0: 1, 7: 253, 8: 506, 11: 1288, 12: 1288, 15: 506, 16: 253, 23: 1}


def test_octads_and_dodecads_distances():
    octads, dodecads = _golay.octads(), _golay.dodecads()
    assert octads.shape == (759, 24) and dodecads.shape == (2576, 24)
    assert (octads.sum(axis=1) == 8).all() and (dodecads.sum(axis=1) == 12).all()
    assert min_distance_packed(pack(octads)) == 8
    assert min_distance_packed(pack(dodecads)) == 8
    # every point lies in 759 * 8 / 24 = 253 octads and 2576 / 2 = 1288 dodecads
    assert (octads.sum(axis=0) == 253).all() and (dodecads.sum(axis=0) == 1288).all()
    assert not octads.flags.writeable


def _covers_every_t_set_once(blocks: np.ndarray, t: int) -> bool:
    v = blocks.shape[1]
    seen = set()
    for row in blocks:
        seen.update(combinations(np.flatnonzero(row).tolist(), t))
    # each block holds C(k, t) t-sets; b * C(k, t) = C(v, t) distinct ones means every t-set exactly once
    k = int(blocks[0].sum())
    return len(seen) == len(blocks) * comb(k, t) == comb(v, t)


@pytest.mark.parametrize("t,blocks", [(5, 759), (4, 253), (3, 77)])
def test_steiner_systems(t, blocks):
    s = _golay.steiner_system(t)
    assert s.shape == (blocks, 19 + t)
    assert (s.sum(axis=1) == t + 3).all()
    assert _covers_every_t_set_once(s, t)


def test_steiner_system_rejects_other_t():
    with pytest.raises(ValueError, match="t = 3, 4, 5"):
        _golay.steiner_system(2)


def test_golay_cosets_reach_the_table_at_24_8_10():
    from codesearch.codes._bits import min_distance
    from codesearch.codes.generators._algebraic import _coset_pools

    pools = {p.size: p for p in _coset_pools(24, 10, 8)}
    # leader weight 4: 960 words, every column 400 = A(24, 8, 10) >= 960 in Brouwer's table
    assert 960 in pools and min_distance(pools[960].words) == 8
    assert set(pools[960].words.sum(axis=0)) == {400} and (pools[960].units == 0).all()
    assert {p.size for p in _coset_pools(24, 9, 8)} >= {506, 640}
    assert _coset_pools(25, 10, 8) == [] and _coset_pools(24, 10, 10) == []


def test_auto_reaches_d8_at_779_24_10_from_a_golay_coset():
    from codesearch.codes import GenerateRequest, generate

    res = generate("algebraic", GenerateRequest(779, 24, 10, seed=0))
    assert res.code.d == 8 and res.code.column_spread <= 1 and "coset" in res.params["source"]
