"""``codesearch study ...`` end to end with the real trainer (tiny proxy runs), in-process."""

import json

import pytest

from codesearch.cli import main
from codesearch.schemefile import read_scheme
from tests.study.conftest import TINY


def run(capsys, *args):
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def fast_space(tmp_path):
    p = tmp_path / "space.toml"
    p.write_text('methods = ["lexicode", "random"]\nseeds = 3\n')
    return str(p)


def test_study_cli_end_to_end(capsys, tmp_path, fast_space):
    j = str(tmp_path / "runs" / "e2e" / "journal.log")
    create = ["study", "create", "e2e", "--storage", j, *TINY, "--epochs", "1", "--space", fast_space]
    rc, _, err = run(capsys, *create)
    assert rc == 0 and "created study 'e2e'" in err
    rc, _, err = run(capsys, *create)
    assert rc == 0 and "nothing to do" in err
    rc, _, err = run(capsys, *create[:-4], "--epochs", "2", "--space", fast_space)
    assert rc == 2 and "other settings" in err and "epochs 1 (stored) vs 2 (given)" in err
    assert len(err.strip().splitlines()) == 1

    rc, _, err = run(capsys, "study", "run", "e2e", "--storage", j, "--n-trials", "3", "--seed", "5")
    assert rc == 0, err
    assert "worker 0" in err and "sampler seed 5" in err and "ran 3 trial(s)" in err

    rc, out, _ = run(capsys, "study", "status", "e2e", "--storage", j, "--json")
    st = json.loads(out)
    assert st["counts"]["complete"] == 3 and st["counts"]["finished"] == 3
    assert st["paper_default"]["number"] == 0 and st["paper_default"]["state"] == "COMPLETE"
    assert st["workers"][0]["seed"] == 5 and st["workers"][0]["state"] == "ended (n_trials)"
    rc, out, _ = run(capsys, "study", "status", "e2e", "--storage", j)
    assert rc == 0 and "3 complete" in out

    rc, out, _ = run(capsys, "study", "best", "e2e", "--storage", j, "--json")
    best = json.loads(out)["best"]
    assert 0 <= best["values"]["top1"] <= 1
    assert best["values"]["top1"] >= st["paper_default"]["values"]["top1"]

    rc, _, err = run(
        capsys, "study", "export", "e2e", "--storage", j, "--top", "2", "--out", str(tmp_path / "x")
    )
    assert rc == 0 and err.count("wrote") == 2
    files = sorted((tmp_path / "x").glob("*.json"))
    assert len(files) == 2
    first = read_scheme(tmp_path / "x" / f"e2e-trial{best['number']:04d}.json")
    assert first.provenance["trial"] == best["number"] and first.provenance["study"] == "e2e"
    assert first.provenance["proxy_metrics"]["top1"] == best["values"]["top1"]
    rc, _, err = run(capsys, "study", "export", "e2e", "--storage", j, "--out", str(tmp_path / "x"))
    assert rc == 2 and "--force" in err

    rc, _, err = run(capsys, "study", "plot", "e2e", "--storage", j, "--out", str(tmp_path / "plots"))
    assert rc == 0 and (tmp_path / "plots" / "history.png").exists()


def test_study_cli_errors_are_one_line(capsys, tmp_path):
    rc, _, err = run(capsys, "study", "status", "nope", "--storage", str(tmp_path / "none.log"))
    assert rc == 1 and "No study 'nope'" in err and len(err.strip().splitlines()) == 1
    rc, _, err = run(capsys, "study", "create", "a", "--storage", "mysql://u@h/db", *TINY)
    assert rc == 2 and "Unsupported storage" in err
    rc, _, err = run(
        capsys,
        "study",
        "create",
        "a",
        "--storage",
        str(tmp_path / "j.log"),
        *TINY,
        "--objective",
        "pareto",
        "--pruner",
        "median",
    )
    assert rc == 2 and "cannot be pruned" in err
    rc, _, err = run(
        capsys,
        "study",
        "create",
        "a",
        "--storage",
        str(tmp_path / "j.log"),
        "--classes",
        "100",
        "--dataset",
        "digits",
        "--preset",
        "proxy-s",
    )
    assert rc == 2 and "has 10 classes" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"stages": {"c3": {"active": [10]}}}')
    rc, _, err = run(
        capsys, "study", "create", "a", "--storage", str(tmp_path / "j.log"), *TINY, "--space", str(bad)
    )
    assert rc == 2 and "stages.c3.active" in err
    assert "Traceback" not in err
