import json

import numpy as np
import pytest

from codesearch._atomic import write_text_atomic
from codesearch.codes import ConstantWeightCode, Scheme, SchemeCode
from codesearch.schemefile import (
    SchemeFileError,
    dumps_scheme,
    export_csv,
    export_json,
    export_paper,
    loads_scheme,
    read_scheme,
    write_scheme,
)


def cyclic(n, w, k):
    base = np.zeros(n, dtype=np.uint8)
    base[:w] = 1
    return ConstantWeightCode(np.array([np.roll(base, 2 * i) for i in range(k)]))


@pytest.fixture
def scheme():
    c1 = SchemeCode(cyclic(10, 5, 5), "manual", 3, {"note": "cyclic"})
    c2 = SchemeCode(
        ConstantWeightCode.from_strings(
            ["1100000000", "0011000000", "0000110000", "0000001100", "0000000011"]
        ),
        "manual",
        None,
        {},
    )
    return Scheme(5, (c1, c2), class_names=tuple("abcde"), blocks=("10/10", "5/10", "2/10"), preset=None)


def test_round_trip_and_same_bytes(scheme, tmp_path):
    text = dumps_scheme(scheme)
    again = loads_scheme(text)
    assert again == scheme
    assert dumps_scheme(again) == text
    path = write_scheme(scheme, tmp_path / "s.json")
    assert path.read_text() == text
    assert read_scheme(path) == scheme
    data = json.loads(text)
    assert data["schema"] == "codesearch.scheme/v1"
    assert data["codes"][0]["id"] == "5/10" and data["codes"][0]["metrics"]["min_distance"] == 4
    assert "timestamp" not in text


def test_never_overwrites_without_force(scheme, tmp_path):
    path = tmp_path / "s.json"
    path.write_text("keep me")
    with pytest.raises(FileExistsError, match="--force"):
        write_scheme(scheme, path)
    assert path.read_text() == "keep me"
    write_scheme(scheme, path, force=True)
    assert read_scheme(path) == scheme
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temp file left behind


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    class Boom(Exception):
        pass

    target = tmp_path / "x.txt"

    class Bad(str):
        def encode(self, *a, **k):
            raise Boom

    with pytest.raises(Boom):
        write_text_atomic(target, Bad("data"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d.update(schema="other/v9"), "schema"),
        (lambda d: d.update(num_classes=1), "num_classes"),
        (lambda d: d.update(num_classes=6, class_names=None), "codes[0].codewords"),
        (lambda d: d["codes"][0].update(active=4), "codes[0].active"),
        (lambda d: d["codes"][0].update(subnns=11), "codes[0].subnns"),
        (lambda d: d["codes"][0]["codewords"].__setitem__(1, "1111100000"), "codes[0].codewords"),
        (lambda d: d["codes"][0]["codewords"].__setitem__(1, "111110000"), "codes[0].codewords"),
        (lambda d: d["codes"][0]["metrics"].update(min_distance=6), "codes[0].metrics.min_distance"),
        (lambda d: d["codes"][0]["metrics"].update(column_sums=[0] * 10), "codes[0].metrics.column_sums"),
        (
            lambda d: d["codes"][1]["metrics"]["distance_spectrum"].update({"4": 99}),
            "codes[1].metrics.distance_spectrum",
        ),
        (lambda d: d.update(blocks=["10/10", "7/10"]), "blocks"),
        (lambda d: d.update(class_names=["a"]), "class_names"),
        (lambda d: d.update(codes=[]), "codes"),
    ],
)
def test_inconsistent_files_name_the_field(scheme, tmp_path, mutate, field):
    data = json.loads(dumps_scheme(scheme))
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SchemeFileError) as info:
        read_scheme(path)
    assert str(path) in str(info.value)
    assert f"field '{field}'" in str(info.value)


def test_unreadable_and_non_json(tmp_path):
    with pytest.raises(SchemeFileError, match="cannot read"):
        read_scheme(tmp_path / "missing.json")
    p = tmp_path / "x.json"
    p.write_text("{not json")
    with pytest.raises(SchemeFileError, match="not valid JSON"):
        read_scheme(p)


def test_exports(scheme):
    ns: dict = {}
    exec(export_paper(scheme, "CODES"), ns)  # noqa: S102 - the exported module is meant to be executed
    assert ns["CODES"]["5/10"] == list(scheme.codes[0].code.codewords)
    rows = export_csv(scheme).strip().splitlines()
    assert rows[0].startswith("code,class,name,subnn0")
    assert len(rows) == 1 + 2 * 5
    assert rows[1].split(",")[:3] == ["5/10", "0", "a"]
    assert json.loads(export_json(scheme))["2/10"][0] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_written_files_get_umask_permissions(scheme, tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        path = write_scheme(scheme, tmp_path / "s.json")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
