"""Coded ResNeXt in timm's model registry: importing this module registers the three paper networks.

>>> import codesearch.model.timm_models  # noqa: F401  (codesearch.model does it when timm is imported first)
>>> model = timm.create_model("coded_resnext29_10x11d", scheme="schemes/cifar10.json")

=========================  =========  ==================================
timm name                  preset     network
=========================  =========  ==================================
coded_resnext29_10x11d     cifar10    ResNeXt-29 (10x11d), CIFAR-10
coded_resnext29_20x6d      cifar100   ResNeXt-29 (20x6d), CIFAR-100
coded_resnext50_32x4d      imagenet   ResNeXt-50 (32x4d), ImageNet
=========================  =========  ==================================

``scheme`` takes what :func:`codesearch.model.coded_resnext` takes (default: the curated scheme). timm's own
keyword arguments (``pretrained_cfg``, ``pretrained_cfg_overlay``, ``cache_dir``) are accepted and ignored,
``num_classes`` must match the scheme; ``in_chans`` sets the input channels.
"""

from __future__ import annotations

try:
    from timm.models import register_model
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("codesearch.model.timm_models needs timm; install it with `pip install timm`.") from exc

from ._hub import coded_resnext

TIMM_NAMES = {
    "coded_resnext29_10x11d": "cifar10",
    "coded_resnext29_20x6d": "cifar100",
    "coded_resnext50_32x4d": "imagenet",
}


_TIMM_ONLY = ("pretrained_cfg", "pretrained_cfg_overlay", "cache_dir")


def _build(preset: str, scheme, pretrained: bool, kwargs: dict):
    for key in _TIMM_ONLY:  # timm's loading options; there are no weights to load
        kwargs.pop(key, None)
    return coded_resnext(preset, scheme, pretrained=pretrained, **kwargs)


@register_model
def coded_resnext29_10x11d(pretrained: bool = False, scheme=None, **kwargs):
    """Coded ResNeXt-29 (10x11d) for CIFAR-10."""
    return _build("cifar10", scheme, pretrained, kwargs)


@register_model
def coded_resnext29_20x6d(pretrained: bool = False, scheme=None, **kwargs):
    """Coded ResNeXt-29 (20x6d) for CIFAR-100."""
    return _build("cifar100", scheme, pretrained, kwargs)


@register_model
def coded_resnext50_32x4d(pretrained: bool = False, scheme=None, **kwargs):
    """Coded ResNeXt-50 (32x4d) for ImageNet."""
    return _build("imagenet", scheme, pretrained, kwargs)
