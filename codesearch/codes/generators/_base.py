"""Generators of constant-weight codes: an ABC, a registry and one entry point."""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from math import comb
from typing import ClassVar

from .._code import ConstantWeightCode
from .._limits import MAX_CLASSES, MAX_SUBNNS

#: progress(fraction_done in [0, 1], short message). Generators call it now and then; may be None.
ProgressFn = Callable[[float, str], None]


class GenerationError(RuntimeError):
    """A generator could not produce a code satisfying the request (e.g. not enough words at d)."""


@dataclass(frozen=True)
class GenerateRequest:
    classes: int  # K: number of codewords wanted
    subnns: int  # N: code length
    active: int  # w: ones per codeword
    seed: int = 0  # every random choice derives from this seed
    min_distance: int | None = None  # required minimum distance (None: as large as the method can)
    time_limit: float = 60.0  # soft cap in seconds; deterministic budgets are used first
    params: dict = field(default_factory=dict)  # method-specific options


@dataclass(frozen=True)
class GenerateResult:
    code: ConstantWeightCode  # exactly `classes` rows of weight `active`, length `subnns`
    method: str  # registry name of the generator that built it
    seed: int  # the request's seed
    params: dict  # JSON-ready parameters that, with the seed, reproduce the code
    seconds: float = 0.0  # wall time (not written into scheme files)
    # one-line remarks for the user (e.g. methods auto skipped); the CLI prints them
    notes: tuple[str, ...] = ()


class Generator(abc.ABC):
    """A code construction method. Subclasses set ``name`` and implement ``generate``.

    Contract: deterministic given the request (same request, same matrix); rule A and distinct rows
    always hold (ConstantWeightCode checks); if ``min_distance`` is set the result has d >= it or
    :class:`GenerationError` is raised.
    """

    name: ClassVar[str]

    def applicable(self, req: GenerateRequest) -> bool:
        """Whether this method can even try the request (e.g. size limits of an exact search)."""
        return self.size_limit(req) is None

    def size_limit(self, req: GenerateRequest) -> str | None:
        """``None`` when the method handles the request's size, else one sentence naming its limit."""
        return None

    @abc.abstractmethod
    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult: ...


_REGISTRY: dict[str, type[Generator]] = {}


def register(cls: type[Generator]) -> type[Generator]:
    _REGISTRY[cls.name] = cls
    return cls


def generator_names() -> list[str]:
    # importing every generator module registers it (in this order: the order of ``generator_names``)
    from . import _algebraic, _anneal, _auto, _exact, _lexicode, _random, _repair  # noqa: F401

    return list(_REGISTRY)


def get_generator(name: str) -> Generator:
    names = generator_names()
    if name not in _REGISTRY:
        raise ValueError(f"Unknown method {name!r}; choose one of: {', '.join(names)}.")
    return _REGISTRY[name]()


def validate_request(req: GenerateRequest) -> None:
    """ValueError with one clear sentence for impossible requests."""
    k, n, w = req.classes, req.subnns, req.active
    if n < 2:
        raise ValueError(f"The number of subNNs must be at least 2, not {n}.")
    if not 0 < w < n:
        raise ValueError(f"The number of active subNNs must satisfy 0 < w < N, not w={w}, N={n}.")
    if k < 2:
        raise ValueError(f"The number of classes must be at least 2, not {k}.")
    if n > MAX_SUBNNS:
        raise ValueError(f"The number of subNNs must be at most MAX_SUBNNS = {MAX_SUBNNS}, not {n}.")
    if k > MAX_CLASSES:
        raise ValueError(f"The number of classes must be at most MAX_CLASSES = {MAX_CLASSES}, not {k}.")
    if k > comb(n, w):
        raise ValueError(
            f"{k} classes need more codewords than the C({n},{w}) = {comb(n, w)} words of weight {w}."
        )
    if req.min_distance is not None:
        from ..bounds import max_distance_bound

        bound = max_distance_bound(k, n, w)
        if req.min_distance > bound:
            raise ValueError(
                f"No {k}-word code of length {n} and weight {w} has distance {req.min_distance}: "
                f"the Johnson/LP bound allows at most d = {bound}."
            )


def generate(method: str, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
    """Validate ``req`` and run generator ``method`` on it."""
    validate_request(req)
    n, w = req.subnns, req.active
    if 2 * w > n:
        # Complement symmetry: a weight-(N - w) code complemented keeps every distance, so (K, N, w) and
        # (K, N, N - w) always come out with the same d and pairs at d.
        sub = GenerateRequest(req.classes, n, n - w, req.seed, req.min_distance, req.time_limit, req.params)
        res = generate(method, sub, progress)
        params = {**res.params, "complement_of_weight": n - w}
        return GenerateResult(
            ConstantWeightCode(1 - res.code.matrix), res.method, res.seed, params, res.seconds, res.notes
        )
    gen = get_generator(method)
    if not gen.applicable(req):
        why = gen.size_limit(req)
        raise GenerationError(
            f"Method {method!r} does not apply to K={req.classes}, N={req.subnns}, w={req.active}"
            + (f": {why}" if why else ".")
        )
    return gen.generate(req, progress)
