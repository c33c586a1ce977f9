import json

import pytest

from codesearch.cli import main as _main
from codesearch.schemefile import write_scheme

TINY = ["--dataset", "digits", "--preset", "proxy-s", "--epochs", "1", "--batch-size", "32", "--subset", "64"]


def main(argv) -> int:
    """The CLI's exit status (argparse's own usage errors leave through SystemExit)."""
    try:
        return _main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture()
def scheme_file(tmp_path, scheme10):
    return str(write_scheme(scheme10, tmp_path / "s.json"))


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize(
    "extra, expect",
    [
        (["--dataset", "mnist"], "Unknown dataset 'mnist'"),
        (["--dataset", "digit-pairs"], "100"),
        (["--preset", "proxy-s100"], "proxy-s100"),
        (["--preset", "nope"], "Unknown preset"),
        (["--dataset", "cifar10", "--data-root", "{tmp}/nowhere"], "cifar-10-batches-py"),
        (["--lr", "-1"], "--lr"),
    ],
)
def test_bad_inputs_exit_2_with_one_line(tmp_path, capsys, scheme_file, extra, expect):
    extra = [e.replace("{tmp}", str(tmp_path)) for e in extra]
    rc = main(["train", "--scheme", scheme_file, *TINY, *extra, "--out", str(tmp_path / "run")])
    assert rc == 2
    assert expect in _one_line_error(capsys)


def test_bad_scheme_file_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main(["train", "--scheme", str(bad), *TINY, "--out", str(tmp_path / "r")]) == 2
    assert "bad.json" in _one_line_error(capsys)


def test_train_then_plot_and_folder_rules(tmp_path, capsys, scheme_file):
    out = tmp_path / "run"
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["status"] == "ok" and m["config"]["subset"] == 64
    capsys.readouterr()
    # an existing run folder is not reused silently
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", str(out)]) == 2
    assert "--resume" in _one_line_error(capsys)
    # a finished run resumes to the same metrics (nothing left to train)
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", str(out), "--resume"]) == 0
    again = json.loads((out / "metrics.json").read_text())
    assert again["top1"] == m["top1"] and again["history"] == m["history"]
    capsys.readouterr()
    assert main(["plot", str(out)]) == 0
    pngs = sorted(p.name for p in (out / "plots").iterdir())
    assert pngs == ["binary.png", "early_decoding.png", "energies.png", "specialization.png"]
    assert all((out / "plots" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    capsys.readouterr()
    assert main(["plot", str(out)]) == 2  # the PNGs exist
    assert "--force" in _one_line_error(capsys)
    assert main(["plot", str(out), "--force", "--out", str(tmp_path / "figs")]) == 0
    assert main(["plot", str(tmp_path / "empty")]) == 2


def test_nan_run_exits_1_with_the_reason(tmp_path, capsys, scheme_file):
    rc = main(["train", "--scheme", scheme_file, *TINY, "--lr", "1e30", "--out", str(tmp_path / "r")])
    assert rc == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "non-finite loss" in err.strip().splitlines()[-1]
    assert json.loads((tmp_path / "r" / "metrics.json").read_text())["status"] == "failed"


def test_mu_warmup_flag_reaches_the_config(tmp_path, capsys, scheme_file):
    out = tmp_path / "run"
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", str(out), "--mu-warmup-epochs", "1"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["config"]["mu_warmup_epochs"] == 1
