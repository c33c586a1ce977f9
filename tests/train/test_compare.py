"""codesearch compare: paired seeds, reuse of finished runs, jobs, verdicts with known effect sizes."""

import dataclasses
import json

import numpy as np
import pytest

from codesearch import stats
from codesearch.cli import main as _main
from codesearch.schemefile import write_scheme
from codesearch.train import (
    CompareEntry,
    CompareError,
    RunResult,
    TrainConfig,
    compare_schemes,
    run_comparison,
    scheme_metrics,
    specialization_gap,
    write_compare_outputs,
)

from .conftest import make_scheme

SIGMA = 0.01  # per-run noise of the stand-in's top-1 (independent per scheme and seed)
SEED_SD = 0.03  # a seed effect shared by every scheme (what the paired design cancels)
CALLS = []


def standin_train(config, scheme, *, out_dir=None, resume=False, overwrite=False, callback=None):
    """A trainer whose metrics are known: top1 ~ N(provenance["mean"] + seed effect, SIGMA); f1 = top1 - 0.05;
    fraction fixed by the scheme; gap = provenance["gap"]. Writes metrics.json like run_training."""
    from pathlib import Path

    from codesearch.schemefile import scheme_to_dict
    from codesearch.train import config_to_dict

    CALLS.append((config.seed, resume, overwrite))
    prov = scheme.provenance or {}
    shared = np.random.default_rng([config.seed, 7]).normal(0, SEED_SD)
    own = np.random.default_rng([config.seed, int(prov.get("id", 0)), 11]).normal(0, SIGMA)
    top1 = float(prov.get("mean", 0.9) + shared + own)
    n, w = 10, 5
    metrics = {
        "status": "ok",
        "reason": None,
        "top1": top1,
        "seconds": 0.0,
        "epochs_done": config.epochs,
        "early_decoding": [{"accuracy": top1 - 0.1}, {"accuracy": top1 - 0.2}],
        "binary": {"mean_f1": top1 - 0.05, "mean_fraction": float(prov.get("fraction", 0.4))},
        "specialization": {
            "n": n,
            "w": w,
            "baseline": top1,
            "active": [{"k": k, "accuracy": top1 - 0.1 * k} for k in range(1, w + 1)],
            "inactive": [
                {"k": k, "accuracy": top1 - 0.1 * k + prov.get("gap", 0.0)} for k in range(1, n - w + 1)
            ],
        },
        "config": config_to_dict(config),
        "scheme": scheme_to_dict(scheme),
    }
    if out_dir is not None:
        p = Path(out_dir)
        if (p / "metrics.json").exists() and not (resume or overwrite):
            raise FileExistsError(p)
        p.mkdir(parents=True, exist_ok=True)
        (p / "metrics.json").write_text(json.dumps(metrics))  # a file without the schema key, as before it
    return RunResult.from_json(metrics)


def scheme_with(i, **prov):
    s = make_scheme(10, [(5, 10), (3, 10)])
    return dataclasses.replace(s, provenance={"id": i, **prov})


CONFIG = TrainConfig(dataset="digits", preset="proxy-s", epochs=1)


def test_gap_and_scheme_metrics_from_a_metrics_dict():
    spec = {
        "n": 8,
        "w": 3,
        "baseline": 0.9,
        "active": [{"k": 1, "accuracy": 0.7}, {"k": 2, "accuracy": 0.5}, {"k": 3, "accuracy": 0.1}],
        "inactive": [{"k": k, "accuracy": 0.9 - 0.01 * k} for k in range(1, 6)],
    }
    # m = min(3, 5) = 3: lost removing 3 active 0.8, lost removing 3 inactive 0.03
    assert specialization_gap(spec) == pytest.approx(0.8 - 0.03)
    m = scheme_metrics(
        {
            "top1": 0.9,
            "early_decoding": [{"accuracy": 0.6}, {"accuracy": 0.8}],
            "specialization": spec,
            "binary": None,
        },
        per_block=True,
    )
    assert m.early == pytest.approx(0.7) and m.get("early.1") == 0.8 and m.f1 is None and m.fraction is None
    assert m.to_json() == {
        "top1": 0.9,
        "early": pytest.approx(0.7),
        "gap": pytest.approx(0.77),
        "f1": None,
        "fraction": None,
        "early.0": 0.6,
        "early.1": 0.8,
    }
    assert scheme_metrics({"top1": 0.5}).gap is None
    assert scheme_metrics(RunResult(status="ok", top1=0.5)) == scheme_metrics({"top1": 0.5})


