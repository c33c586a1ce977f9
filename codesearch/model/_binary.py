r"""Binary classifiers cut out of a Coded ResNeXt: only the branches active for one class.

For class k the extracted module keeps, in every coded block, the :math:`N_{act}` branches of codeword
:math:`w_{l,k}` (their slices of conv1/BN1/grouped conv/BN2 and their columns of conv3), the shared parts whole
(stem, plain blocks, each block's last BN and skip conv+BN) and row k of the classifier. Each kept coded block
still normalises by the original N, :math:`s^2 = \frac1N\sum_{n\in\mathrm{supp}(w_{l,k})} E_n`, so in eval mode
its single output equals the full model's logit k with every inactive branch removed.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._blocks import ResNeXtBlock, make_stem
from ._registry import register_model

FAMILY = "binary_classifier"
SPEC_FORMAT = "codesearch.binary-classifier/v1"


def count_parameters(module: nn.Module) -> int:
    """Number of parameters (trainable or not; buffers such as BN running statistics excluded)."""
    return int(sum(p.numel() for p in module.parameters()))


class BinaryClassifier(nn.Module):
    """A physically smaller network with one output: ``forward(x) -> (B,)`` logit of class ``spec['class']``.

    ``spec`` (JSON-ready) describes the stem and every block; see :func:`extract_binary_classifier`."""

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.class_index = int(spec["class"])
        self.stem = make_stem(
            spec["stem"],
            int(spec["in_chans"]),
            int(spec["stem_channels"]),
            float(spec.get("bn_momentum", 0.1)),
        )
        self.blocks = nn.ModuleList(
            ResNeXtBlock(
                b["cin"],
                b["cout"],
                b["width"],
                b["subnns"],
                b["stride"],
                coded=b["coded"],
                norm_subnns=b["norm_subnns"],
                bn_momentum=float(spec.get("bn_momentum", 0.1)),
            )
            for b in spec["blocks"]
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(int(spec["features"]), 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for block in self.blocks:
            x, _ = block(x)
        return self.fc(torch.flatten(self.pool(x), 1))[:, 0]


def _branch_channels(branches: np.ndarray, width: int) -> list[int]:
    return [int(b) * width + j for b in branches for j in range(width)]


def binary_classifier_spec(model, k: int) -> dict:
    """The JSON-ready description of class ``k``'s binary classifier (which branches each block keeps)."""
    if not isinstance(k, int) or isinstance(k, bool):
        raise TypeError(f"Argument 'k' must be an int, not {type(k).__name__}.")
    if not 0 <= k < model.num_classes:
        raise ValueError(
            f"Class {k} is out of range: the model has {model.num_classes} classes (0..{model.num_classes - 1})."
        )
    preset = model.preset
    coded_at = {info.index: ci for ci, info in enumerate(model.coded_blocks)}
    blocks = []
    for i, block in enumerate(model.blocks):
        if i in coded_at:
            kept = np.flatnonzero(model.code_array(coded_at[i])[k]).tolist()
        else:
            kept = list(range(block.subnns))
        blocks.append(
            {
                "cin": block.cin,
                "cout": block.cout,
                "width": block.width,
                "subnns": len(kept),
                "stride": block.stride,
                "coded": block.coded,
                "norm_subnns": block.subnns,
                "branches": kept,
                "code_id": model.plan[i],
            }
        )
    names = model.scheme.class_names if model.scheme is not None else None
    return {
        "format": SPEC_FORMAT,
        "class": k,
        "class_name": names[k] if names else None,
        "preset": preset.name,
        "stem": preset.stem,
        "stem_channels": preset.stem_channels,
        "in_chans": model.config.in_chans,
        "bn_momentum": model.config.bn_momentum,
        "features": model.fc.in_features,
        "blocks": blocks,
    }


@register_model("binary_classifier", FAMILY)
def build_binary_classifier(spec: dict | None = None, **_ignored) -> BinaryClassifier:
    """Registry entry: ``create_model("binary_classifier", spec)`` builds an (uninitialised) classifier."""
    if not isinstance(spec, dict) or spec.get("format") != SPEC_FORMAT:
        raise ValueError(f"A binary classifier needs a spec dict with format {SPEC_FORMAT!r}.")
    return BinaryClassifier(spec)


