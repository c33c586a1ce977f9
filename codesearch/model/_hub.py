"""Entry points for the ways PyTorch users load models: ``torch.hub`` (see ``hubconf.py``) and timm.

:func:`coded_resnext` builds a network from a preset and a scheme given as a :class:`~codesearch.codes.Scheme`,
a path to a scheme JSON file, a parsed JSON object, or None (the curated scheme of the preset, see
:func:`~codesearch.model.default_scheme_path`). :func:`block_mask_tensors` gives the 0/1 masks of every
block of a scheme's plan as torch tensors.
"""

from __future__ import annotations

import os

import torch

from ..codes import Scheme, block_masks


def as_scheme(scheme, preset: str | None = None) -> Scheme:
    """``scheme`` as a :class:`Scheme`: itself, read from a path, parsed from a dict, or (None) the curated
    scheme of ``preset``. :class:`codesearch.schemefile.SchemeFileError` names the file and field of a bad one."""
    from ..schemefile import read_scheme, scheme_from_dict
    from ._config import default_scheme_path

    if isinstance(scheme, Scheme):
        return scheme
    if scheme is None:
        if preset is None:
            raise ValueError("Give a scheme or a preset whose curated scheme to use.")
        return read_scheme(default_scheme_path(preset))
    if isinstance(scheme, (str, os.PathLike)):
        return read_scheme(scheme)
    if isinstance(scheme, dict):
        return scheme_from_dict(scheme)
    raise TypeError(
        f"scheme must be a Scheme, a path, a scheme JSON object or None, not {type(scheme).__name__}."
    )


def coded_resnext(preset: str = "cifar10", scheme=None, *, pretrained: bool = False, **kwargs):
    """Coded ResNeXt of ``preset`` (cifar10, cifar100, imagenet, proxy-s, ...) with ``scheme``'s codes.

    ``kwargs`` go to :func:`codesearch.model.create_model` (``p_drop``, ``loss_power``, ``plain``...). There
    are no pretrained weights: ``pretrained=True`` raises ValueError."""
    from ._registry import create_model

    if pretrained:
        raise ValueError(
            "codesearch ships no pretrained Coded ResNeXt weights; train one with codesearch train."
        )
    return create_model(preset, as_scheme(scheme, preset), **kwargs)


def block_mask_tensors(
    scheme, plan=None, *, device=None, dtype: torch.dtype = torch.float32
) -> list[torch.Tensor]:
    """One (K, N) 0/1 tensor per block of ``plan`` (default: the scheme's plan), as
    :func:`codesearch.codes.block_masks` gives them: row k says which subNNs work for class k."""
    return [torch.as_tensor(m, dtype=dtype, device=device) for m in block_masks(as_scheme(scheme), plan)]