def test_known_effects_give_the_right_verdicts_and_cis():
    schemes = [
        scheme_with(0, mean=0.90),
        scheme_with(1, mean=0.93),
        scheme_with(2, mean=0.87),
        scheme_with(3, mean=0.90),
        scheme_with(4, mean=0.90, gap=0.2, fraction=0.3),
    ]
    res = compare_schemes(
        schemes, CONFIG, 8, labels=["ref", "up", "down", "same", "gappy"], train_fn=standin_train
    )
    v = {lab: {m: c.verdict for m, c in ms.items()} for lab, ms in res.comparisons.items()}
    assert v["up"]["top1"] == stats.BETTER and v["up"]["f1"] == stats.BETTER
    assert v["down"]["top1"] == stats.WORSE and v["down"]["early"] == stats.WORSE
    assert v["same"]["top1"] == stats.NO_DIFFERENCE
    assert v["gappy"]["gap"] == stats.BETTER and v["gappy"]["top1"] == stats.NO_DIFFERENCE
    assert v["gappy"]["fraction"] == stats.BETTER  # lower fraction is better (an exact difference)
    assert v["up"]["fraction"] == stats.NO_DIFFERENCE  # identical fractions
    up = res.comparisons["up"]["top1"]
    assert up.test.ci_low < 0.03 < up.test.ci_high  # the true effect lies in the CI of the paired difference
    assert up.test.n == 8 and up.t_p_holm >= up.test.t_p
    ref = res.summaries["ref"]["top1"]
    assert ref.n == 8 and ref.ci_low < 0.9 < ref.ci_high
    # pairing: the difference's sd is about SIGMA*sqrt(2), far below the seed-to-seed sd of one scheme
    assert up.test.sd_diff < 0.5 * ref.sd
    assert res.metrics[:4] == ("top1", "early", "early.0", "early.1")
    doc = res.to_dict()
    assert (
        doc["schema"] == "codesearch.compare/v1" and doc["comparisons"]["up"]["top1"]["verdict"] == "better"
    )
    json.dumps(doc, allow_nan=False)


def test_runs_are_reused_and_resumed(tmp_path):
    schemes = [scheme_with(0), scheme_with(1, mean=0.95)]
    CALLS.clear()
    first = compare_schemes(
        schemes, CONFIG, [3, 4], labels=["a", "b"], out_dir=tmp_path, train_fn=standin_train
    )
    assert len(CALLS) == 4 and (tmp_path / "a" / "seed3" / "metrics.json").exists()
    CALLS.clear()
    again = compare_schemes(
        schemes, CONFIG, [3, 4], labels=["a", "b"], out_dir=tmp_path, train_fn=standin_train
    )
    assert CALLS == [] and all(r.reused for r in again.runs)
    assert again.to_dict()["summaries"] == first.to_dict()["summaries"]
    # an interrupted run (stopped status) is resumed, a missing one trained
    m = json.loads((tmp_path / "b" / "seed4" / "metrics.json").read_text())
    (tmp_path / "b" / "seed4" / "metrics.json").write_text(json.dumps({**m, "status": "interrupted"}))
    (tmp_path / "a" / "seed3" / "metrics.json").unlink()
    CALLS.clear()
    compare_schemes(schemes, CONFIG, [3, 4], labels=["a", "b"], out_dir=tmp_path, train_fn=standin_train)
    assert sorted(CALLS) == [(3, False, False), (4, True, False)]
    # other settings in a finished folder: refused without force, retrained with it
    other = dataclasses.replace(CONFIG, lr=0.05)
    with pytest.raises(CompareError, match="other settings"):
        compare_schemes(schemes, other, [3], labels=["a", "b"], out_dir=tmp_path, train_fn=standin_train)
    CALLS.clear()
    compare_schemes(
        schemes, other, [3], labels=["a", "b"], out_dir=tmp_path, train_fn=standin_train, force=True
    )
    assert CALLS == [(3, False, True), (3, False, True)]
    paths = write_compare_outputs(again, tmp_path)
    assert [p.name for p in paths] == ["compare.json", "compare.png"]
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(FileExistsError):
        write_compare_outputs(again, tmp_path)


