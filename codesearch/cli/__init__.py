"""``codesearch`` command line: a table of commands, each a :class:`_BaseCommand`.

Heavy libraries (torch, optuna) are imported inside the commands that need them, so ``--help`` and
``generate`` stay light.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ._base import CommandError, UsageError, _BaseCommand, err_console


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line on stderr and exit code 2."""

    def error(self, message: str):
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(2)


def _commands() -> list[_BaseCommand]:
    from ._codes import COMMANDS as codes_commands

    table: list[_BaseCommand] = list(codes_commands)
    # Optional command groups from the torch/optuna parts; each module imports heavy libs lazily.
    for mod in ("_model", "_train", "_compare", "_study"):
        try:
            module = __import__(f"{__name__}.{mod}", fromlist=["COMMANDS"])
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{mod}":
                raise
            continue
        table.extend(module.COMMANDS)
    return table


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="codesearch",
        description="Design, score and search the coding schemes of Coded ResNeXt networks.",
    )
    parser.add_argument("--version", action="version", version=f"codesearch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for cmd in _commands():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.add_arguments(p)
        p.set_defaults(_cmd=cmd)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_cmd", None) is None:
        parser.print_help(sys.stderr)
        return 2
    restore = _sigterm_as_interrupt()
    try:
        return int(args._cmd.run(args) or 0)
    except UsageError as exc:
        err_console.print(f"codesearch {args.command}: error: {exc}", soft_wrap=True)
        return 2
    except CommandError as exc:
        err_console.print(f"codesearch {args.command}: error: {exc}", soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err_console.print("codesearch: interrupted")
        return 130
    except BrokenPipeError:
        return 1
    finally:
        restore()


def _sigterm_as_interrupt():
    """SIGTERM stops a command like Ctrl-C (exit 130, one line, atomic writes never half-done) instead of
    killing it silently. Only where SIGTERM still has its default action, in the main thread; ``study run``
    replaces it with a handler that only sets a flag (see codesearch.study.Worker.request_stop)."""
    import signal
    import threading

    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL
    ):
        return lambda: None

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
