"""Fixtures of the CLI tests. The command-line tests of every layer live in tests/cli/ and reuse the
fixtures of the layer they drive."""

import sys

import pytest

from tests.train.conftest import scheme10  # noqa: F401


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """One torch thread when torch is loaded (as tests/model's conftest does): the tiny networks of these
    tests run faster so on the 2-core machines."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    yield
