"""Issue 12 item 5: `study run` refuses a device or data it cannot use before registering the worker."""

import pytest
import torch

from codesearch.cli import main
from codesearch.study import open_study, registered_workers

from .test_worker import create


@pytest.mark.parametrize(
    "device", ["bogus", "cuda:99", "tpu"] + ([] if torch.cuda.is_available() else ["cuda"])
)
def test_bad_device_is_refused_before_the_worker_registers(journal, capsys, device):
    create(journal)[0].close()
    rc = main(["study", "run", "s", "--storage", journal, "--n-trials", "1", "--device", device])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "--device" in err[0], err
    h = open_study("s", journal)
    assert registered_workers(h.study) == []
    assert [t.state.name for t in h.study.get_trials()] == ["WAITING"]  # the paper default is still queued
    h.close()
