"""The curated schemes in schemes/ are valid files and at least as good as the paper's on every code."""

from pathlib import Path

import pytest

from codesearch.codes import get_preset, max_distance_bound, pairs_at_min_distance
from codesearch.schemefile import read_scheme

SCHEMES = Path(__file__).resolve().parents[1] / "schemes"

# (K, N, w) -> (d, max column spread, pairs at d) of the paper's schemes (reference note, section 4).
PAPER = {
    (10, 10, 3): (4, 0, 30),
    (10, 10, 5): (4, 0, 20),
    (100, 20, 8): (8, 0, 2910),
    (100, 20, 4): (4, 0, 769),
    (1000, 32, 16): (10, 2, 17221),
    (1000, 32, 8): (6, 2, 3157),
}


@pytest.mark.parametrize("preset", ["cifar10", "cifar100", "imagenet"])
def test_preset_scheme_beats_the_paper(preset):
    scheme = read_scheme(SCHEMES / f"{preset}.json")  # re-checks every stored metric against the matrix
    p = get_preset(preset)
    assert scheme.preset == preset
    assert list(scheme.blocks) == p.blocks
    assert scheme.num_classes == p.num_classes
    assert [(c.code.w, c.code.n) for c in scheme.codes] == p.code_shapes
    for c in scheme.codes:
        code = c.code
        d, _spread, pairs = PAPER[(code.size, code.n, code.w)]
        assert code.column_spread == 0
        assert code.d == max_distance_bound(code.size, code.n, code.w)  # optimal distance
        assert code.d >= d
        if code.d == d:
            assert pairs_at_min_distance(code) <= pairs
