"""Issue 9: lifting a code with a few pairs at its distance to distance + 2 (codesearch.codes._lift)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from codesearch.codes import ConstantWeightCode, pairs_at_min_distance
from codesearch.codes._lift import lift_distance
from codesearch.codes.generators._lexicode import lexicode_words, words_to_matrix


def _spoiled_lexicode(n: int, w: int, drop: int) -> np.ndarray:
    """The d = 4 lexicode minus its last ``drop`` words, plus one word at distance 2 from its first word."""
    words = words_to_matrix(lexicode_words(n, w, 4)[0], n)[:-drop]
    extra = words[0].copy()
    one, zero = np.flatnonzero(extra)[0], np.flatnonzero(extra == 0)[-1]
    extra[one], extra[zero] = 0, 1
    assert not (words == extra).all(axis=1).any()
    return np.vstack([words, extra])


def test_lift_replaces_the_close_pairs_away():
    m = _spoiled_lexicode(12, 4, 5)
    before = ConstantWeightCode(m)
    assert before.d == 2 and pairs_at_min_distance(before) >= 1
    out = lift_distance(m, seed=0)
    after = ConstantWeightCode(out)
    assert after.d >= 4 and out.shape == m.shape and (out.sum(axis=1) == 4).all()
    assert len(np.unique(out, axis=0)) == len(out)
    # only the rows covering the close pairs changed
    assert 1 <= int((out != m).any(axis=1).sum()) <= pairs_at_min_distance(before)
    assert np.array_equal(lift_distance(m, seed=0), out)  # deterministic


def test_lift_gives_up_when_the_code_is_already_maximal_or_too_close():
    full = words_to_matrix(lexicode_words(10, 3, 4)[0], 10)  # a maximal d = 4 code: nothing fits at d = 6
    assert lift_distance(full) is None
    assert lift_distance(_spoiled_lexicode(12, 4, 5), max_replaced=0) is None


@settings(max_examples=15, deadline=None)
@given(st.integers(8, 13), st.integers(3, 5), st.integers(0, 50))
def test_a_lift_never_lowers_the_distance(n, w, seed):
    rng = np.random.default_rng(seed)
    m = np.zeros((12, n), dtype=np.int8)
    for r in range(12):
        m[r, rng.choice(n, w, replace=False)] = 1
    if len(np.unique(m, axis=0)) < len(m):
        return
    out = lift_distance(m, seed=seed, samples=20_000)
    if out is not None:
        assert ConstantWeightCode(out).d >= ConstantWeightCode(m).d + 2
        assert len(np.unique(out, axis=0)) == len(out) and (out.sum(axis=1) == w).all()


def test_auto_lifts_its_winner_and_says_so():
    from codesearch.codes import GenerateRequest, generate

    res = generate("auto", GenerateRequest(10, 10, 3, seed=0, params={"methods": ["random"]}))
    assert res.params["scores"]["random"]["d"] == 2
    assert res.params["lifted"] == {"steps": 1, "d_before": 2, "d": 4} and res.code.d == 4
    assert any("lifted" in note for note in res.notes)
