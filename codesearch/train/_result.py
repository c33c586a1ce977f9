"""What one training run returns and writes to metrics.json: :class:`RunResult` (no torch).

``RunResult.to_json()`` is the metrics.json object (schema key first, then the keys in the order the loop has
always written them); ``RunResult.from_json(d)`` reads one back: a file written before the schema key existed
loads too (missing keys take their empty values), an unknown schema is a ValueError. The parts that consumers
read by name are attributes (``status``, ``top1``, ``seconds``, ``binary.mean_f1``,
``binary.param_fraction``, ``scheme_metrics.gap`` ...); the free-form records (per-epoch ``history``,
``early_decoding`` rows, the ``specialization`` record, ``config``, ``scheme``, ``dataset``, ``model``) stay
JSON-ready dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

#: The ``schema`` of metrics.json (files without the key, written before it existed, read the same).
SCHEMA = "codesearch.train-metrics/v1"

#: Run statuses: "ok" (trained and evaluated), "failed" (non-finite loss), "stopped" (the callback raised),
#: "interrupted" (KeyboardInterrupt), "running" (never written by a finished call).
STATUSES = ("ok", "failed", "stopped", "interrupted", "running")


def _wrong(what: str, expected: str, v) -> ValueError:
    """The one-sentence error for a value of the wrong JSON type (a ValueError: what readers of files catch)."""
    return ValueError(f"{what} must be {expected}, not {type(v).__name__}.")


def _num(v, what: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _wrong(what, "a number or null", v)
    return v


def _int(v, what: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise _wrong(what, "a whole number or null", v)
    return v


def _str(v, what: str) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise _wrong(what, "a string or null", v)
    return v


def _obj(v, what: str) -> dict | None:
    if v is None:
        return None
    if not isinstance(v, dict):
        raise _wrong(what, "a JSON object or null", v)
    return v


def _rows(v, what: str) -> tuple[dict, ...]:
    if v is None:
        return ()
    if not isinstance(v, list) or not all(isinstance(r, dict) for r in v):
        raise _wrong(what, "a list of JSON objects", v)
    return tuple(v)


@dataclass(frozen=True)
class BinaryResult:
    """The per-class binary classifiers of a run (metrics.json ``binary``).

    ``param_fraction`` is the mean fraction of the network's parameters that one extracted classifier keeps
    (stored as ``mean_fraction`` in metrics.json). A figure the file does not hold is None and is left out of
    :meth:`to_json`."""

    mean_f1: float | None = None
    mean_precision: float | None = None
    mean_recall: float | None = None
    param_fraction: float | None = None
    full_parameters: int | None = None
    classes: tuple[dict, ...] | None = None  # per class: threshold, precision, recall, f1, parameters, ...

    _KEYS = (
        ("classes", "classes"),
        ("mean_f1", "mean_f1"),
        ("mean_precision", "mean_precision"),
        ("mean_recall", "mean_recall"),
        ("param_fraction", "mean_fraction"),
        ("full_parameters", "full_parameters"),
    )

    def to_json(self) -> dict:
        out = {}
        for attr, key in self._KEYS:
            v = getattr(self, attr)
            if v is not None:
                out[key] = list(v) if attr == "classes" else v
        return out

    @classmethod
    def from_json(cls, d: Mapping) -> BinaryResult:
        if not isinstance(d, Mapping):
            raise _wrong("binary", "a JSON object", d)
        classes = d.get("classes")
        return cls(
            mean_f1=_num(d.get("mean_f1"), "binary.mean_f1"),
            mean_precision=_num(d.get("mean_precision"), "binary.mean_precision"),
            mean_recall=_num(d.get("mean_recall"), "binary.mean_recall"),
            param_fraction=_num(d.get("mean_fraction"), "binary.mean_fraction"),
            full_parameters=_int(d.get("full_parameters"), "binary.full_parameters"),
            classes=None if classes is None else _rows(classes, "binary.classes"),
        )

    def without_classes(self) -> BinaryResult:
        return replace(self, classes=None)


@dataclass(frozen=True)
class SchemeMetrics:
    """The scheme-sensitive figures of a finished run (see :mod:`codesearch.train._summary`): ``top1``,
    ``early`` (mean over the coded blocks), ``gap``, ``f1``, ``fraction``; None where not measured.
    ``early_blocks``: early-decoding accuracy of every coded block (``early.<i>``), or None when the
    per-block figures were not asked for."""

    top1: float | None = None
    early: float | None = None
    gap: float | None = None
    f1: float | None = None
    fraction: float | None = None
    early_blocks: tuple[float | None, ...] | None = None

    NAMES = ("top1", "early", "gap", "f1", "fraction")

    def get(self, name: str) -> float | None:
        """The figure called ``name`` (one of :data:`NAMES` or ``early.<i>``); None when not measured."""
        if name in self.NAMES:
            return getattr(self, name)
        head, _, idx = name.partition(".")
        if head == "early" and idx.isdigit() and self.early_blocks is not None:
            i = int(idx)
            return self.early_blocks[i] if i < len(self.early_blocks) else None
        return None

    def to_json(self) -> dict[str, float | None]:
        """``{"top1", "early", "gap", "f1", "fraction"}`` plus ``early.<i>`` when per block."""
        out = {name: getattr(self, name) for name in self.NAMES}
        for i, a in enumerate(self.early_blocks or ()):
            out[f"early.{i}"] = a
        return out

    @classmethod
    def from_json(cls, d: Mapping) -> SchemeMetrics:
        if not isinstance(d, Mapping):
            raise _wrong("scheme_metrics", "a JSON object", d)
        blocks = sorted(
            (int(k.split(".", 1)[1]), v)
            for k, v in d.items()
            if k.startswith("early.") and k.split(".", 1)[1].isdigit()
        )
        values = {n: _num(d.get(n), f"scheme_metrics.{n}") for n in cls.NAMES}
        return cls(
            **values,
            early_blocks=tuple(_num(v, "scheme_metrics.early.<i>") for _, v in blocks) if blocks else None,
        )


@dataclass(frozen=True)
class RunResult:
    """One training run: what :func:`codesearch.train.run_training` returns and writes to metrics.json."""

    status: str  # see STATUSES
    reason: str | None = None  # why the run did not finish ("failed", "stopped", "interrupted")
    top1: float | None = None  # test top-1 of the network (None until evaluated)
    epochs_done: int | None = None  # epochs trained (the loop always sets it)
    history: tuple[
        dict, ...
    ] = ()  # per epoch: epoch, train_loss, ce_loss, coding_loss, train_top1, lr, test_top1
    early_decoding: tuple[dict, ...] = ()  # per coded block: stage, index, code, accuracy, mean_energies
    binary: BinaryResult | None = None
    specialization: dict | None = None  # the removal test's record (n, w, baseline, active, inactive, ...)
    seconds: float | None = None  # train_seconds + eval_seconds
    train_seconds: float | None = None
    eval_seconds: float | None = None
    device: str | None = None
    seed: int | None = None
    torch: str | None = None  # torch version
    config: dict | None = None  # config_to_dict of the TrainConfig
    scheme: dict | None = None  # scheme JSON v1 object (None: control run)
    dataset: dict | None = None  # name, num_classes and the loader's info
    model: dict | None = None  # preset, num_classes, parameters, coded_blocks
    world_size: int | None = None  # processes of the job (1: not distributed)
    scheme_metrics: SchemeMetrics | None = None  # set on finished runs
    extra: dict = field(default_factory=dict)  # keys of the file this version does not know, kept as they are

    SCHEMA = SCHEMA

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def figures(self) -> SchemeMetrics:
        """The stored scheme figures, or (for a file without them) the ones computed from this result."""
        if self.scheme_metrics is not None:
            return self.scheme_metrics
        from ._summary import scheme_metrics

        return scheme_metrics(self)

    def to_json(self) -> dict:
        """The metrics.json object (JSON-ready; the schema key first)."""
        out = {
            "schema": SCHEMA,
            "status": self.status,
            "reason": self.reason,
            "top1": self.top1,
            "epochs_done": self.epochs_done,
            "history": list(self.history),
            "early_decoding": list(self.early_decoding),
            "binary": None if self.binary is None else self.binary.to_json(),
            "specialization": self.specialization,
            "seconds": self.seconds,
            "train_seconds": self.train_seconds,
            "eval_seconds": self.eval_seconds,
            "device": self.device,
            "seed": self.seed,
            "torch": self.torch,
            "config": self.config,
            "scheme": self.scheme,
            "dataset": self.dataset,
            "model": self.model,
        }
        if self.world_size is not None:
            out["world_size"] = self.world_size
        if self.scheme_metrics is not None:
            out["scheme_metrics"] = self.scheme_metrics.to_json()
        out.update(self.extra)
        return out

    @classmethod
    def from_json(cls, d: Mapping) -> RunResult:
        """A RunResult from a metrics.json object; ValueError (one sentence) for an unknown schema or a value
        of the wrong type. Keys that are missing take their empty values."""
        if not isinstance(d, Mapping):
            raise _wrong("A run's metrics", "a JSON object", d)
        schema = d.get("schema")
        if schema is not None and schema != SCHEMA:
            raise ValueError(f"Unknown metrics schema {schema!r}; this version reads {SCHEMA!r}.")
        status = d.get("status")
        if not isinstance(status, str):
            raise _wrong("The metrics' status", "a string such as 'ok' or 'failed'", status)
        binary = d.get("binary")
        sm = d.get("scheme_metrics")
        known = {f for f in cls.__dataclass_fields__ if f != "extra"} | {"schema"}
        return cls(
            status=status,
            reason=_str(d.get("reason"), "reason"),
            top1=_num(d.get("top1"), "top1"),
            epochs_done=_int(d.get("epochs_done"), "epochs_done"),
            history=_rows(d.get("history"), "history"),
            early_decoding=_rows(d.get("early_decoding"), "early_decoding"),
            binary=None if not binary else BinaryResult.from_json(binary),
            specialization=_obj(d.get("specialization"), "specialization"),
            seconds=_num(d.get("seconds"), "seconds"),
            train_seconds=_num(d.get("train_seconds"), "train_seconds"),
            eval_seconds=_num(d.get("eval_seconds"), "eval_seconds"),
            device=_str(d.get("device"), "device"),
            seed=_int(d.get("seed"), "seed"),
            torch=_str(d.get("torch"), "torch"),
            config=_obj(d.get("config"), "config"),
            scheme=_obj(d.get("scheme"), "scheme"),
            dataset=_obj(d.get("dataset"), "dataset"),
            model=_obj(d.get("model"), "model"),
            world_size=_int(d.get("world_size"), "world_size"),
            scheme_metrics=None if sm is None else SchemeMetrics.from_json(sm),
            extra={k: v for k, v in d.items() if k not in known},
        )

    def compact(self) -> RunResult:
        """What a comparison needs of the run (no history, per-class records, energies, config or model):
        small enough to travel back from a worker process."""
        return replace(
            self,
            history=(),
            early_decoding=tuple(
                {k: v for k, v in r.items() if k != "mean_energies"} for r in self.early_decoding
            ),
            binary=None if self.binary is None else self.binary.without_classes(),
            config=None,
            scheme=None,
            dataset=None,
            model=None,
            extra={},
        )


__all__ = ["SCHEMA", "STATUSES", "BinaryResult", "RunResult", "SchemeMetrics"]