def test_jobs_run_in_separate_processes_with_the_same_results(tmp_path):
    schemes = [scheme_with(0), scheme_with(1, mean=0.95)]
    serial = compare_schemes(schemes, CONFIG, 3, train_fn=standin_train)
    parallel = compare_schemes(schemes, CONFIG, 3, train_fn=standin_train, jobs=2, out_dir=tmp_path)
    assert [r.values for r in serial.runs] == [r.values for r in parallel.runs]


def test_bad_comparisons():
    s = scheme_with(0)
    with pytest.raises(CompareError, match="two entries"):
        run_comparison([CompareEntry("a", s, CONFIG)], [0], train_fn=standin_train)
    with pytest.raises(CompareError, match="distinct"):
        run_comparison(
            [CompareEntry("a", s, CONFIG), CompareEntry("a", s, CONFIG)], [0], train_fn=standin_train
        )
    with pytest.raises(CompareError, match="Seeds"):
        run_comparison(
            [CompareEntry("a", s, CONFIG), CompareEntry("b", s, CONFIG)], [1, 1], train_fn=standin_train
        )


def main(argv) -> int:
    try:
        return _main(argv)
    except SystemExit as exc:
        return int(exc.code)


def test_cli_compare_real_training(tmp_path, capsys, scheme10):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_scheme(scheme10, a)
    write_scheme(make_scheme(10, [(3, 10), (5, 10)]), b)
    out = tmp_path / "cmp"
    argv = [
        "compare",
        str(a),
        str(b),
        "--dataset",
        "digits",
        "--preset",
        "proxy-s",
        "--seeds",
        "2",
        "--epochs",
        "1",
        "--subset",
        "120",
        "--batch-size",
        "32",
        "--out",
        str(out),
        "--jobs",
        "2",
        "--json",
    ]
    assert main(argv) == 0
    cap = capsys.readouterr()
    doc = json.loads(cap.out)
    assert doc["schema"] == "codesearch.compare/v1" and doc["seeds"] == [0, 1] and doc["reference"] == "a"
    assert {"top1", "early", "gap", "f1", "fraction"} <= set(doc["metrics"])
    assert doc["comparisons"]["b"]["top1"]["verdict"] in ("better", "worse", "no detectable difference")
    assert json.loads((out / "compare.json").read_text())["summaries"] == doc["summaries"]
    assert (out / "compare.png").exists() and (out / "b" / "seed1" / "metrics.json").exists()
    assert main(argv) == 2  # compare.json exists
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--force" in err[0]
    assert main(argv[:-1] + ["--force"]) == 0  # every run reused, tables on stdout
    cap = capsys.readouterr()
    assert "4 finished already" in cap.err and "paired differences" in cap.out


def test_cli_compare_bad_input(tmp_path, capsys, scheme10):
    a = tmp_path / "a.json"
    write_scheme(scheme10, a)
    assert main(["compare", str(a), "--dataset", "digits", "--preset", "proxy-s", "--seeds", "2"]) == 2
    assert (
        main(
            [
                "compare",
                str(a),
                str(a),
                "--dataset",
                "digit-pairs",
                "--preset",
                "proxy-s",
                "--seeds",
                "2",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("codesearch compare: error:") for line in err)


def failing_train(config, scheme, **kw):
    if (scheme.provenance or {}).get("id") == 1 and config.seed == 1:
        return RunResult(status="failed", reason="non-finite loss (nan)", seconds=0.0)
    return standin_train(config, scheme, **kw)


def test_failed_runs_are_left_out_of_the_pairs():
    res = compare_schemes([scheme_with(0), scheme_with(1, mean=0.95)], CONFIG, 4, train_fn=failing_train)
    failed = [r for r in res.runs if r.status != "ok"]
    assert [(r.label, r.seed) for r in failed] == [("s1", 1)] and failed[0].values == {}
    assert res.values("s1", "top1")[1] is None
    assert res.summaries["s1"]["top1"].n == 3 and res.summaries["s0"]["top1"].n == 4
    assert res.comparisons["s1"]["top1"].test.n == 3
