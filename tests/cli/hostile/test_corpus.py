"""The hostile-input corpus (tests/hostile/cases.json, issue 12): every command, bad numbers, ratios, paths,
permissions, JSON shapes and sizes, journals and signals.

For each case: the documented exit code (2 usage error, 1 command error, 130 interrupted, 0 fine), the
expected number of lines on stderr (1 unless the case says otherwise), no traceback, and no file created,
changed or removed except those the case allows. Cases run in-process through ``codesearch.cli.main`` in a
fresh copy of a small template folder; only the signal cases start a subprocess.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codesearch.cli import main

HERE = Path(__file__).parent
REPO = HERE.parents[1]
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))["cases"]
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# -- the template folder (built once) ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def template(tmp_path_factory):
    from codesearch.codes import get_preset
    from codesearch.study import StudyDefinition, Worker, WorkerOptions, build_space, create_or_check
    from tests.study.conftest import fake_train

    t = tmp_path_factory.mktemp("hostile-template")
    cwd = os.getcwd()
    os.chdir(t)
    try:
        assert (
            main(["generate", "-K", "10", "-N", "8", "-w", "4", "--method", "random", "--out", "s.json"]) == 0
        )
        assert (
            main(["generate", "-K", "10", "--preset", "proxy-s", "--method", "random", "--out", "net.json"])
            == 0
        )
        assert (
            main(
                [
                    "train",
                    "--scheme",
                    "net.json",
                    "--dataset",
                    "digits",
                    "--preset",
                    "proxy-s",
                    "--epochs",
                    "1",
                    "--subset",
                    "64",
                    "--batch-size",
                    "32",
                    "--no-binary",
                    "--out",
                    "run",
                ]
            )
            == 0
        )
    finally:
        os.chdir(cwd)
    sp = build_space(get_preset("proxy-s"), 10, {"methods": ["lexicode", "random"]})
    d = StudyDefinition(
        "s",
        10,
        "digits",
        "proxy-s",
        "accuracy",
        1,
        "median",
        sp.to_dict(),
        {"seed": 0, "subset": 64, "batch_size": 32},
    )
    h, _ = create_or_check(d, str(t / "j.log"), paper_params=sp.paper_params())
    Worker(h, WorkerOptions(n_trials=1), train_fn=fake_train()).run()
    h.close()
    return t


def _scheme_text(template: Path, mutate) -> str:
    data = json.loads((template / "s.json").read_text())
    mutate(data)
    return json.dumps(data)


def _journal_lines(template: Path) -> list[bytes]:
    return (template / "j.log").read_bytes().splitlines(keepends=True)


def _content(marker: str, template: Path) -> bytes | None:
    """Bytes for a case file; None for a folder."""
    if not marker.startswith("@"):
        return marker.encode("utf-8")
    kind, _, arg = marker[1:].partition(":")
    codes = lambda d: d["codes"][0]
    simple = {
        "empty": b"",
        "binary": bytes(range(256)) * 4,
        "latin-1": "caf\xe9".encode("latin-1"),
        "deep-list": b"[" * 100_000 + b"]" * 100_000,
        "deep-dict": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "deep-list-line": b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "latin1": "caf\xe9".encode("latin-1"),
    }
    if kind == "dir":
        return None
    if kind in simple:
        return simple[kind]
    if kind == "copy":
        return (template / arg).read_bytes()
    if kind == "bigint-scheme":
        return (
            _scheme_text(template, lambda d: None)
            .replace('"num_classes": 10', '"num_classes": ' + "9" * 5000)
            .encode()
        )
    if kind == "scheme-ragged":
        return _scheme_text(template, lambda d: codes(d)["codewords"].__setitem__(0, "101")).encode()
    if kind == "scheme-notbinary":
        return _scheme_text(template, lambda d: codes(d)["codewords"].__setitem__(0, "1120000")).encode()
    if kind == "scheme-kmismatch":
        return _scheme_text(template, lambda d: d.update(num_classes=11)).encode()
    if kind == "scheme-nan":
        return _scheme_text(template, lambda d: codes(d).update(subnns=float("nan"))).encode()
    if kind == "scheme-duprows":
        return _scheme_text(
            template, lambda d: codes(d)["codewords"].__setitem__(1, codes(d)["codewords"][0])
        ).encode()
    if kind == "scheme-method":
        return _scheme_text(template, lambda d: codes(d)["generator"].update(method=arg)).encode()
    if kind == "scheme-ansi-names":
        return _scheme_text(
            template, lambda d: d.update(class_names=[f"\x1b[31mc{i}\x1b[0m" for i in range(10)])
        ).encode()
    if kind == "pickle":
        import torch

        path = template / ".pickle.pt"
        if not path.exists():
            torch.save({"obj": _Opaque()}, path)
        return path.read_bytes()
    if kind == "journal-torn-tail":
        return b"".join(_journal_lines(template))[:-5]
    if kind == "journal-torn-middle":
        lines = _journal_lines(template)
        return b"".join(lines[:3]) + lines[3][:-9] + b"".join(lines[4:])
    if kind == "journal-evil-name":
        out = []
        for line in _journal_lines(template):
            rec = json.loads(line)
            if rec.get("op_code") == 2 and "codesearch.definition" in json.dumps(rec):
                rec = json.loads(json.dumps(rec).replace('"name": "s"', '"name": "../../X"'))
            out.append(json.dumps(rec).encode() + b"\n")
        return b"".join(out)
    raise AssertionError(f"unknown content marker {marker}")


class _Opaque:
    pass


def _snapshot(root: Path) -> dict[str, tuple]:
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            st = p.lstat()
            snap[rel] = (
                ("d",)
                if p.is_dir()
                else (st.st_size, st.st_mtime_ns, p.read_bytes() if st.st_size < 1 << 20 else b"")
            )
    return snap


def _prepare(case, template: Path, tmp_path: Path) -> Path:
    work = tmp_path / "w"
    shutil.copytree(template, work, symlinks=True)
    for rel, marker in case.get("files", {}).items():
        p = work / rel
        data = _content(marker, template)
        if data is None:
            p.mkdir(parents=True, exist_ok=True)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    for rel, mode in case.get("chmod", {}).items():
        os.chmod(work / rel, mode)
    return work


def _check_files(case, before, after):
    allow = case.get("allow", [])
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    bad = [k for k in changed if not any(fnmatch.fnmatch(k, pat) for pat in allow)]
    assert not bad, f"files created, changed or removed: {bad}"


def _restore_modes(case, work):
    for rel in case.get("chmod", {}):
        os.chmod(work / rel, 0o755)


def _check_stderr(case, err: str, expected_default: int = 1):
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == case.get("stderr_lines", expected_default), lines


IN_PROCESS = [c for c in CASES if "signal" not in c]
SIGNALS = [c for c in CASES if "signal" in c]


def test_the_corpus_is_large_and_covers_every_command():
    from codesearch.cli import build_parser

    commands = {
        c["argv"][0] if c["argv"][0] != "study" or len(c["argv"]) < 2 else f"study {c['argv'][1]}"
        for c in CASES
        if c["argv"]
    }
    parser = build_parser()
    top = next(a for a in parser._actions if a.dest == "command").choices
    expected = {n for n in top if n != "study"} | {
        f"study {n}" for n in ("create", "run", "status", "best", "export", "plot")
    }
    assert expected <= commands, expected - commands
    assert len(CASES) >= 150 and len(SIGNALS) >= 2


@pytest.mark.parametrize("case", IN_PROCESS, ids=[c["id"] for c in IN_PROCESS])
def test_hostile_input(case, template, tmp_path, monkeypatch, capsys):
    if case.get("needs_non_root") and ROOT:
        pytest.skip("permission bits do not bind root")
    work = _prepare(case, template, tmp_path)
    before = _snapshot(work)
    monkeypatch.chdir(work)
    try:
        try:
            rc = main(list(case["argv"]))
        except SystemExit as exc:  # argparse's usage errors
            rc = exc.code
        _, err = capsys.readouterr()
    finally:
        _restore_modes(case, work)
    assert rc == case["exit"], (rc, err)
    _check_stderr(case, err)
    _check_files(case, before, _snapshot(work))


def _wait_until_command_runs(proc, timeout=120.0):
    """Until ``codesearch.cli.main`` has installed its SIGTERM handler (Linux: SigCgt in /proc), so that the
    signal reaches the command, not the interpreter's start-up."""
    status = Path(f"/proc/{proc.pid}/status")
    if not status.exists():
        time.sleep(3)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        caught = next(
            (line.split()[1] for line in status.read_text().splitlines() if line.startswith("SigCgt:")), "0"
        )
        if int(caught, 16) & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.05)


