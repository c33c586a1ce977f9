"""Errors of the study package; each message is one clear sentence."""

from __future__ import annotations


class StudyError(Exception):
    """A study that cannot be created, loaded or run (the CLI maps it to exit code 1)."""


class StudyUsageError(StudyError, ValueError):
    """Bad settings from the user: a storage URL, a space file, a mismatch with the stored definition
    (the CLI maps it to exit code 2)."""


class TrialFailed(RuntimeError):
    """Raised inside a trial whose proxy run failed; the reason is stored on the trial as ``fail_reason``."""
