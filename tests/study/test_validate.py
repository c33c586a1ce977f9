"""Noise-aware studies: objectives, --repeats, validate, and best/export/status after validation.

The stand-in trainer's top-1 is N(base(mu), SIGMA) per seed, independent per configuration, so the effects
and the noise floor are known: mu 8 is better than the paper's mu 6 by 5 SIGMA, mu 2 worse by 5 SIGMA, and
mu 4 is the same."""

import json

import numpy as np
import optuna
import pytest

from codesearch import stats
from codesearch.study import (
    METRICS_ATTR,
    ProxyObjective,
    StudyUsageError,
    Worker,
    WorkerOptions,
    best_trials,
    chosen_trials,
    create_or_check,
    define_study,
    export_schemes,
    noise_floor,
    stored_validation,
    study_status,
    validate_study,
)
from codesearch.train import RunResult

from .conftest import TINY, fake_train

SIGMA = 0.01
BASE = {6.0: 0.90, 8.0: 0.95, 4.0: 0.90, 2.0: 0.85}
FAST = {"methods": ["lexicode", "random"]}


def noisy_train(config, scheme, *, callback=None, out_dir=None, resume=False, overwrite=False):
    from pathlib import Path

    from codesearch.schemefile import scheme_to_dict
    from codesearch.train import config_to_dict

    base = BASE.get(round(config.mu, 6), 0.8)
    final = float(base + np.random.default_rng([config.seed, int(config.mu * 1000)]).normal(0, SIGMA))
    history = []
    for e in range(1, config.epochs + 1):
        rec = {"epoch": e, "test_top1": final * e / config.epochs, "train_loss": 1.0 / e, "lr": config.lr}
        history.append(rec)
        if callback:
            callback(e, dict(rec))
    n, w = 10, 3
    metrics = {
        "status": "ok",
        "reason": None,
        "top1": final,
        "history": history,
        "epochs_done": config.epochs,
        "early_decoding": [{"accuracy": final - 0.1}],
        "binary": None,
        "seconds": 0.0,
        "device": "cpu",
        "seed": config.seed,
        "specialization": {
            "n": n,
            "w": w,
            "baseline": final,
            "active": [{"k": k, "accuracy": final - 0.2 * k} for k in range(1, w + 1)],
            "inactive": [{"k": k, "accuracy": final - 0.01 * k} for k in range(1, n - w + 1)],
        },
        "config": config_to_dict(config),
        "scheme": scheme_to_dict(scheme),
    }
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "metrics.json").write_text(json.dumps(metrics))
    return RunResult.from_json(metrics)


def make_study(journal, mus=(8.0, 4.0, 2.0), **kw):
    d, sp = define_study("v", 10, "digits", "proxy-s", epochs=2, space=FAST, train={"seed": 0}, **kw)
    handle, _ = create_or_check(d, journal, paper_params=sp.paper_params())
    for mu in mus:
        handle.study.enqueue_trial({**sp.paper_params(), "mu": mu})
    Worker(handle, WorkerOptions(n_trials=1 + len(mus)), train_fn=noisy_train).run()
    return handle


def test_objective_names_aliases_and_errors():
    d, _ = define_study("o", 10, "digits", "proxy-s", objective="gap,f1")
    assert d.metrics == ("gap", "f1") and d.directions == ["maximize", "maximize"] and d.pruner is None
    assert d.train["binary"] is True
    d, _ = define_study("o", 10, "digits", "proxy-s", objective="fraction")
    assert d.single and not d.prunable and d.directions == ["minimize"]
    d, _ = define_study("o", 10, "digits", "proxy-s", objective="pareto")
    assert d.metrics == ("top1", "f1", "fraction") and d.value_names == ["top1", "mean_f1", "param_fraction"]
    d, _ = define_study("o", 10, "digits", "proxy-s", objective="accuracy")
    assert d.prunable and d.pruner == "median" and d.train["binary"] is False
    assert define_study("o", 10, "digits", "proxy-s", objective="top1")[0].pruner == "median"
    with pytest.raises(StudyUsageError, match="Unknown objective 'speed'"):
        define_study("o", 10, "digits", "proxy-s", objective="top1,speed")
    with pytest.raises(StudyUsageError, match="cannot be pruned"):
        define_study("o", 10, "digits", "proxy-s", objective="gap", pruner="median")
    with pytest.raises(StudyUsageError, match="twice"):
        define_study("o", 10, "digits", "proxy-s", objective="gap,gap")
    with pytest.raises(StudyUsageError, match="repeats"):
        define_study("o", 10, "digits", "proxy-s", repeats=0)


