"""Issue 12 items 2, 3 and 11: --force validates before touching the folder, one writer per folder, temps."""

import os
import subprocess
import sys

import pytest

from codesearch.schemefile import write_scheme
from codesearch.train import LOCK_NAME, RunFolderBusy, remove_stale_temps, run_folder_lock
from tests.cli.test_train import TINY, _one_line_error, main


@pytest.fixture()
def scheme_file(tmp_path, scheme10):
    return str(write_scheme(scheme10, tmp_path / "s.json"))


@pytest.fixture()
def done_run(tmp_path, scheme_file, capsys):
    out = tmp_path / "run"
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", str(out), "--no-binary"]) == 0
    capsys.readouterr()
    return out


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize(
    "bad, expect",
    [
        (["--dataset", "cifar10", "--data-root", "{tmp}/nowhere"], "cifar-10-batches-py"),
        (["--dataset", "digit-pairs"], "100"),
        (["--preset", "nope"], "Unknown preset"),
        (["--specialization-block", "99"], "specialization_block 99 is out of range"),
    ],
)
def test_force_with_bad_settings_leaves_the_old_run(done_run, scheme_file, capsys, tmp_path, bad, expect):
    before = _files(done_run)
    bad = [b.replace("{tmp}", str(tmp_path)) for b in bad]
    rc = main(
        ["train", "--scheme", scheme_file, *TINY, *bad, "--out", str(done_run), "--force", "--no-binary"]
    )
    assert rc == 2
    assert expect in _one_line_error(capsys)
    assert _files(done_run) == before


def test_a_second_writer_of_one_run_folder_gets_a_clear_error(tmp_path, scheme_file, capsys):
    out = tmp_path / "run"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from codesearch.train import run_folder_lock\n"
                f"with run_folder_lock({str(out)!r}):\n    print('held', flush=True); time.sleep(60)"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        rc = main(["train", "--scheme", scheme_file, *TINY, "--out", str(out), "--no-binary"])
        assert rc == 1
        line = _one_line_error(capsys)
        assert f"pid {holder.pid}" in line and "is writing the run folder" in line
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # only the holder's lock file
    finally:
        holder.kill()
        holder.wait()
    # the lock died with its process: the folder is free again
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", str(out), "--no-binary"]) == 0


def test_run_folder_lock_is_exclusive_within_one_process_too(tmp_path):
    with run_folder_lock(tmp_path / "r"), pytest.raises(RunFolderBusy), run_folder_lock(tmp_path / "r"):
        pass
    with run_folder_lock(tmp_path / "r"):
        pass


def test_resume_removes_temp_files_a_killed_run_left(done_run, scheme_file, capsys):
    stale = [done_run / ".checkpoint.pt.abc123.tmp", done_run / ".metrics.json.xyz.tmp"]
    for p in stale:
        p.write_bytes(b"partial")
    keep = done_run / "notes.tmp"
    keep.write_text("mine")
    assert (
        main(["train", "--scheme", scheme_file, *TINY, "--out", str(done_run), "--resume", "--no-binary"])
        == 0
    )
    assert not any(p.exists() for p in stale) and keep.read_text() == "mine"
    assert remove_stale_temps(done_run) == []


def test_empty_out_is_refused(scheme_file, capsys):
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", ""]) == 2
    assert "--out is empty" in _one_line_error(capsys)


@pytest.mark.parametrize("epochs_done", [0, 1])
def test_interrupt_message_says_whether_an_epoch_was_saved(
    tmp_path, scheme_file, capsys, monkeypatch, epochs_done
):
    import codesearch.train as train_pkg

    real = train_pkg.run_training

    def interrupted(config, scheme, *, out_dir=None, **kw):
        if epochs_done:
            real(config, scheme, out_dir=out_dir, **kw)  # one finished epoch: checkpoint.pt exists
        raise KeyboardInterrupt

    monkeypatch.setattr(train_pkg, "run_training", interrupted)
    out = tmp_path / "r"
    assert main(["train", "--scheme", scheme_file, *TINY, "--out", str(out), "--no-binary"]) == 130
    line = _one_line_error(capsys) if not epochs_done else capsys.readouterr().err.strip().splitlines()[-1]
    if epochs_done:
        assert "the last finished epoch is saved" in line
    else:
        assert "nothing was saved" in line and not (out / "checkpoint.pt").exists()
