"""Issue 12 item 7 (sizes without limits) and issue 9 (auto skips methods that cannot handle a size)."""

import json
import subprocess
import sys

import pytest

from codesearch.codes import (
    MAX_CLASSES,
    MAX_SUBNNS,
    GenerateRequest,
    bounds_table,
    generate,
    lp_min_pairs,
    max_distance_bound,
)


def cs(*args):
    return subprocess.run(
        [sys.executable, "-m", "codesearch", *args], check=False, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "args, limit",
    [
        (
            ["generate", "--classes", "10", "--active", "3", "--subnns", "20000", "--method", "random"],
            "MAX_SUBNNS",
        ),
        (["bounds", "-K", "10", "-N", str(10**12), "-w", "3"], "MAX_SUBNNS"),
        (["bounds", "-K", "10", "-N", "2000", "-w", "3"], "MAX_SUBNNS"),
        (["generate", "-K", str(MAX_CLASSES + 1), "-N", "64", "-w", "16"], "MAX_CLASSES"),
        (["generate", "-K", str(MAX_CLASSES + 1), "--ratio", "1/4"], "MAX_CLASSES"),
    ],
)
def test_sizes_beyond_the_limits_exit_2_naming_the_limit(args, limit):
    proc = cs(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and limit in lines[0] and "Traceback" not in proc.stderr


def test_score_refuses_a_small_file_with_a_huge_n_quickly(tmp_path):
    words = ["1" * 3 + "0" * 2997, "000111" + "0" * 2994]
    data = {
        "schema": "codesearch.scheme/v1",
        "num_classes": 2,
        "class_names": None,
        "codes": [
            {
                "id": "3/3000",
                "subnns": 3000,
                "active": 3,
                "codewords": words,
                "generator": {"method": "random", "seed": 0, "params": {}},
                "metrics": {"min_distance": 6},
            }
        ],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    proc = cs("score", str(path))
    assert proc.returncode == 2 and "MAX_SUBNNS" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "n, w", [(48, 24), (64, 16), (64, 32), (MAX_SUBNNS, MAX_SUBNNS // 2), (MAX_SUBNNS, 16)]
)
def test_bounds_work_up_to_the_limit(n, w):
    rows = bounds_table(10, n, w)
    assert rows[0]["d"] == 2 and rows[0]["max_size"] == __import__("math").comb(n, w)
    assert rows[0]["johnson"] == __import__("math").comb(n, w)
    best = max_distance_bound(10, n, w)
    assert 2 <= best <= 2 * min(w, n - w)
    assert [r["feasible"] for r in rows] == [r["d"] <= best for r in rows]
    assert lp_min_pairs(10, n, w, 2) is not None


def test_bounds_cli_n48_w24():
    proc = cs("bounds", "-K", "10", "-N", "48", "-w", "24", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["rows"][0]["max_size"] == __import__("math").comb(48, 24)


def test_auto_skips_lexicode_beyond_63_and_says_so():
    res = generate("auto", GenerateRequest(40, 64, 16, seed=0, params={"methods": ["lexicode", "random"]}))
    assert res.code.size == 40 and res.code.n == 64
    assert any("skipped lexicode" in note and "N <= 63" in note for note in res.notes)
    assert res.params["scores"]["lexicode"] == {"skipped": "not applicable"}


def test_generate_cli_prints_auto_notes_on_stderr():
    proc = cs("generate", "-K", "40", "-N", "64", "-w", "16", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "skipped lexicode" in proc.stderr
    json.loads(proc.stdout)


def test_single_method_beyond_its_size_is_a_clear_error():
    proc = cs("generate", "-K", "40", "-N", "64", "-w", "16", "--method", "lexicode")
    assert proc.returncode != 0 and "N <= 63" in proc.stderr and "Traceback" not in proc.stderr