def test_gap_objective_optimises_the_gap(journal):
    handle = make_study(journal, objective="gap")
    t = best_trials(handle)[0]
    m = t.user_attrs[METRICS_ATTR]
    # gap = (lost removing 3 active: 0.6) - (lost removing 3 inactive: 0.03)
    assert t.values[0] == pytest.approx(0.57) and m["gap"] == pytest.approx(0.57)


def test_repeats_report_the_mean_and_store_the_standard_error(journal):
    handle = make_study(journal, mus=(8.0,), repeats=3)
    trials = sorted(handle.study.get_trials(), key=lambda t: t.number)
    t = trials[1]
    finals = [BASE[8.0] + np.random.default_rng([s, 8000]).normal(0, SIGMA) for s in range(3)]
    m = t.user_attrs[METRICS_ATTR]
    assert t.values[0] == pytest.approx(np.mean(finals))
    assert m["repeats"] == 3 and m["seeds"] == [0, 1, 2] and m["per_seed"]["top1"] == pytest.approx(finals)
    assert m["sem"]["top1"] == pytest.approx(np.std(finals, ddof=1) / np.sqrt(3))
    # the pruner saw the per-epoch mean over the seeds
    assert t.intermediate_values == pytest.approx({1: np.mean(finals) / 2, 2: np.mean(finals)})
    floor = noise_floor(handle)
    assert floor["source"] == "repeats" and floor["seeds"] == 3
    assert 0.3 * SIGMA < floor["metrics"]["top1"]["sd"] < 3 * SIGMA


def test_pruning_stops_every_repeat(journal):
    d, sp = define_study("p", 10, "digits", "proxy-s", epochs=3, space=FAST, train={"seed": 0}, repeats=3)
    handle, _ = create_or_check(d, journal, paper_params=sp.paper_params())
    study = optuna.load_study(
        study_name="p", storage=handle.storage, pruner=optuna.pruners.ThresholdPruner(lower=2.0)
    )
    seen = []
    objective = ProxyObjective(d, train_fn=fake_train(epochs_hook=lambda e, r: seen.append(e)))
    trial = study.ask()
    with pytest.raises(optuna.TrialPruned, match="mean of 3 seeds"):
        objective(trial)
    assert seen == [1, 1, 1]  # each seed trained one epoch, then all stopped


def test_validate_finds_the_known_effects_and_best_export_use_it(journal, tmp_path):
    handle = make_study(journal)
    rec = validate_study(handle, top=3, seeds=6, out_dir=tmp_path / "val", train_fn=noisy_train)
    assert rec["seeds"] == [1, 2, 3, 4, 5, 6]  # fresh: after the trials' seed 0
    by_trial = {r["trial"]: r for r in rec["ranking"]}
    numbers = {round(t.params["mu"]): t.number for t in handle.study.get_trials()}
    assert by_trial[numbers[8]]["verdict"] == stats.BETTER
    assert by_trial[numbers[2]]["verdict"] == stats.WORSE
    assert by_trial[numbers[4]]["verdict"] == stats.NO_DIFFERENCE
    assert by_trial[numbers[6]]["paper_default"] and rec["reference_trial"] == numbers[6]
    assert rec["winner"] == numbers[8] and "is better than the paper's default" in rec["statement"]
    r8 = by_trial[numbers[8]]
    assert r8["ci_low"] < 0.95 < r8["ci_high"] and r8["n"] == 6
    assert 0.3 * SIGMA < rec["noise_floor"]["top1"]["sd"] < 3 * SIGMA
    # stored in the study; best and export rank by the validated means
    assert stored_validation(handle)["winner"] == numbers[8]
    order = [t.number for t in chosen_trials(handle, 4)]
    assert order[0] == numbers[8] and order[-1] == numbers[2]
    paths = export_schemes(handle, tmp_path / "out", top=2)
    prov = json.loads(paths[0].read_text())["provenance"]
    v = prov["validation"]
    assert (
        v["rank"] == 1 and v["seeds"] == rec["seeds"] and v["vs_paper_default"]["top1"]["verdict"] == "better"
    )
    assert v["metrics"]["top1"]["ci_low"] < 0.95 and "better" in v["statement"]
    st = study_status(handle)
    assert st.noise_floor["source"] == "validation" and st.validation.statement == rec["statement"]
    # a second validation reuses the run folders (the stand-in is not called again)
    calls = []
    validate_study(
        handle,
        top=3,
        seeds=6,
        out_dir=tmp_path / "val",
        train_fn=lambda *a, **k: calls.append(1) or noisy_train(*a, **k),
    )
    assert calls == []


