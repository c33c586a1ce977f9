"""`codesearch model` and `codesearch extract`, in process, with schemes and checkpoints made in the test."""

import json

import pytest
import torch

from codesearch.cli import main
from codesearch.codes import PRESETS
from codesearch.model import create_model, load_binary_classifier, save_checkpoint
from codesearch.schemefile import write_scheme
from tests.model.conftest import preset_scheme, randomize_bn


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def scheme10(tmp_path):
    return write_scheme(preset_scheme("cifar10"), tmp_path / "cifar10.json")


def test_model_json(capsys, scheme10):
    code, out, _ = run(capsys, "model", "--preset", "cifar10", "--scheme", scheme10, "--json")
    assert code == 0
    r = json.loads(out)
    assert r["parameters"] == 4638926
    assert [s["name"] for s in r["stages"]] == ["c2", "c3", "c4"]
    assert r["stem"] + sum(s["parameters"] for s in r["stages"]) + r["head"] == r["parameters"]
    b = r["binary_classifier"]
    assert set(b) >= {"min", "mean", "max", "fraction_mean"}
    assert round(b["fraction_mean"], 3) == 0.463


def test_model_table_and_proxy_transfer(capsys, scheme10):
    code, out, _ = run(capsys, "model", "--preset", "proxy-s", "--scheme", scheme10)
    assert code == 0
    assert "binary classifier" in out and "c3" in out and "5/10" in out


def test_model_default_scheme_lookup(capsys, tmp_path, monkeypatch, scheme10):
    monkeypatch.setenv("CODESEARCH_SCHEMES_DIR", str(tmp_path / "empty"))
    code, _, err = run(capsys, "model", "--preset", "proxy-s")
    assert code == 2
    assert "cifar10.json" in one_line(err) and "--scheme" in err
    monkeypatch.setenv("CODESEARCH_SCHEMES_DIR", str(scheme10.parent))
    code, out, _ = run(capsys, "model", "--preset", "proxy-m", "--json")
    assert code == 0 and json.loads(out)["scheme"].endswith("cifar10.json")


def test_model_bad_input(capsys, tmp_path, scheme10):
    code, _, err = run(capsys, "model", "--preset", "nope", "--scheme", scheme10)
    assert code == 2 and "unknown preset" in one_line(err)
    s100 = write_scheme(preset_scheme("cifar100"), tmp_path / "c100.json")
    code, _, err = run(capsys, "model", "--preset", "proxy-s", "--scheme", s100)
    assert code == 2 and "uses code 5/10, which the scheme does not define" in one_line(err)
    planned = preset_scheme("cifar100", blocks=PRESETS["cifar100"].blocks)
    s100 = write_scheme(planned, tmp_path / "c100p.json")
    code, _, err = run(capsys, "model", "--preset", "proxy-s", "--scheme", s100)
    assert code == 2 and "N=20, but the stage has N=10" in one_line(err)
    (tmp_path / "bad.json").write_text("{")
    code, _, err = run(capsys, "model", "--preset", "proxy-s", "--scheme", tmp_path / "bad.json")
    assert code == 2 and "not valid JSON" in one_line(err)


@pytest.fixture
def checkpoint(tmp_path):
    torch.manual_seed(0)
    m = randomize_bn(create_model("proxy-s", preset_scheme("proxy-s"))).eval()
    return m, save_checkpoint(tmp_path / "ck.pt", m)


def test_extract(capsys, tmp_path, checkpoint):
    m, ck = checkpoint
    out_file = tmp_path / "out" / "c4.pt"
    code, out, _ = run(capsys, "extract", "--checkpoint", ck, "--class", 4, "--out", out_file)
    assert code == 0 and out_file.exists()
    assert "parameters" in out and "class 4" in out
    clf = load_binary_classifier(out_file)
    x = torch.randn(3, 3, 8, 8)
    with torch.no_grad():
        want = m(x, torch.full((3,), 4), remove_inactive=True).logits[:, 4]
        assert (clf(x) - want).abs().max() <= 1e-5
    code, _, err = run(capsys, "extract", "--checkpoint", ck, "--class", 4, "--out", out_file)
    assert code == 2 and "--force" in one_line(err)
    code, out, _ = run(
        capsys, "extract", "--checkpoint", ck, "--class", 5, "--out", out_file, "--force", "--json"
    )
    r = json.loads(out)
    assert code == 0 and r["class"] == 5 and r["bytes"] == out_file.stat().st_size
    assert r["parameters"] < r["model_parameters"]


def test_extract_bad_input(capsys, tmp_path, checkpoint):
    _, ck = checkpoint
    out_file = tmp_path / "x.pt"
    code, _, err = run(capsys, "extract", "--checkpoint", ck, "--class", 10, "--out", out_file)
    assert code == 2 and "class 10 is out of range" in one_line(err)
    code, _, err = run(
        capsys, "extract", "--checkpoint", ck, "--class", 1, "--out", out_file, "--preset", "proxy-m"
    )
    assert code == 2 and "not 'proxy-m'" in one_line(err)
    (tmp_path / "junk.pt").write_bytes(b"junk")
    code, _, err = run(
        capsys, "extract", "--checkpoint", tmp_path / "junk.pt", "--class", 1, "--out", out_file
    )
    assert code == 2 and "not a readable torch checkpoint" in one_line(err)
    code, _, err = run(
        capsys, "extract", "--checkpoint", tmp_path / "none.pt", "--class", 1, "--out", out_file
    )
    assert code == 2 and "no such file" in one_line(err)
    assert not out_file.exists()
