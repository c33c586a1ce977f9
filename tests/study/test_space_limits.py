"""Issue 12 item 10: space files that would fail every trial are refused at create."""

import pytest

from codesearch.cli import main

from .conftest import TINY


@pytest.mark.parametrize(
    "space, expect",
    [
        ('{"lr": Infinity}', "finite"),
        ('{"mu": {"low": 1, "high": Infinity}}', "finite"),
        ('{"p_drop": NaN}', "finite"),
        (
            '{"methods": ["anneal"], "method_params": {"anneal": {"iters": -5}}}',
            "iters must be a whole number >= 1",
        ),
        ('{"methods": ["anneal"], "method_params": {"anneal": {"t_start": Infinity}}}', "finite"),
        ('{"methods": ["random"], "method_params": {"random": {"trials": 0}}}', "trials"),
        ("[" * 100_000 + "]" * 100_000, "nested too deep"),
        ('{"seeds": ' + "9" * 5000 + "}", "number too long"),
    ],
)
def test_bad_space_is_refused_at_create(tmp_path, capsys, space, expect):
    sp = tmp_path / "space.json"
    sp.write_text(space)
    j = tmp_path / "j" / "journal.log"
    rc = main(["study", "create", "s", "--storage", str(j), *TINY, "--space", str(sp)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and expect in err[0], err
    assert not j.exists()
