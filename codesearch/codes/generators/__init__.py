"""Code generators: one module per method, a registry, and one entry point (:func:`generate`).

A generator is a :class:`Generator` subclass registered under a name (``random``, ``anneal``, ``lexicode``,
``exact``, ``algebraic``, ``repair``, ``auto``); :func:`generate` validates a :class:`GenerateRequest`, runs
the method and returns a :class:`GenerateResult`. The method modules are imported on first use of the
registry, so importing this package stays cheap.
"""

from ._base import (
    GenerateRequest,
    GenerateResult,
    GenerationError,
    Generator,
    ProgressFn,
    generate,
    generator_names,
    get_generator,
    register,
    validate_request,
)
from ._choose import MAX_AUTO_SUBNNS, NoSubnnsFound, choose_subnns

__all__ = [
    "MAX_AUTO_SUBNNS",
    "GenerateRequest",
    "GenerateResult",
    "GenerationError",
    "Generator",
    "NoSubnnsFound",
    "ProgressFn",
    "choose_subnns",
    "generate",
    "generator_names",
    "get_generator",
    "register",
    "validate_request",
]
