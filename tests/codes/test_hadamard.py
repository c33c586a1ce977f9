"""Issue 9: Hadamard matrices (Sylvester, Paley I, Paley II) and their equidistant constant-weight codes."""

import numpy as np
import pytest

from codesearch.codes import GenerateRequest, generate
from codesearch.codes._bits import min_distance
from codesearch.codes.algebra import hadamard_code, hadamard_matrix


@pytest.mark.parametrize("n", [2, 4, 8, 12, 16, 20, 24, 28, 32, 36, 44, 48, 60, 64])
def test_orders_the_constructions_give_are_hadamard(n):
    h = hadamard_matrix(n)
    assert h.shape == (n, n) and set(np.unique(h)) <= {-1, 1}
    assert np.array_equal(h @ h.T, n * np.eye(n, dtype=np.int64))


def test_orders_none_of_them_gives():
    # 40 = 2 (19 + 1) with 19 = 3 mod 4 (Paley II needs 1 mod 4), 39 is not prime: not built here
    assert hadamard_matrix(40) is None and hadamard_matrix(6) is None and hadamard_matrix(10) is None


@pytest.mark.parametrize("n", [12, 20, 24, 28])
def test_hadamard_code_reaches_a_4m_2m_2m(n):
    words = hadamard_code(n)
    assert words.shape == (2 * n - 2, n) and (words.sum(axis=1) == n // 2).all()
    assert len(np.unique(words, axis=0)) == len(words) and min_distance(words) == n // 2
    assert (words[0::2] + words[1::2] == 1).all()  # complementary pairs


def test_algebraic_gives_the_order_28_hadamard_code():
    # A(28, 14, 14) = 54 (Brouwer's table); the grid point (22, 28, 14) got d = 12 before
    res = generate("algebraic", GenerateRequest(22, 28, 14, seed=0))
    assert res.code.d == 14 and res.code.column_spread == 0 and "Hadamard" in res.params["source"]
