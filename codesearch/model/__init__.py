"""Coded ResNeXt in PyTorch: networks from a preset and a coding scheme, binary-classifier extraction.

Needs PyTorch (``pip install 'codesearch[train]'``). Quick start::

    from codesearch.model import create_model
    model = create_model("proxy-s", scheme)          # scheme: codesearch.codes.Scheme
    out = model(x, labels)                           # ModelOutput: logits, coding_loss, block_losses, energies
"""

from .._extras import require

require("model", "codesearch.model")

from ._binary import (
    BinaryClassifier,
    binary_classifier_spec,
    count_parameters,
    extract_binary_classifier,
    parameter_report,
)
from ._blocks import ResNeXtBlock
from ._checkpoint import (
    CHECKPOINT_FORMAT,
    CheckpointError,
    checkpoint_dict,
    load_binary_classifier,
    load_checkpoint,
    load_model_from_checkpoint,
    save_binary_classifier,
    save_checkpoint,
)
from ._config import (
    SCHEME_FOR_PRESET,
    CodedResNeXtConfig,
    ModelConfigError,
    default_scheme_path,
    resolve_plan,
)
from ._device import autocast_context, batch_to_device, model_to_device, select_device, uses_channels_last
from ._hub import as_scheme, block_mask_tensors, coded_resnext
from ._registry import create_model, is_model, list_models, register_model
from ._resnext import (
    CodedBlockInfo,
    CodedResNeXt,
    ModelOutput,
    Removal,
    build_coded_resnext,
    coding_loss,
    removal_keep,
)

__all__ = [
    "CHECKPOINT_FORMAT",
    "SCHEME_FOR_PRESET",
    "BinaryClassifier",
    "CheckpointError",
    "CodedBlockInfo",
    "CodedResNeXt",
    "CodedResNeXtConfig",
    "ModelConfigError",
    "ModelOutput",
    "Removal",
    "ResNeXtBlock",
    "as_scheme",
    "autocast_context",
    "batch_to_device",
    "binary_classifier_spec",
    "block_mask_tensors",
    "build_coded_resnext",
    "checkpoint_dict",
    "coded_resnext",
    "coding_loss",
    "count_parameters",
    "create_model",
    "default_scheme_path",
    "extract_binary_classifier",
    "is_model",
    "list_models",
    "load_binary_classifier",
    "load_checkpoint",
    "load_model_from_checkpoint",
    "model_to_device",
    "parameter_report",
    "register_model",
    "removal_keep",
    "resolve_plan",
    "save_binary_classifier",
    "save_checkpoint",
    "select_device",
    "uses_channels_last",
]

import sys as _sys

if "timm" in _sys.modules:  # timm users get the models registered without a second import
    from . import timm_models  # noqa: F401
