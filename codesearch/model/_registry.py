"""Model registry in the style of timm: builders register under a name; :func:`create_model` builds by name."""

from __future__ import annotations

from collections.abc import Callable

_MODELS: dict[str, Callable] = {}
_FAMILY: dict[str, str] = {}


def register_model(name: str, family: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``fn(scheme=None, **kwargs) -> nn.Module`` as model ``name`` of ``family``."""

    def wrap(fn: Callable) -> Callable:
        if name in _MODELS:
            raise ValueError(f"Model {name!r} is already registered.")
        _MODELS[name] = fn
        _FAMILY[name] = family
        return fn

    return wrap


def list_models(family: str | None = None) -> list[str]:
    """Registered model names (of one family when given), in registration order."""
    return [n for n in _MODELS if family is None or _FAMILY[n] == family]


def is_model(name: str) -> bool:
    return name in _MODELS


def create_model(name: str, scheme=None, **kwargs):
    """Build registered model ``name`` (a preset name for the Coded ResNeXt family).

    ``kwargs`` go to the family's builder (for Coded ResNeXt: ``num_classes``, ``plain``, ``p_drop``,
    ``loss_power``, ``loss_threshold``, ``in_chans``...). Unknown names raise ``ValueError``."""
    if not isinstance(name, str):
        raise TypeError(f"Argument 'name' must be a str, not {type(name).__name__}.")
    try:
        fn = _MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name!r}; choose one of: {', '.join(_MODELS)}.") from None
    return fn(scheme, **kwargs)
