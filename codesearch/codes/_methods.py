"""Imports every generator module so that each registers itself (see ``_generator.generator_names``)."""

from . import _algebraic, _anneal, _auto, _exact, _lexicode, _random, _repair  # noqa: F401
