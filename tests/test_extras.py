"""Optional dependencies (issue 11, section 2): the core install works alone, and every command that needs an
extra says which one to install, in one line, exit 2.

"Not installed" is made real in a subprocess: a sitecustomize.py on PYTHONPATH puts a finder first on
sys.meta_path that raises ModuleNotFoundError for the blocked top-level names, as a missing package does.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import codesearch
from codesearch import _extras
from codesearch._extras import FEATURES, MissingExtraError, available, extra_for_module, require
from codesearch.cli import main

ROOT = Path(codesearch.__file__).resolve().parent.parent
HEAVY = (
    "torch",
    "torchvision",
    "sklearn",
    "matplotlib",
    "optuna",
    "sqlalchemy",
    "psycopg",
    "jsonschema",
    "timm",
)

_SITECUSTOMIZE = """
import os, sys

_BLOCKED = {n for n in os.environ.get("CODESEARCH_TEST_BLOCK", "").split(",") if n}


class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in _BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled())
"""


@pytest.fixture(scope="module")
def blocker(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("not-installed")
    (folder / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    return folder


def run_cli(blocker: Path, blocked, *args, cwd=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), str(ROOT), env.get("PYTHONPATH", "")])
    env["CODESEARCH_TEST_BLOCK"] = ",".join(blocked)
    return subprocess.run(
        [sys.executable, "-m", "codesearch", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def test_the_blocker_really_blocks(blocker):
    env = dict(os.environ, PYTHONPATH=str(blocker), CODESEARCH_TEST_BLOCK="torch,jsonschema")
    code = "import json\ntry:\n    import torch\nexcept ModuleNotFoundError as e:\n    print(e.name)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "torch"


@pytest.fixture(scope="module")
def core_scheme(blocker, tmp_path_factory) -> Path:
    """A scheme written by ``generate`` with every optional library blocked."""
    path = tmp_path_factory.mktemp("core") / "s.json"
    proc = run_cli(blocker, HEAVY, "generate", "--classes", 100, "--ratio", "1/4", "--out", path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(path.read_text())["schema"] == "codesearch.scheme/v1"
    return path


def test_help_lists_every_command_without_the_extras(blocker):
    proc = run_cli(blocker, HEAVY, "--help")
    assert proc.returncode == 0, proc.stderr
    for name in ("generate", "score", "show", "export", "bounds", "validate", "train", "model", "study"):
        assert re.search(rf"^\s+{name}\s", proc.stdout, re.MULTILINE), (name, proc.stdout)


def test_core_commands_work_without_the_extras(blocker, core_scheme, tmp_path):
    score = run_cli(blocker, HEAVY, "score", core_scheme, "--json")
    assert score.returncode == 0, score.stderr
    assert json.loads(score.stdout)  # machine-readable output alone on stdout
    bounds = run_cli(blocker, HEAVY, "bounds", "-K", 100, "-N", 16, "-w", 4, "--json")
    assert bounds.returncode == 0, bounds.stderr
    assert json.loads(bounds.stdout)["max_distance"] >= 1
    show = run_cli(blocker, HEAVY, "show", core_scheme, "--max-rows", 3)
    assert show.returncode == 0, show.stderr
    for fmt in ("paper", "csv", "json"):
        out = tmp_path / f"x.{fmt}"
        exp = run_cli(blocker, HEAVY, "export", core_scheme, "--format", fmt, "--out", out)
        assert exp.returncode == 0, (fmt, exp.stderr)
        assert out.stat().st_size > 0


def one_line(proc) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


TRAIN_ARGS = ("--dataset", "digits", "--preset", "proxy-s")
CASES = [
    # (blocked modules, argv, the line's beginning, extra)
    (HEAVY, ("train", *TRAIN_ARGS), "codesearch train: needs PyTorch,", "train"),
    (("sklearn",), ("train", *TRAIN_ARGS), "codesearch train: needs scikit-learn,", "train"),
    (HEAVY, ("plot", "runs/none"), "codesearch plot: needs PyTorch,", "train"),
    (
        HEAVY,
        ("compare", "a.json", "b.json", "--seeds", 2, *TRAIN_ARGS),
        "codesearch compare: needs PyTorch,",
        "train",
    ),
    (HEAVY, ("model", "--preset", "cifar10"), "codesearch model: needs PyTorch,", "train"),
    (
        HEAVY,
        ("extract", "--checkpoint", "c.pt", "--class", 0, "--out", "o.pt"),
        "codesearch extract: needs PyTorch,",
        "train",
    ),
    (HEAVY, ("study", "status", "s"), "codesearch study status: needs Optuna,", "study"),
    (HEAVY, ("study", "run", "s"), "codesearch study run: needs Optuna,", "study"),
    (("torch",), ("study", "best", "s"), "codesearch study best: needs PyTorch,", "study"),
    (
        ("psycopg",),
        ("study", "status", "s", "--storage", "postgresql+psycopg://u:p@127.0.0.1:9/db"),
        "codesearch study status: PostgreSQL storage needs psycopg 3,",
        "postgres",
    ),
]


@pytest.mark.parametrize("blocked,argv,start,extra", CASES, ids=lambda v: v if isinstance(v, str) else None)
def test_commands_name_the_extra_to_install(blocker, tmp_path, blocked, argv, start, extra):
    line = one_line(run_cli(blocker, blocked, *argv, cwd=tmp_path))
    assert line.startswith(start), line
    assert line.endswith(f"which is not installed; install it with: pip install 'codesearch[{extra}]'"), line
    assert not any(tmp_path.iterdir())  # nothing written


def test_show_png_needs_plot_extra_and_writes_nothing(blocker, core_scheme, tmp_path):
    png = tmp_path / "h.png"
    line = one_line(run_cli(blocker, ("matplotlib",), "show", core_scheme, "--png", png))
    assert line == (
        "codesearch show: --png needs matplotlib, which is not installed; "
        "install it with: pip install 'codesearch[plot]'"
    )
    assert not png.exists()


def test_validate_without_jsonschema_checks_the_matrix_rules(blocker, core_scheme, tmp_path):
    ok = run_cli(blocker, HEAVY, "validate", core_scheme, "--json")
    assert ok.returncode == 0, ok.stderr
    assert "Traceback" not in ok.stderr
    note, verdict = ok.stderr.strip().splitlines()
    assert note.startswith("note: jsonschema is not installed") and "codesearch[validate]" in note
    assert "passes the matrix rules" in verdict
    report = json.loads(ok.stdout)
    assert report["schema_checked"] is False and report["files"][0]["valid"] is True

    data = json.loads(core_scheme.read_text())
    data["codes"][0]["codewords"][1] = data["codes"][0]["codewords"][0]  # a repeated codeword
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    proc = run_cli(blocker, HEAVY, "validate", bad)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 2  # the note, then the problem


def test_validate_with_jsonschema_reports_the_schema_was_checked(core_scheme, capsys):
    assert main(["validate", str(core_scheme), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["schema_checked"] is True
    assert "note:" not in captured.err


# -- the helper itself, in process ----------------------------------------------------------------------
def test_require_names_the_first_missing_module_and_its_extra(monkeypatch):
    for feature in FEATURES:
        require(feature)  # the test environment has every extra
        assert available(feature)
    monkeypatch.setitem(sys.modules, "optuna", None)  # import optuna now raises ModuleNotFoundError
    assert not available("study") and available("train")
    with pytest.raises(MissingExtraError) as info:
        require("study", "this")
    assert str(info.value) == (
        "this needs Optuna, which is not installed; install it with: pip install 'codesearch[study]'"
    )
    assert info.value.extra == "study" and info.value.name == "optuna"
    assert isinstance(info.value, ImportError)


def test_an_unguarded_import_of_an_optional_module_still_gets_one_line(monkeypatch, capsys):
    from codesearch.cli import _codes

    def boom(self, args):
        raise ModuleNotFoundError("No module named 'optuna.trial'", name="optuna.trial")

    monkeypatch.setattr(_codes.BoundsCommand, "run", boom)
    assert main(["bounds", "-K", "4", "-N", "4", "-w", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "codesearch bounds: needs Optuna, which is not installed; install it with: pip install 'codesearch[study]'"
    ]
    assert extra_for_module(ModuleNotFoundError("x", name="no_such_thing")) is None

    def other(self, args):
        raise ModuleNotFoundError("No module named 'no_such_thing'", name="no_such_thing")

    monkeypatch.setattr(_codes.BoundsCommand, "run", other)
    with pytest.raises(ModuleNotFoundError):  # a genuine bug is not dressed up as a missing extra
        main(["bounds", "-K", "4", "-N", "4", "-w", "2"])


# -- pyproject.toml declares what the code needs ---------------------------------------------------------
def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(reqs) -> set[str]:
    return {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower() for r in reqs}


def test_pyproject_core_is_light_and_every_extra_exists():
    project = _pyproject()
    core = _names(project["dependencies"])
    assert core == {"numpy", "scipy", "rich", "threadpoolctl"}  # threadpoolctl: pure Python, no deps
    assert any(re.fullmatch(r"numpy>=2(\.\d+)*", r) for r in project["dependencies"])  # np.bitwise_count
    extras = project["optional-dependencies"]
    for feature, (extra, modules) in FEATURES.items():
        assert extra in extras, (feature, extra)
    dist = {"torch": "torch", "torchvision": "torchvision", "sklearn": "scikit-learn"}
    dist |= {"matplotlib": "matplotlib", "optuna": "optuna", "psycopg": "psycopg", "jsonschema": "jsonschema"}
    for feature, (extra, modules) in FEATURES.items():
        assert {dist[m] for m in modules} <= _names(extras[extra]), (feature, extras[extra])
    assert _names(extras["train"]) <= _names(extras["study"])
    everything = set().union(*(_names(v) for k, v in extras.items() if k not in ("all", "dev")))
    assert everything <= _names(extras["all"]) <= _names(extras["dev"])
    assert {"pytest", "hypothesis", "ruff", "networkx"} <= _names(extras["dev"])


def test_the_extras_table_covers_every_optional_import_in_the_package():
    """Every third-party top-level import under codesearch/ is either core or known to _extras."""
    stdlib = set(sys.stdlib_module_names)
    core = {"numpy", "scipy", "rich", "threadpoolctl", "codesearch"}
    optional = set(_extras._MODULES) | {"timm"}  # timm: the timm registration module, a dev dependency
    found = set()
    for path in (ROOT / "codesearch").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.partition(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.partition(".")[0])
    third_party = found - stdlib - core
    assert third_party <= optional, third_party - optional