def test_multi_objective_validation_ranks_by_the_first_objective(journal, tmp_path):
    handle = make_study(journal, objective="gap,top1")
    assert study_status(handle).noise_floor is None  # one seed per trial, no validation yet
    rec = validate_study(handle, top=2, seeds=3, out_dir=tmp_path / "val", train_fn=noisy_train)
    front = [t.number for t in best_trials(handle) if t.number != rec["reference_trial"]]
    assert (
        rec["primary"] == "gap" and rec["trials"][1:] == front[:2]
    )  # the Pareto front (gap ties: top-1 decides)
    others = [r for r in rec["ranking"] if not r["paper_default"]]
    assert all(set(r["verdicts"]) >= {"gap", "top1", "early"} for r in others)
    means = [r["mean"] for r in rec["ranking"]]
    assert means == sorted(means, reverse=True)


def test_validate_says_when_the_winner_is_not_distinguishable(journal, tmp_path):
    handle = make_study(journal, mus=(4.0, 2.0))
    rec = validate_study(handle, top=2, seeds=4, out_dir=tmp_path / "val", train_fn=noisy_train)
    assert rec["statement"].startswith(
        ("the paper's default", f"trial {rec['winner']} is not distinguishable")
    )
    assert all(r["verdict"] != stats.BETTER for r in rec["ranking"])
    with pytest.raises(StudyUsageError, match="at least 2"):
        validate_study(handle, seeds=1, train_fn=noisy_train)


def run(capsys, *argv):
    from codesearch.cli import main

    try:
        rc = main(list(argv))
    except SystemExit as exc:
        rc = int(exc.code)
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_cli_gap_study_with_repeats_then_validate(tmp_path, capsys):
    j = str(tmp_path / "j.log")
    rc, _, err = run(
        capsys,
        "study",
        "create",
        "g",
        "--storage",
        j,
        *TINY,
        "--objective",
        "gap",
        "--repeats",
        "2",
        "--epochs",
        "1",
    )
    assert rc == 0, err
    rc, _, err = run(capsys, "study", "run", "g", "--storage", j, "--n-trials", "2")
    assert rc == 0, err
    rc, out, err = run(capsys, "study", "status", "g", "--storage", j)
    assert rc == 0 and "noise floor" in out and "from repeats" in out
    rc, out, err = run(
        capsys,
        "study",
        "validate",
        "g",
        "--storage",
        j,
        "--top",
        "1",
        "--seeds",
        "2",
        "--out",
        str(tmp_path / "val"),
        "--json",
    )
    assert rc == 0, err
    rec = json.loads(out)
    assert rec["primary"] == "gap" and rec["seeds"] == [2, 3] and len(rec["ranking"]) == 2
    rc, out, err = run(capsys, "study", "best", "g", "--storage", j)
    assert rc == 0 and "verdict:" in out and "validated on 2 fresh seeds" in out
    rc, out, err = run(
        capsys, "study", "export", "g", "--storage", j, "--out", str(tmp_path / "x"), "--top", "2"
    )
    assert rc == 0, err
    files = sorted((tmp_path / "x").glob("*.json"))
    assert len(files) == 2 and all("validation" in json.loads(f.read_text())["provenance"] for f in files)
    rc, _, err = run(capsys, "study", "validate", "g", "--storage", j, "--seeds", "1")
    assert rc == 2 and len(err.strip().splitlines()) == 1
    rc, _, err = run(capsys, "study", "create", "h", "--storage", j, *TINY, "--objective", "top1,speed")
    assert rc == 2 and "Unknown objective" in err
