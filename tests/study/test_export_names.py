"""Issue 12 item 4: names read back from a storage are re-validated; export never writes outside --out."""

import os

import pytest

from codesearch.cli import main
from codesearch.study import DEFINITION_ATTR, StudyError, Worker, WorkerOptions, open_study

from .conftest import fake_train
from .test_worker import create


@pytest.mark.parametrize("stored", ["../../X", "a/b", "..", ".hidden", "x" * 300, "t\x1b[31m"])
def test_export_refuses_a_stored_name_that_would_leave_the_folder(journal, tmp_path, capsys, stored):
    h, _ = create(journal)
    Worker(h, WorkerOptions(n_trials=1), train_fn=fake_train()).run()
    data = dict(h.study.user_attrs[DEFINITION_ATTR], name=stored)
    h.study.set_user_attr(DEFINITION_ATTR, data)  # what a hand-edited journal record does
    h.close()
    out = tmp_path / "a" / "b" / "out"
    before = sorted(os.walk(tmp_path))
    rc = main(["study", "export", "s", "--storage", journal, "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 1 and len(err) == 1 and "Traceback" not in err[0]
    assert sorted(os.walk(tmp_path)) == before
    with pytest.raises(StudyError):
        open_study("s", journal)


@pytest.mark.parametrize("name", ["../x", "x" * 101, ".x"])
def test_unsafe_names_typed_by_the_user_are_usage_errors(tmp_path, capsys, name):
    assert main(["study", "status", name, "--storage", str(tmp_path / "j.log")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == []
