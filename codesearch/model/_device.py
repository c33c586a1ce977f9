"""Device helpers shared by the model CLI and the trainer: choose a device, move data, autocast."""

from __future__ import annotations

import contextlib

import torch
from torch import nn


def select_device(name: str | None = "auto") -> torch.device:
    """``"auto"``/``None``: CUDA when available, else MPS when available, else CPU; otherwise the named device.

    ValueError (one sentence) for an unknown name or a device this machine does not have."""
    if name is None or name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(name)
    except (RuntimeError, TypeError):
        raise ValueError(f"Unknown device {name!r}; use auto, cpu, cuda, cuda:N or mps.") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"Device {name!r} was requested but CUDA is not available on this machine.")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(
                f"Device {name!r} does not exist: this machine has {torch.cuda.device_count()} GPU(s)."
            )
    elif dev.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ValueError(f"Device {name!r} was requested but MPS is not available on this machine.")
    elif dev.type != "cpu":
        raise ValueError(f"Unsupported device {name!r}; use auto, cpu, cuda, cuda:N or mps.")
    return dev


def uses_channels_last(device: torch.device) -> bool:
    """Whether tensors on ``device`` should use the channels_last memory format (CUDA only)."""
    return torch.device(device).type == "cuda"


def model_to_device(model: nn.Module, device: torch.device) -> nn.Module:
    """Move ``model`` to ``device`` (channels_last on CUDA); returns the model."""
    device = torch.device(device)
    if uses_channels_last(device):
        return model.to(device=device, memory_format=torch.channels_last)
    return model.to(device)


def batch_to_device(x: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Move an image batch (B, C, H, W) to ``device`` (channels_last on CUDA, non-blocking)."""
    device = torch.device(device)
    if uses_channels_last(device) and x.dim() == 4:
        return x.to(device=device, non_blocking=True, memory_format=torch.channels_last)
    return x.to(device, non_blocking=True)


def autocast_context(device: torch.device, enabled: bool = True):
    """bf16 autocast on CUDA (when ``enabled``); a no-op context elsewhere.

    The coded blocks compute their energies and coding loss in float32 inside it."""
    device = torch.device(device)
    if enabled and device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()
