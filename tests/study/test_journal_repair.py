"""Issue 12 item 1: a torn journal is repaired (cut bytes kept) or refused with one line, never corrupted."""

import os
from pathlib import Path

import pytest

from codesearch.cli import main
from codesearch.study import StudyUsageError, Worker, WorkerOptions, count_trials, open_study

from .conftest import fake_train
from .test_worker import create


def _two_trials(journal):
    h, _ = create(journal)
    Worker(h, WorkerOptions(n_trials=2), train_fn=fake_train()).run()
    h.close()


def test_torn_last_record_is_cut_backed_up_and_the_study_goes_on(journal):
    _two_trials(journal)
    size = os.path.getsize(journal)
    with open(journal, "rb+") as f:
        f.truncate(size - 5)
    data = Path(journal).read_bytes()
    cut = data[data.rfind(b"\n") + 1 :]
    h = open_study("s", journal)
    assert len(h.notes) == 1 and "cut an unfinished last record" in h.notes[0]
    assert Path(journal + ".torn-1").read_bytes() == cut
    assert Path(journal).read_bytes().endswith(b"\n")
    Worker(h, WorkerOptions(n_trials=4), train_fn=fake_train()).run()
    h.close()
    h = open_study("s", journal)  # every record parses again
    assert h.notes == [] and count_trials(h.study.get_trials()).complete == 4
    h.close()


def test_record_missing_only_its_newline_is_completed(journal):
    _two_trials(journal)
    with open(journal, "rb+") as f:
        f.truncate(os.path.getsize(journal) - 1)
    h = open_study("s", journal)
    assert "lacked the final newline" in h.notes[0] and not os.path.exists(journal + ".torn-1")
    assert count_trials(h.study.get_trials()).complete == 2
    h.close()


@pytest.mark.parametrize(
    "content",
    [
        b'{\n  "schema": "codesearch.scheme/v1"\n}\n',
        b"garbage\x00\xff\n",
        b"[" * 100_000 + b"\n",
        b'{"op_code": 0}\n',
        b"hello",
    ],
)
def test_a_file_that_is_not_a_journal_is_refused_untouched(tmp_path, content):
    p = tmp_path / "j.log"
    p.write_bytes(content)
    with pytest.raises(StudyUsageError, match="not an Optuna journal|not a readable Optuna journal"):
        open_study("s", str(p))
    assert p.read_bytes() == content and sorted(os.listdir(tmp_path)) == ["j.log"]


def test_cli_repairs_then_run_status_work(capsys, journal):
    _two_trials(journal)
    with open(journal, "rb+") as f:
        f.truncate(os.path.getsize(journal) - 5)
    assert main(["study", "status", "s", "--storage", journal]) == 0
    err = capsys.readouterr().err
    assert err.count("note: repaired") == 1
    assert main(["study", "status", "s", "--storage", journal]) == 0
    assert "repaired" not in capsys.readouterr().err


def test_directory_as_storage_is_one_line(capsys, tmp_path):
    assert main(["study", "status", "s", "--storage", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "is a directory" in err


def test_a_writer_crashing_mid_record_while_we_run_is_repaired_before_our_next_append(journal):
    h, _ = create(journal)
    Worker(h, WorkerOptions(n_trials=1), train_fn=fake_train()).run()
    with open(journal, "ab") as f:  # what another process killed in the middle of an append leaves
        f.write(b'{"op_code": 5, "worker_id": "dead", "trial_id": 0, "us')
    Worker(h, WorkerOptions(n_trials=3), train_fn=fake_train()).run()  # same handle: appends go on
    h.close()
    assert Path(journal + ".torn-1").read_bytes().startswith(b'{"op_code": 5, "worker_id": "dead"')
    h = open_study("s", journal)
    assert h.notes == [] and count_trials(h.study.get_trials()).complete == 3
    h.close()
