"""The paper-format export is a drop-in ``subNNs_codes.py`` for the original Coded ResNeXt code."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codesearch.cli import main
from codesearch.schemefile import export_paper, paper_dict_name, read_scheme

ROOT = Path(__file__).resolve().parents[1]
CURATED = {
    "cifar10": "SUBNNS_CODING_CIFAR10",
    "cifar100": "SUBNNS_CODING_CIFAR100",
    "imagenet": "SUBNNS_CODING_IMAGENET",
}

# How the original code consumes the module: import it, take the dict, look up every block's ratio key
# (uncoded ones too), and turn row k into class k's 0/1 mask over the block's N subNNs.
CONSUMER = r"""
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
mod = importlib.import_module("subNNs_codes")
coding = getattr(mod, sys.argv[2])
plan = json.loads(sys.argv[3])
k = int(sys.argv[4])
out = {}
for key in plan:
    a, n = (int(v) for v in key.split("/"))
    rows = coding[key]
    assert len(rows) == k, (key, len(rows))
    masks = [[int(c) for c in row] for row in rows]
    assert all(len(m) == n for m in masks), key
    assert all(sum(m) == a for m in masks), key
    out[key] = masks
print(json.dumps(out))
"""


@pytest.mark.parametrize("preset", sorted(CURATED))
def test_exported_module_imports_and_is_consumed_like_the_original_code(tmp_path, preset):
    path = ROOT / "schemes" / f"{preset}.json"
    scheme = read_scheme(path)
    assert main(["export", str(path), "--format", "paper", "--out", str(tmp_path / "subNNs_codes.py")]) == 0
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            CONSUMER,
            str(tmp_path),
            CURATED[preset],
            json.dumps(list(scheme.blocks)),
            str(scheme.num_classes),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    masks = json.loads(res.stdout)
    assert set(masks) == set(scheme.blocks)
    for key, rows in masks.items():
        a, n = (int(v) for v in key.split("/"))
        if a == n:
            assert rows == [[1] * n] * scheme.num_classes
        else:
            assert ["".join(map(str, r)) for r in rows] == list(scheme.code(key).codewords)


def test_dict_name_from_classes_and_explicit_name(tmp_path):
    from dataclasses import replace

    scheme = read_scheme(ROOT / "schemes" / "cifar100.json")
    assert paper_dict_name(replace(scheme, preset=None)) == "SUBNNS_CODING_CIFAR100"
    assert "MY_CODES = {" in export_paper(scheme, "MY_CODES")
    with pytest.raises(ValueError, match="identifier"):
        paper_dict_name(scheme, "not-a-name")


def test_export_needs_a_name_when_none_follows(tmp_path, capsys):
    assert (
        main(
            [
                "generate",
                "--classes",
                "12",
                "--subnns",
                "8",
                "--active",
                "2",
                "--out",
                str(tmp_path / "s.json"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["export", str(tmp_path / "s.json"), "--format", "paper"]) == 2
    assert "--name" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "s.json"), "--format", "paper", "--name", "CODES12"]) == 0
    text = capsys.readouterr().out
    ns: dict = {}
    exec(text, ns)  # noqa: S102 - the exported module is meant to be executed
    assert len(ns["CODES12"]["2/8"]) == 12
