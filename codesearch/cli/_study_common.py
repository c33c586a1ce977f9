"""What every ``study`` sub-command shares: the NAME and ``--storage`` arguments."""

from __future__ import annotations

import argparse

from ._base import _BaseCommand

STORAGE_HELP = (
    "journal file path, sqlite:///FILE (one process) or postgresql+psycopg://user:pass@host/db "
    "(default: runs/NAME/journal.log)"
)


class StudySubcommand(_BaseCommand):
    """A sub-command of ``study``: the command protocol of every other command (:class:`_BaseCommand`),
    taking a study NAME and ``--storage``. The ``study`` group dispatches to its ``run``."""

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("name", metavar="NAME", help="study name")
        p.add_argument("--storage", help=STORAGE_HELP)
