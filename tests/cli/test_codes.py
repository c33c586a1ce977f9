"""The coding-core CLI through real subprocesses: main paths and every bad input of issue 2."""

import json
import subprocess
import sys

import pytest

from codesearch.schemefile import read_scheme


def cs(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "codesearch", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def one_error_line(proc, code=2):
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_help_and_generate_do_not_import_torch_or_optuna():
    code = (
        "import sys, contextlib, io\n"
        "from codesearch.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
        "    assert main(['generate', '--classes', '10', '--active', '3', '--subnns', '10', '--json']) == 0\n"
        "bad = [m for m in ('torch', 'optuna', 'torchvision', 'sklearn') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_generate_ratio_chooses_n16(tmp_path):
    out = tmp_path / "s.json"
    proc = cs("generate", "--classes", 100, "--ratio", "1/4", "--out", out, "--time-limit", 20)
    assert proc.returncode == 0, proc.stderr
    assert "chose N=16, w=4" in proc.stderr
    assert "N=12, w=3" in proc.stderr  # the skipped N is explained
    scheme = read_scheme(out)
    code = scheme.codes[0].code
    assert (code.size, code.n, code.w) == (100, 16, 4)
    assert code.d >= 4 and code.column_spread == 0


@pytest.mark.parametrize("ratio", ["1/4", "0.25", "8/32"])
def test_ratio_spellings_agree(ratio):
    proc = cs("generate", "--classes", 12, "--ratio", ratio, "--subnns", 8, "--method", "random", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["codes"][0]["id"] == "2/8"


def test_same_seed_same_bytes_and_no_file_without_out(tmp_path):
    args = (
        "generate",
        "--classes",
        20,
        "--active",
        4,
        "--subnns",
        10,
        "--method",
        "anneal",
        "--seed",
        7,
        "--json",
    )
    a, b = cs(*args, cwd=tmp_path), cs(*args, cwd=tmp_path)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    assert list(tmp_path.iterdir()) == []
    c = cs(*args[:-3], "--seed", 8, "--json")
    assert c.returncode == 0


def test_preset_scheme_has_plan(tmp_path):
    out = tmp_path / "c10.json"
    proc = cs("generate", "--preset", "cifar10", "--out", out, "--time-limit", 20)
    assert proc.returncode == 0, proc.stderr
    scheme = read_scheme(out)
    assert scheme.preset == "cifar10"
    assert scheme.ids == ["5/10", "3/10"]
    assert list(scheme.blocks) == ["10/10"] * 3 + ["5/10"] * 3 + ["3/10"] * 3
    assert all(c.code.column_spread == 0 and c.code.d == 4 for c in scheme.codes)


def test_score_show_export_bounds(tmp_path):
    out = tmp_path / "s.json"
    assert cs("generate", "--classes", 10, "--active", 6, "--subnns", 15, "--out", out).returncode == 0
    score = cs("score", out, "--json", "--trials", 2000)
    assert score.returncode == 0, score.stderr
    rep = json.loads(score.stdout)["codes"]["6/15"]
    assert rep["min_distance"] == 8 and rep["max_distance_bound"] == 8
    assert set(rep["robustness"]["noise"]) == {"0.25", "0.5", "0.75"}
    png = tmp_path / "s.png"
    show = cs("show", out, "--png", png)
    assert show.returncode == 0, show.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    paper = cs("export", out, "--format", "paper")
    ns: dict = {}
    exec(paper.stdout, ns)  # noqa: S102 - the exported module is meant to be executed
    assert len(ns["SUBNNS_CODING_CIFAR10"]["6/15"]) == 10
    csv_out = tmp_path / "s.csv"
    assert cs("export", out, "--format", "csv", "--out", csv_out).returncode == 0
    assert csv_out.read_text().count("\n") == 11
    bounds = cs("bounds", "--classes", 100, "--subnns", 20, "--active", 8, "--json")
    assert bounds.returncode == 0, bounds.stderr
    assert json.loads(bounds.stdout)["max_distance"] == 8


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--classes", 10, "--ratio", "1.5"], "between 0 and 1"),
        (["--classes", 10, "--ratio", "0"], "between 0 and 1"),
        (["--classes", 10, "--ratio", "abc"], "--ratio"),
        (["--classes", 10, "--ratio", "1/3", "--subnns", 10], "not representable with N=10"),
        (["--classes", 10, "--active", 10, "--subnns", 10], "0 < w < N"),
        (["--classes", 10, "--active", 0, "--subnns", 10], "--active"),
        (["--classes", 1, "--active", 3, "--subnns", 10], "--classes"),
        (["--classes", 200, "--active", 3, "--subnns", 10], "C(10,3) = 120"),
        (["--classes", 100, "--active", 8, "--subnns", 20, "--min-distance", 10], "at most d = 8"),
        (["--classes", "ten", "--active", 3, "--subnns", 10], "--classes"),
        (["--classes", 10, "--active", 3, "--subnns", 10, "--method", "magic"], "unknown method"),
        (["--preset", "mnist"], "Unknown preset"),
        (["--classes", 10, "--active", 3], "--active needs --subnns"),
    ],
)
def test_generate_bad_input(args, needle, tmp_path):
    proc = cs("generate", *args, "--out", tmp_path / "x.json")
    line = one_error_line(proc)
    assert needle in line
    assert not (tmp_path / "x.json").exists()


def test_existing_out_needs_force(tmp_path):
    out = tmp_path / "s.json"
    out.write_text("precious")
    proc = cs("generate", "--classes", 10, "--active", 3, "--subnns", 10, "--out", out)
    assert "--force" in one_error_line(proc)
    assert out.read_text() == "precious"
    assert (
        cs("generate", "--classes", 10, "--active", 3, "--subnns", 10, "--out", out, "--force").returncode
        == 0
    )
    assert read_scheme(out).codes[0].code.size == 10


@pytest.mark.parametrize(
    "content, needle",
    [
        (None, "cannot read"),
        ("not json", "not valid JSON"),
        ('{"schema": "x"}', "field 'schema'"),
    ],
)
@pytest.mark.parametrize("command", [["score"], ["show"], ["export", "--format", "csv"]])
def test_bad_scheme_files(tmp_path, content, needle, command):
    path = tmp_path / "s.json"
    if content is not None:
        path.write_text(content)
    proc = cs(command[0], path, *command[1:])
    line = one_error_line(proc)
    assert needle in line and str(path) in line


def test_inconsistent_metrics_rejected(tmp_path):
    out = tmp_path / "s.json"
    assert cs("generate", "--classes", 10, "--active", 3, "--subnns", 10, "--out", out).returncode == 0
    data = json.loads(out.read_text())
    data["codes"][0]["metrics"]["pairs_at_min_distance"] += 1
    out.write_text(json.dumps(data))
    line = one_error_line(cs("score", out))
    assert "codes[0].metrics.pairs_at_min_distance" in line


def test_bounds_bad_input():
    assert "0 < w < N" in one_error_line(cs("bounds", "--classes", 10, "--subnns", 10, "--active", 12))
