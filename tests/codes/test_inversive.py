"""Issue 9: inversive planes S(3, q + 1, q^2 + 1) and the codes they give."""

from itertools import combinations
from math import comb

import numpy as np
import pytest

from codesearch.codes import GenerateRequest, generate
from codesearch.codes._bits import min_distance
from codesearch.codes.algebra import inversive_plane, inversive_plane_orders
from codesearch.codes.generators import _algebraic as alg


@pytest.mark.parametrize("q", [2, 3, 4, 5])
def test_every_three_points_lie_in_exactly_one_block(q):
    blocks = inversive_plane(q)
    v = q * q + 1
    assert blocks.shape == (q * (q * q + 1), v) and (blocks.sum(axis=1) == q + 1).all()
    count = {t: 0 for t in combinations(range(v), 3)}
    for row in blocks:
        for t in combinations(np.flatnonzero(row).tolist(), 3):
            count[t] += 1
    assert set(count.values()) == {1}


@pytest.mark.parametrize("q", inversive_plane_orders())
def test_plane_is_a_balanced_code_at_distance_2q_minus_2(q):
    blocks = inversive_plane(q)
    assert len(np.unique(blocks, axis=0)) == len(blocks)
    assert min_distance(blocks) == 2 * q - 2
    assert set(blocks.sum(axis=0).tolist()) == {q * (q + 1)}
    # the Johnson bound C(v, 3) / C(q + 1, 3) is met
    assert len(blocks) == comb(q * q + 1, 3) // comb(q + 1, 3)


def test_orders_outside_the_table_are_refused():
    with pytest.raises(ValueError, match=r"^q must be one of 2, 3, 4, 5, 7, not 6\.$"):
        inversive_plane(6)


def test_design_pools_offer_the_plane_and_its_residual():
    pools = {p.source: p for p in alg._design_pools(26, 6, 8)}
    plane = pools["inversive plane S(3, 6, 26)"]
    assert plane.size == 130 and plane.d == 8
    residual = [p for p in alg._design_pools(25, 6, 8) if p.source.startswith("inversive")]
    # A(25, 8, 6) >= 100 (Brouwer): the blocks avoiding a point
    assert [p.size for p in residual] == [100] and min_distance(residual[0].words) == 8


def test_algebraic_reaches_a_26_8_6_with_the_plane():
    res = generate("algebraic", GenerateRequest(130, 26, 6, seed=0))
    assert res.code.d == 8 and res.code.column_spread == 0
    assert res.params["source"] == "inversive plane S(3, 6, 26)"