@contextlib.contextmanager
def _sigint_not_ignored():
    """A shell starts background jobs with SIGINT ignored, children inherit that across exec, and Python
    then installs no KeyboardInterrupt handler. Start the command with the disposition an interactive user's
    has (a handler in this process becomes the default in the child), whatever way pytest was started."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@pytest.mark.parametrize("case", SIGNALS, ids=[c["id"] for c in SIGNALS])
def test_signal(case, template, tmp_path):
    work = _prepare(case, template, tmp_path)
    before = _snapshot(work)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    with _sigint_not_ignored():
        proc = subprocess.Popen(
            [sys.executable, "-m", "codesearch", *case["argv"]],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        head = []
        if "wait_for" in case:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                line = proc.stderr.readline()
                assert line, f"ended before {case['wait_for']!r}: {head}"
                head.append(line)
                if case["wait_for"] in line:
                    break
            time.sleep(0.3)
        else:
            _wait_until_command_runs(proc)
            time.sleep(case["after"])
        assert proc.poll() is None, "the command ended before the signal"
        proc.send_signal(getattr(signal, case["signal"]))
        _, rest = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == case["exit"], (proc.returncode, head, rest)
    # Progress lines written before the signal may still sit in the pipe; what the signal adds is exactly one
    # line saying the command was interrupted, and it comes last.
    assert "Traceback" not in rest, rest
    lines = [line for line in rest.splitlines() if line.strip()]
    said = [line for line in lines if "interrupted" in line]
    assert len(said) == 1 and lines[-1] == said[0], lines
    _check_files(case, before, _snapshot(work))
