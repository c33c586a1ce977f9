"""Optional dependencies: which pip extra provides what, and one check that names the extra to install.

The core install (``pip install codesearch``: numpy, scipy, rich) generates, scores, bounds, shows and
exports schemes. Everything else comes with an extra declared in ``pyproject.toml``:

* ``train``: torch, torchvision, scikit-learn, matplotlib (``train``, ``plot``, ``compare``; ``model`` and
  ``extract`` need torch only)
* ``study``: optuna and everything in ``train`` (``study ...``)
* ``postgres``: psycopg 3 (``--storage postgresql+psycopg://...``)
* ``validate``: jsonschema (the JSON Schema half of ``validate``; without it only the matrix rules are checked)
* ``plot``: matplotlib (``show --png``)

:func:`require` raises :class:`MissingExtraError` (an ``ImportError``) naming the first missing module and
the extra; the CLI prints it as one line and exits with 2. :func:`extra_for_module` maps a module name
that failed to import to its extra, so an import that no ``require`` guarded still gets the same line.
"""

from __future__ import annotations

import importlib.util
import sys

# Top-level module -> (name users know it by, the extra that installs it).
_MODULES: dict[str, tuple[str, str]] = {
    "torch": ("PyTorch", "train"),
    "torchvision": ("torchvision", "train"),
    "sklearn": ("scikit-learn", "train"),
    "matplotlib": ("matplotlib", "plot"),
    "optuna": ("Optuna", "study"),
    "sqlalchemy": ("SQLAlchemy", "study"),
    "psycopg": ("psycopg 3", "postgres"),
    "jsonschema": ("jsonschema", "validate"),
}

_TRAIN = ("torch", "torchvision", "sklearn", "matplotlib")

# Feature -> (the extra that provides it, the modules it needs, checked in this order).
FEATURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "model": ("train", ("torch",)),  # codesearch.model, ``model``, ``extract``
    "train": ("train", _TRAIN),
    "study": ("study", ("optuna", *_TRAIN)),
    "postgres": ("postgres", ("psycopg",)),
    "validate": ("validate", ("jsonschema",)),
    "plot": ("plot", ("matplotlib",)),
}


class MissingExtraError(ImportError):
    """A feature's module is not installed. ``str()`` is the sentence the CLI prints after its prefix."""

    def __init__(self, module: str, extra: str, what: str | None = None):
        label = _MODULES.get(module, (module, extra))[0]
        self.extra = extra
        lead = f"{what} needs" if what else "needs"
        super().__init__(
            f"{lead} {label}, which is not installed; install it with: pip install 'codesearch[{extra}]'",
            name=module,
        )


def _importable(module: str) -> bool:
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a blocked or half-removed package counts as absent
        return False


def missing_module(feature: str) -> str | None:
    """The first module of ``feature`` that cannot be imported, or None when all are there."""
    for module in FEATURES[feature][1]:
        if not _importable(module):
            return module
    return None


def available(feature: str) -> bool:
    """Whether every module of ``feature`` (see :data:`FEATURES`) is installed."""
    return missing_module(feature) is None


def require(feature: str, what: str | None = None) -> None:
    """Raise :class:`MissingExtraError` unless ``feature``'s modules are installed (does not import them).

    ``what`` names the part that needs them (``"--png"``, ``"PostgreSQL storage"``) in the message."""
    module = missing_module(feature)
    if module is not None:
        raise MissingExtraError(module, FEATURES[feature][0], what)


def extra_for_module(exc: ModuleNotFoundError) -> MissingExtraError | None:
    """The :class:`MissingExtraError` for a failed import of an optional module; None for other modules."""
    top = (exc.name or "").partition(".")[0]
    if top not in _MODULES:
        return None
    return MissingExtraError(top, _MODULES[top][1])