def _slice_block_state(src: ResNeXtBlock, kept: list[int]) -> dict:
    sd = src.state_dict()
    if len(kept) == src.subnns:
        return sd
    ch = torch.as_tensor(_branch_channels(np.asarray(kept), src.width), device=src.conv1.weight.device)
    out = {}
    for key, value in sd.items():
        mod = key.split(".")[0]
        if mod in ("conv1", "conv2", "bn1", "bn2") and value.dim() >= 1:
            out[key] = value.index_select(0, ch)
        elif key == "conv3.weight":
            out[key] = value.index_select(1, ch)
        else:
            out[key] = value
    return out


def extract_binary_classifier(model, k: int) -> BinaryClassifier:
    """The binary classifier of class ``k`` as a new module (eval mode, on the model's device, weights copied).

    ``clf(x)`` (shape (B,)) equals ``model(x, labels=k, remove_inactive=True).logits[:, k]`` in eval mode."""
    spec = binary_classifier_spec(model, k)
    device = model.fc.weight.device
    with torch.device(device):
        clf = BinaryClassifier(spec)
    state = {}
    for key, value in model.stem.state_dict().items():
        state[f"stem.{key}"] = value
    for i, (src, b) in enumerate(zip(model.blocks, spec["blocks"])):
        for key, value in _slice_block_state(src, b["branches"]).items():
            state[f"blocks.{i}.{key}"] = value
    state["fc.weight"] = model.fc.weight.detach()[k : k + 1]
    clf.load_state_dict({key: v.detach().clone() for key, v in state.items()}, strict=True, assign=True)
    return clf.to(dtype=model.fc.weight.dtype).eval()


def parameter_report(model, classes=None) -> dict:
    """Parameter counts: whole network, stem, each stage, head, and the binary classifiers over ``classes``.

    Each classifier's count is that of the module :func:`extract_binary_classifier` returns (the same
    :class:`BinaryClassifier`, built on the ``meta`` device); ``classes`` defaults to every class."""
    total = count_parameters(model)
    stages = []
    for stage in model.preset.stages:
        idx = [i for i, s in enumerate(model.block_stages) if s == stage.name]
        stages.append(
            {
                "name": stage.name,
                "parameters": sum(count_parameters(model.blocks[i]) for i in idx),
                "blocks": len(idx),
                "codes": [model.plan[i] for i in idx],
                "cout": stage.cout,
                "width": stage.width,
                "subnns": stage.subnns,
            }
        )
    classes = list(range(model.num_classes)) if classes is None else list(classes)
    # The count of an extracted classifier depends only on its shapes: build one real module (on the meta
    # device, no memory) per distinct shape signature instead of copying weights for every class.
    by_shape: dict = {}
    counts = []
    for k in classes:
        spec = binary_classifier_spec(model, k)
        key = tuple(
            (b["cin"], b["cout"], b["width"], b["subnns"], b["stride"], b["coded"]) for b in spec["blocks"]
        )
        if key not in by_shape:
            with torch.device("meta"):
                by_shape[key] = count_parameters(BinaryClassifier(spec))
        counts.append(by_shape[key])
    counts_arr = np.asarray(counts, dtype=np.float64)
    binary = {
        "classes": len(counts),
        "min": int(counts_arr.min()),
        "mean": float(counts_arr.mean()),
        "max": int(counts_arr.max()),
        "fraction_min": float(counts_arr.min() / total),
        "fraction_mean": float(counts_arr.mean() / total),
        "fraction_max": float(counts_arr.max() / total),
    }
    return {
        "preset": model.preset.name,
        "plan": list(model.plan),
        "num_classes": model.num_classes,
        "parameters": total,
        "stem": count_parameters(model.stem),
        "stages": stages,
        "head": count_parameters(model.fc),
        "binary_classifier": binary,
    }
