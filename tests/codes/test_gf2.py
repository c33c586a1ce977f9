"""GF(2) linear algebra, code families and group actions of codesearch.codes.algebra._gf2."""

import numpy as np
import pytest

from codesearch.codes.algebra import _gf2 as g


def _dist(words: np.ndarray) -> np.ndarray:
    p = g.pack(words)
    return g.popcount(p[:, None] ^ p[None, :])


def test_pack_unpack_round_trip():
    rng = np.random.default_rng(0)
    m = rng.integers(0, 2, size=(50, 37)).astype(np.uint8)
    assert np.array_equal(g.unpack(g.pack(m), 37), m)
    assert g.pack(np.array([[1, 0, 1]]))[0] == 5
    with pytest.raises(ValueError, match="at most 64"):
        g.pack(np.zeros((1, 65), dtype=np.uint8))
    with pytest.raises(ValueError, match="only 0 and 1"):
        g.pack(np.array([[0, 2]]))
    with pytest.raises(TypeError, match="integers or booleans"):
        g.pack(np.array([[0.5, 1.0]]))


@pytest.mark.parametrize("seed", range(5))
def test_rank_and_nullspace(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, size=(6, 11)).astype(np.uint8)
    a[5] = a[0] ^ a[1]  # force a dependency
    r = g.rank(a)
    assert r <= 5
    h = g.nullspace(a)
    assert h.shape == (11 - r, 11)
    assert not ((a.astype(int) @ h.T.astype(int)) % 2).any()
    assert g.rank(h) == 11 - r
    red, piv = g.row_reduce(a)
    assert len(piv) == r and np.array_equal(red[:, piv], np.eye(r, dtype=np.uint8))


def test_hamming_code_is_bch_3_3():
    ham = g.bch_code(3, 3)
    assert (ham.n, ham.k, ham.min_distance) == (7, 4, 3)
    assert ham.weight_distribution.tolist() == [1, 0, 0, 7, 7, 0, 0, 1]
    ext = ham.extended()
    assert ext.weight_distribution.tolist() == [1, 0, 0, 0, 14, 0, 0, 0, 1]
    assert ham.shortened(0).k == 3 and ham.shortened(0).n == 6
    assert ext.punctured(7).weight_distribution.tolist() == ham.weight_distribution.tolist()
    # generator and parity check are orthogonal
    assert not ((ham.generator.astype(int) @ ham.parity_check.T.astype(int)) % 2).any()


def test_extended_bch_32_11_12_weight_distribution():
    code = g.extended_bch_code(5, 11)
    assert (code.n, code.k, code.min_distance) == (32, 11, 12)
    wd = code.weight_distribution
    assert {i: int(c) for i, c in enumerate(wd) if c} == {0: 1, 12: 496, 16: 1054, 20: 496, 32: 1}
    assert g.bch_code(5, 11).min_distance == 11


def test_extended_bch_32_16_8_and_rm_2_5():
    assert g.extended_bch_code(5, 7).k == 16 and g.extended_bch_code(5, 7).weight_distribution[8] == 620
    rm = g.reed_muller_code(2, 5)
    assert (rm.k, rm.min_distance) == (16, 8)
    assert {i: int(c) for i, c in enumerate(rm.weight_distribution) if c} == {
        0: 1,
        8: 620,
        12: 13888,
        16: 36518,
        20: 13888,
        24: 620,
        32: 1,
    }


@pytest.mark.parametrize("m", [3, 4, 5, 6])
def test_rm_first_order(m):
    rm = g.reed_muller_code(1, m)
    assert rm.k == m + 1
    wd = rm.weight_distribution
    assert (
        wd[0] == 1 and wd[1 << (m - 1)] == (1 << (m + 1)) - 2 and wd[1 << m] == 1 and wd.sum() == 1 << (m + 1)
    )


def test_translations_are_automorphisms():
    for code, w in ((g.extended_bch_code(5, 11), 16), (g.reed_muller_code(2, 5), 8)):
        words = code.words_of_weight(w)
        for t in (1, 6, 31):
            assert code.contains(words[:, g.translation_permutation(5, t)]).all()
        assert not code.contains(np.roll(words[:3], 1, axis=1) ^ np.eye(32, dtype=np.uint8)[:3]).all()


def test_field_and_polynomials():
    f = g.GF2m(4)
    assert f.minimal_polynomial(1) == g.PRIMITIVE_POLYNOMIALS[4]
    assert f.mul(f.exp[3], f.exp[14]) == f.exp[2]
    assert g.cyclotomic_coset(3, 31) == (3, 6, 12, 17, 24)
    for m, poly in g.PRIMITIVE_POLYNOMIALS.items():
        g.GF2m(m, poly)  # every table entry is primitive
    with pytest.raises(ValueError, match="not primitive"):
        g.GF2m(4, 0b11111)  # x^4+x^3+x^2+x+1: irreducible, order 5
    q, r = g.poly_divmod(g.poly_mul(0b1011, 0b111), 0b111)
    assert (q, r) == (0b1011, 0)
    with pytest.raises(ValueError, match="does not divide"):
        g.cyclic_code(7, 0b111)


def test_nordstrom_robinson():
    assert g.hensel_lift(0b1011) == [3, 1, 2, 1]
    oc = g.octacode()
    assert oc.shape == (256, 8) and (oc.sum(axis=1) % 4 == 0).all()
    nr = g.nordstrom_robinson()
    assert nr.shape == (256, 16) and len(np.unique(nr, axis=0)) == 256
    d = _dist(nr)
    np.fill_diagonal(d, 99)
    assert d.min() == 6
    wd = np.bincount(nr.sum(axis=1), minlength=17)
    assert {i: int(c) for i, c in enumerate(wd) if c} == {0: 1, 6: 112, 8: 30, 10: 112, 16: 1}


def test_cyclic_shifts_and_orbit():
    x = g.pack(np.array([[1, 1, 0, 1, 0, 0, 0]]))
    sh = g.cyclic_shifts(x, 7)
    assert sh.shape == (1, 7) and len(set(sh[0].tolist())) == 7
    assert g.unpack(sh[:, 1], 7).tolist() == [[0, 1, 1, 0, 1, 0, 0]]
    fano = g.orbit(g.unpack(x, 7), [np.roll(np.arange(7), s) for s in range(7)])
    assert fano.shape == (7, 7) and (fano.sum(axis=0) == 3).all()
