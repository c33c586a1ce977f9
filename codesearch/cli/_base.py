"""CLI plumbing shared by every command: the command ABC, error reporting, rich consoles."""

from __future__ import annotations

import abc
import argparse
import json
import math
import sys
from typing import ClassVar

from rich.console import Console

# Progress, logs and human output go to stderr; --json output alone goes to stdout.
# When a stream is not a terminal (pipes, CI logs) rich would cut tables at 80 columns; use 160 there.
# markup=False: the one console configuration of the CLI. Text printed here often comes from files and
# arguments, so rich never reads "[...]" in it as markup; no print call passes markup options of its own.
err_console = Console(stderr=True, highlight=False, markup=False, width=None if sys.stderr.isatty() else 160)
out_console = Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)


class UsageError(Exception):
    """Bad input: printed as one line on stderr, exit code 2."""


class CommandError(Exception):
    """A command that could not complete: one line on stderr, exit code 1."""


class _BaseCommand(abc.ABC):
    """One sub-command. ``name``/``help`` label it; ``add_arguments`` declares flags; ``run`` does it."""

    name: ClassVar[str]
    help: ClassVar[str]

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        pass

    @abc.abstractmethod
    def run(self, args: argparse.Namespace) -> int: ...


def clean(text) -> str:
    """``text`` with control characters (ANSI escapes, newlines, NUL ...) shown as escapes, for printing
    strings that come from a file or an argument; the consoles below already print without markup."""
    s = str(text)
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)


def plain(text):
    """A rich Text of ``text`` (cleaned): rich never reads it as markup, so ``[/red]`` in a file name or a
    method name prints as it is instead of restyling the output or raising MarkupError."""
    from rich.text import Text

    return Text(clean(text))


def print_json(obj) -> None:
    """Machine-readable output, alone on stdout."""
    sys.stdout.write(json.dumps(obj, indent=2) + "\n")
    sys.stdout.flush()


def _whole_number(text: str, minimum: int) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < minimum:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {v}")
    return v


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    return _whole_number(text, 1)


def nonneg_int(text: str) -> int:
    """argparse type: a whole number >= 0."""
    return _whole_number(text, 0)


def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text}")
    return v
