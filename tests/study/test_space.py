import json
from math import comb

import pytest

from codesearch.codes import get_preset
from codesearch.study import StudyUsageError, build_space, read_space_file, valid_actives
from codesearch.study._space import space_from_dict


class _FixedTrial:
    """Minimal trial double: returns the first choice / the low end (enough to test the parameter names)."""

    def __init__(self):
        self.calls = []

    def suggest_categorical(self, name, choices):
        self.calls.append(name)
        return choices[0]

    def suggest_int(self, name, low, high):
        self.calls.append(name)
        return low

    def suggest_float(self, name, low, high, log=False):
        self.calls.append(name)
        return low


def test_valid_actives_is_every_weight_with_enough_words():
    assert valid_actives(10, 10) == [w for w in range(1, 10) if comb(10, w) >= 10]
    assert valid_actives(100, 10) == [3, 4, 5, 6, 7]  # C(10,2)=45 < 100 <= C(10,3)=120
    assert valid_actives(1000, 10) == []


def test_default_space_covers_coded_stages_only():
    sp = build_space(get_preset("proxy-s"), 10)
    assert [s.stage for s in sp.stages] == ["c3", "c4"]  # c2 is uncoded (10/10)
    assert all(s.actives == tuple(valid_actives(10, 10)) for s in sp.stages)
    trial = _FixedTrial()
    params = sp.suggest(trial)
    assert trial.calls == [
        "c3.active",
        "c3.method",
        "c3.seed",
        "c4.active",
        "c4.method",
        "c4.seed",
        "mu",
        "p_drop",
        "lr",
    ]
    assert set(params) == set(trial.calls)


def test_paper_params_are_the_presets_scheme_and_paper_hyperparameters():
    sp = build_space(get_preset("proxy-s"), 10)
    assert sp.paper_params() == {
        "c3.active": 5,
        "c3.method": "lexicode",
        "c3.seed": 0,
        "c4.active": 3,
        "c4.method": "lexicode",
        "c4.seed": 0,
        "mu": 6.0,
        "p_drop": 0.1,
        "lr": 0.1,
    }
    # projected onto a narrowed space: nearest allowed w, lr clipped into the range
    sp2 = build_space(
        get_preset("proxy-s"), 10, {"stages": {"c4": {"active": [4, 6]}}, "lr": {"low": 0.2, "high": 0.4}}
    )
    p = sp2.paper_params()
    assert p["c4.active"] == 4 and p["lr"] == 0.2 and p["c3.active"] == 5


def test_overrides_and_round_trip():
    preset = get_preset("proxy-s")
    sp = build_space(
        preset,
        10,
        {
            "stages": {"c3": {"active": [6, 4]}},
            "methods": ["random"],
            "seeds": 2,
            "mu": 6,
            "p_drop": {"low": 0.0, "high": 0.2},
        },
    )
    assert sp.stages[0].actives == (4, 6) and sp.methods == ("random",) and sp.seeds == 2
    assert sp.mu.low == sp.mu.high == 6.0
    assert space_from_dict(json.loads(json.dumps(sp.to_dict())), preset, 10) == sp


@pytest.mark.parametrize(
    "over, needle",
    [
        ({"bogus": 1}, "unknown key"),
        ({"stages": {"c2": {"active": [3]}}}, "not a coded stage"),
        ({"stages": {"c3": {"active": [10]}}}, "only"),
        ({"stages": {"c3": {"active": []}}}, "non-empty"),
        ({"methods": ["nope"]}, "unknown method"),
        ({"seeds": 0}, "seeds"),
        ({"mu": {"low": 3, "high": 1}}, "low <= high"),
        ({"mu": {"low": 0, "high": 1, "log": True}}, "log-scale"),
        ({"lr": {"low": 0, "high": 1}}, "lr must be"),
        ({"p_drop": {"low": 0, "high": 1.5}}, "p_drop"),
    ],
)
def test_bad_overrides_name_the_field(over, needle):
    with pytest.raises(StudyUsageError, match=needle):
        build_space(get_preset("proxy-s"), 10, over, known_methods=["lexicode", "random", "anneal"])


def test_preset_without_coded_stage_or_too_many_classes_is_refused():
    with pytest.raises(StudyUsageError, match="No weight"):
        build_space(get_preset("proxy-s"), 1000)


def test_space_files_json_and_toml(tmp_path):
    j = tmp_path / "s.json"
    j.write_text('{"seeds": 3}')
    assert read_space_file(j) == {"seeds": 3}
    t = tmp_path / "s.toml"
    t.write_text(
        'methods = ["lexicode"]\n[stages.c3]\nactive = [4, 5]\n[mu]\nlow = 1.0\nhigh = 8.0\nlog = true\n'
    )
    data = read_space_file(t)
    sp = build_space(get_preset("proxy-s"), 10, data)
    assert sp.stages[0].actives == (4, 5) and sp.mu.log
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(StudyUsageError, match="not valid JSON"):
        read_space_file(bad)
    with pytest.raises(StudyUsageError, match="Cannot read"):
        read_space_file(tmp_path / "missing.json")
