import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest

from codesearch.codes import ConstantWeightCode, Scheme, SchemeCode


def cyclic_code(k: int, n: int, w: int) -> ConstantWeightCode:
    """k distinct weight-w words of length n: cyclic shifts of 1^w 0^(n-w), then of other patterns."""
    words: list[str] = []
    base = "1" * w + "0" * (n - w)
    patterns = [base]
    # further patterns: move the last one of the block one step right each time
    for j in range(1, n - w + 1):
        patterns.append("1" * (w - 1) + "0" * j + "1" + "0" * (n - w - j))
    for pat in patterns:
        for s in range(n):
            word = pat[s:] + pat[:s]
            if word not in words:
                words.append(word)
            if len(words) == k:
                return ConstantWeightCode.from_strings(words)
    raise ValueError("not enough words")


def make_scheme(k: int, shapes) -> Scheme:
    return Scheme(num_classes=k, codes=tuple(SchemeCode(cyclic_code(k, n, w)) for w, n in shapes))


@pytest.fixture(scope="session")
def scheme10() -> Scheme:
    return make_scheme(10, [(5, 10), (3, 10)])
