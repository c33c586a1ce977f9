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

__all__ = [
    "GenerateRequest",
    "GenerateResult",
    "GenerationError",
    "Generator",
    "ProgressFn",
    "generate",
    "generator_names",
    "get_generator",
    "register",
    "validate_request",
]
