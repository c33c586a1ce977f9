"""Checkpoints of Coded ResNeXt models and extracted binary classifiers (``torch.save`` dicts).

Model checkpoint (``format`` = ``codesearch.checkpoint/v1``)::

    {"format": "codesearch.checkpoint/v1",
     "preset": "proxy-s",                 # registry name of the preset
     "scheme": scheme_to_dict(scheme),    # scheme JSON v1 object, or None for a plain network without one
     "plan": ["10/10", "5/10", ...],      # resolved code id per block (informative; rebuilt from the scheme)
     "model_args": {...},                 # CodedResNeXt.model_args: create_model(preset, scheme, **model_args)
     "state_dict": {...},                 # model weights and BN statistics (CPU tensors)
     ...}                                 # anything the trainer adds (optimizer, epoch, ...) under other keys

Binary classifier file (``format`` = ``codesearch.binary-classifier/v1``)::

    {"format": ..., "spec": binary_classifier_spec(model, k), "state_dict": {...}, "parameters": int,
     "source": {...}}                     # where it came from (checkpoint path, preset, class)

Files are written atomically (temporary file + rename) and never overwritten without ``force``. Loading uses
``torch.load(weights_only=True)``: keep extra entries to plain Python values and tensors.
"""

from __future__ import annotations

import io as _io
from pathlib import Path

import torch
from torch import nn

from .._atomic import write_bytes_atomic
from ..schemefile import SchemeFileError, scheme_from_dict, scheme_to_dict
from ._binary import SPEC_FORMAT, BinaryClassifier, count_parameters
from ._registry import create_model

CHECKPOINT_FORMAT = "codesearch.checkpoint/v1"
RESERVED_KEYS = ("format", "preset", "scheme", "plan", "model_args", "state_dict")


class CheckpointError(ValueError):
    """A checkpoint that cannot be read or does not fit; the message names the file."""


def _unwrap(model: nn.Module) -> nn.Module:
    # torch.compile wraps in ._orig_mod, DataParallel/DDP in .module
    while True:
        if hasattr(model, "_orig_mod"):
            model = model._orig_mod
        elif isinstance(model, (nn.DataParallel, nn.parallel.DistributedDataParallel)):
            model = model.module
        else:
            return model


def _cpu_state(module: nn.Module) -> dict:
    return {k: v.detach().to("cpu").contiguous() for k, v in module.state_dict().items()}


def checkpoint_dict(model: nn.Module, **extra) -> dict:
    """The checkpoint dict of a :class:`CodedResNeXt` (weights on CPU) plus ``extra`` entries."""
    model = _unwrap(model)
    clash = sorted(set(extra) & set(RESERVED_KEYS))
    if clash:
        raise ValueError(f"Extra checkpoint entries may not use the reserved keys {', '.join(clash)}.")
    out = {
        "format": CHECKPOINT_FORMAT,
        "preset": model.preset.name,
        "scheme": scheme_to_dict(model.scheme) if model.scheme is not None else None,
        "plan": list(model.plan),
        "model_args": dict(model.model_args),
        "state_dict": _cpu_state(model),
    }
    out.update(extra)
    return out


def _write(path, obj: dict, force: bool) -> Path:
    buf = _io.BytesIO()
    torch.save(obj, buf)
    return write_bytes_atomic(path, buf.getvalue(), force=force)


def save_checkpoint(path, model: nn.Module, *, extra: dict | None = None, force: bool = False) -> Path:
    """Write :func:`checkpoint_dict` atomically; FileExistsError when ``path`` exists and not ``force``."""
    return _write(path, checkpoint_dict(model, **(extra or {})), force)


def _load(path, map_location) -> dict:
    path = Path(path)
    try:
        obj = torch.load(path, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CheckpointError(f"{path}: is a folder, not a checkpoint file") from None
    except Exception as exc:  # noqa: BLE001 - torch raises many types for corrupt or foreign files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "weights only" in first.lower() or "weights_only" in first:
            # never pass on torch's advice to load untrusted pickles with weights_only=False
            first = "it holds Python objects other than tensors and plain values; only weights are loaded"
        raise CheckpointError(f"{path}: not a readable torch checkpoint ({first[:200]})") from None
    if not isinstance(obj, dict):
        raise CheckpointError(f"{path}: not a codesearch checkpoint (the top level is not a dict)")
    return obj


def load_checkpoint(path, *, map_location="cpu") -> dict:
    """Read and check a model checkpoint; :class:`CheckpointError` names the file and the problem."""
    obj = _load(path, map_location)
    if obj.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path}: not a codesearch model checkpoint (format {obj.get('format')!r})")
    for key in ("preset", "model_args", "state_dict"):
        if key not in obj:
            raise CheckpointError(f"{path}: the checkpoint has no {key!r} entry")
    return obj


