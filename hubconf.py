"""torch.hub entry points of codesearch: ``torch.hub.load(PATH, "coded_resnext", preset=..., scheme=...,
source="local")`` with PATH a checkout of this repository (codesearch and its dependencies installed)."""

dependencies = ["torch", "numpy", "scipy"]

from codesearch.model import block_mask_tensors, coded_resnext  # noqa: F401
