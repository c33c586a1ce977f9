"""codesearch validate and the JSON Schema of scheme JSON v1."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from codesearch.cli import main
from codesearch.validate import scheme_json_schema, validate_scheme_data

ROOT = Path(__file__).resolve().parents[1]
CURATED = sorted((ROOT / "schemes").glob("*.json"))


def test_the_schema_is_valid_draft_2020_12_and_ships_with_the_package():
    schema = scheme_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    from importlib import resources

    assert resources.files("codesearch.schema").joinpath("scheme-v1.json").is_file()


@pytest.mark.parametrize("path", CURATED, ids=lambda p: p.name)
def test_curated_schemes_are_valid(path):
    assert validate_scheme_data(json.loads(path.read_text())) == []


def _broken(tmp_path, edit, name="bad.json"):
    data = json.loads((ROOT / "schemes" / "cifar10.json").read_text())
    edit(data)
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    "edit, field, words",
    [
        (lambda d: d.__setitem__("schema", "other/v9"), "schema", "was expected"),
        (lambda d: d.__setitem__("num_classes", 1), "num_classes", "minimum"),
        (lambda d: d["codes"][0]["codewords"].__setitem__(0, "11101100x0"), "codes[0].codewords[0]", "match"),
        (lambda d: d.__setitem__("surprise", 1), "", "Additional properties"),
        # rules the schema cannot state: the weights, distinct rows, metrics recomputed from the matrix
        (lambda d: d["codes"][0]["codewords"].__setitem__(0, "1111110000"), "codes[0].codewords", "weight"),
        (
            lambda d: d["codes"][0]["codewords"].__setitem__(1, d["codes"][0]["codewords"][0]),
            "codes[0].codewords",
            "distinct",
        ),
        (
            lambda d: d["codes"][0]["metrics"].__setitem__("min_distance", 6),
            "codes[0].metrics.min_distance",
            "codewords give",
        ),
        (lambda d: d["blocks"].__setitem__(0, "7/10"), "blocks", "7/10"),
    ],
)
def test_each_broken_file_names_its_field(tmp_path, capsys, edit, field, words):
    path = _broken(tmp_path, edit)
    problems = validate_scheme_data(json.loads(path.read_text()))
    assert problems and problems[0].field == field, problems
    assert words.lower() in problems[0].message.lower(), problems[0]
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}: ") and (f"field '{field}'" in err if field else True)
    assert "Traceback" not in err


def test_validate_several_files_json_and_unreadable(tmp_path, capsys):
    bad = _broken(tmp_path, lambda d: d.__setitem__("num_classes", "ten"))
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    good = CURATED[0]
    assert main(["validate", str(good)]) == 0
    capsys.readouterr()
    assert main(["validate", str(good), str(bad), str(junk), str(tmp_path / "missing.json"), "--json"]) == 1
    out = capsys.readouterr()
    report = json.loads(out.out)["files"]
    assert [r["valid"] for r in report] == [True, False, False, False]
    assert report[1]["problems"][0]["field"] == "num_classes"
    assert "not valid JSON" in out.err and "cannot read" in out.err


def test_validate_does_not_import_torch_or_optuna(tmp_path):
    code = (
        "import sys; from codesearch.cli import main; rc = main(['validate', sys.argv[1]]); "
        "assert 'torch' not in sys.modules and 'optuna' not in sys.modules; sys.exit(rc)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(CURATED[0])], check=False, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