def load_model_from_checkpoint(source, *, preset: str | None = None, map_location="cpu"):
    """Rebuild the :class:`CodedResNeXt` of a checkpoint (a path or an already loaded dict) with its weights.

    ``preset``: when given, the checkpoint must be of that preset. The model is returned in eval mode on
    ``map_location``'s device. Raises :class:`CheckpointError`."""
    name = str(source) if not isinstance(source, dict) else "<checkpoint>"
    ckpt = source if isinstance(source, dict) else load_checkpoint(source, map_location=map_location)
    if preset is not None and ckpt["preset"] != preset:
        raise CheckpointError(f"{name}: the checkpoint is of preset {ckpt['preset']!r}, not {preset!r}")
    scheme = None
    if ckpt.get("scheme") is not None:
        try:
            scheme = scheme_from_dict(ckpt["scheme"], name)
        except SchemeFileError as exc:
            raise CheckpointError(f"{name}: its scheme is invalid ({exc})") from None
    args = ckpt["model_args"]
    if not isinstance(args, dict):
        raise CheckpointError(f"{name}: 'model_args' must be a dict")
    state = ckpt["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{name}: 'state_dict' must map names to tensors")
    try:
        # First on the meta device (no memory): model_args that would allocate gigabytes are refused by
        # comparing the shapes with the stored weights before anything real is built.
        with torch.device("meta"):
            shapes = {
                k: tuple(v.shape)
                for k, v in create_model(ckpt["preset"], scheme, **args).state_dict().items()
            }
    except (TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{name}: cannot rebuild the model ({str(exc)[:200]})") from None
    stored = {k: tuple(v.shape) for k, v in state.items()}
    if shapes != stored:
        diff = sorted(set(shapes) ^ set(stored)) or [k for k in shapes if shapes[k] != stored.get(k)]
        raise CheckpointError(
            f"{name}: its weights do not fit preset {ckpt['preset']!r} with its model_args "
            f"(first difference: {str(diff[0])[:80]!r})"
        )
    try:
        model = create_model(ckpt["preset"], scheme, **args)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{name}: cannot rebuild the model ({exc})") from None
    try:
        model.load_state_dict(ckpt["state_dict"], strict=True)
    except (RuntimeError, TypeError, AttributeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"{name}: its weights do not fit preset {ckpt['preset']!r} ({first[:200]})"
        ) from None
    device = torch.device(map_location) if isinstance(map_location, str) else None
    if device is not None:
        model = model.to(device)
    return model.eval()


def save_binary_classifier(
    path, clf: BinaryClassifier, *, source: dict | None = None, force: bool = False
) -> Path:
    """Write an extracted classifier (spec + weights) atomically; FileExistsError unless ``force``."""
    obj = {
        "format": SPEC_FORMAT,
        "spec": clf.spec,
        "state_dict": _cpu_state(clf),
        "parameters": count_parameters(clf),
        "source": dict(source or {}),
    }
    return _write(path, obj, force)


def load_binary_classifier(path, *, map_location="cpu") -> BinaryClassifier:
    """Rebuild a classifier written by :func:`save_binary_classifier` (eval mode)."""
    obj = _load(path, map_location)
    if obj.get("format") != SPEC_FORMAT or not isinstance(obj.get("spec"), dict):
        raise CheckpointError(f"{path}: not a codesearch binary classifier (format {obj.get('format')!r})")
    try:
        clf = BinaryClassifier(obj["spec"])
        clf.load_state_dict(obj["state_dict"], strict=True)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(
            f"{path}: cannot rebuild the classifier ({str(exc).splitlines()[0][:200]})"
        ) from None
    return clf.eval()
