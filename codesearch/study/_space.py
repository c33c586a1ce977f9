"""The search space of a study: per coded stage (w, generator, seed) plus mu, p_drop and the learning rate.

A space is plain data, stored in the study's definition so that every worker samples the same space. The
defaults cover, for each coded stage of the preset, every number of active subNNs w that admits K distinct
weight-w words (1 <= w < N and C(N, w) >= K); a ``--space`` JSON/TOML file narrows or widens any part::

    {"stages": {"c3": {"active": [4, 5, 6]}},       # per coded stage (others keep their defaults)
     "methods": ["lexicode", "anneal"],              # generator methods to choose from
     "seeds": 4,                                     # generator seeds 0..3
     "method_params": {"anneal": {"iters": 5000}},   # generator options per method
     "mu": {"low": 1, "high": 10, "log": true},      # a range ...
     "p_drop": 0.1,                                  # ... or a number (fixed, not searched)
     "lr": {"low": 0.02, "high": 0.3, "log": true}}

Optuna parameter names: ``<stage>.active``, ``<stage>.method``, ``<stage>.seed``, ``mu``, ``p_drop``, ``lr``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from math import comb
from pathlib import Path

from ..codes import Preset
from ._errors import StudyUsageError

#: Generator methods searched by default: the paper's lexicode and two fast stochastic searches.
DEFAULT_METHODS = ("lexicode", "anneal", "random")
#: Generator options per method: the annealer's default budget (10 000 scored moves for K <= 200, 40 000 above)
#: is cut to 5 000 (~1 s, the same d and about the same pairs at d for K=10 and K=100) so a code costs less than
#: a proxy run.
DEFAULT_METHOD_PARAMS = {"anneal": {"iters": 5000}}
#: Method of the paper's default configuration (its Algorithm 1).
PAPER_METHOD = "lexicode"
#: The paper's training hyper-parameters (reference section 1 and 3): mu = 6, p_drop = 0.1, lr = 0.1.
PAPER_HYPER = {"mu": 6.0, "p_drop": 0.1, "lr": 0.1}


def valid_actives(classes: int, subnns: int) -> list[int]:
    """Every w with 1 <= w < N and C(N, w) >= K: the weights for which K distinct codewords exist."""
    return [w for w in range(1, subnns) if comb(subnns, w) >= classes]


@dataclass(frozen=True)
class FloatRange:
    low: float  # smallest value
    high: float  # largest value (== low: a fixed value, still recorded as a parameter)
    log: bool = False  # sample on a log scale

    def to_json(self):
        return self.low if self.low == self.high else {"low": self.low, "high": self.high, "log": self.log}

    def nearest(self, value: float) -> float:
        return float(min(max(value, self.low), self.high))


@dataclass(frozen=True)
class StageSpace:
    stage: str  # stage name of the preset ("c3", ...)
    subnns: int  # N of the stage
    actives: tuple[int, ...]  # allowed numbers of active subNNs w (ascending)
    paper_active: int  # w of the preset's default scheme (the paper's configuration)


@dataclass(frozen=True)
class SearchSpace:
    stages: tuple[StageSpace, ...]  # one per coded stage of the preset, in network order
    methods: tuple[str, ...]  # generator methods (codesearch.codes registry names)
    seeds: int  # generator seeds are drawn from 0 .. seeds-1
    mu: FloatRange  # coding-loss weight
    p_drop: FloatRange  # DropSubNNs probability
    lr: FloatRange  # peak learning rate
    method_params: dict = field(default_factory=dict)  # {method: GenerateRequest.params} for generation

    # -- serialisation -----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-ready and complete (the form stored in the study definition)."""
        return {
            "stages": {s.stage: {"active": list(s.actives)} for s in self.stages},
            "methods": list(self.methods),
            "seeds": self.seeds,
            "mu": self.mu.to_json(),
            "p_drop": self.p_drop.to_json(),
            "lr": self.lr.to_json(),
            "method_params": {m: dict(p) for m, p in self.method_params.items()},
        }

    # -- sampling ------------------------------------------------------------------------------------------
    def suggest(self, trial) -> dict:
        """Draw one configuration through an Optuna trial; returns the parameter dict."""
        params: dict = {}
        for s in self.stages:
            params[f"{s.stage}.active"] = trial.suggest_categorical(f"{s.stage}.active", list(s.actives))
            params[f"{s.stage}.method"] = trial.suggest_categorical(f"{s.stage}.method", list(self.methods))
            params[f"{s.stage}.seed"] = trial.suggest_int(f"{s.stage}.seed", 0, self.seeds - 1)
        for name in ("mu", "p_drop", "lr"):
            r: FloatRange = getattr(self, name)
            params[name] = trial.suggest_float(name, r.low, r.high, log=r.log)
        return params

    def paper_params(self) -> dict:
        """The paper's default configuration projected onto this space (the first trial of every study):
        the preset's w per stage (else the nearest allowed one), lexicode, seed 0, mu 6, p_drop 0.1, lr 0.1."""
        params: dict = {}
        method = PAPER_METHOD if PAPER_METHOD in self.methods else self.methods[0]
        for s in self.stages:
            params[f"{s.stage}.active"] = min(s.actives, key=lambda w: (abs(w - s.paper_active), w))
            params[f"{s.stage}.method"] = method
            params[f"{s.stage}.seed"] = 0
        for name, value in PAPER_HYPER.items():
            params[name] = getattr(self, name).nearest(value)
        return params


# -- building and validating --------------------------------------------------------------------------------
_KEYS = ("stages", "methods", "seeds", "mu", "p_drop", "lr", "method_params")
_DEFAULT_RANGES = {
    "mu": FloatRange(0.5, 20.0, True),
    "p_drop": FloatRange(0.0, 0.3, False),
    "lr": FloatRange(0.01, 0.5, True),
}
_BOUNDS = {"mu": (0.0, None), "p_drop": (0.0, 0.999), "lr": (1e-8, None)}


def _coded_stages(preset: Preset):
    stages = [s for s in preset.stages if s.coded]
    if not stages:
        raise StudyUsageError(f"Preset {preset.name!r} has no coded stage: there is no scheme to search.")
    return stages


#: Generator options that count something (iterations, restarts, budgets): whole numbers >= 1.
_COUNT_OPTIONS = frozenset(
    {
        "iters",
        "restarts",
        "orbit_tries",
        "max_words",
        "max_nodes",
        "max_solutions",
        "max_scan",
        "trials",
        "goal_distance",
    }
)


def _check_method_params(method: str, opts: dict, where: str) -> None:
    """Refuse at create what would fail every trial: non-finite numbers, counts below 1."""
    for key, value in opts.items():
        label = f"{where}: method_params.{method}.{key}"
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, float) and not math.isfinite(v):
                raise StudyUsageError(f"{label} must be finite, not {v}.")
        if key in _COUNT_OPTIONS and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise StudyUsageError(f"{label} must be a whole number >= 1, not {value!r}.")


def _float_range(name: str, value, where: str) -> FloatRange:
    lo_bound, hi_bound = _BOUNDS[name]
    if isinstance(value, bool):
        raise StudyUsageError(f"{where}: {name} must be a number or {{low, high, log}}, not {value!r}.")
    if isinstance(value, (int, float)):
        r = FloatRange(float(value), float(value), False)
    elif isinstance(value, dict):
        unknown = sorted(set(value) - {"low", "high", "log"})
        if unknown:
            raise StudyUsageError(
                f"{where}: {name} has unknown key(s) {', '.join(unknown)} (use low, high, log)."
            )
        try:
            r = FloatRange(float(value["low"]), float(value["high"]), bool(value.get("log", False)))
        except (KeyError, TypeError, ValueError):
            raise StudyUsageError(f"{where}: {name} needs numbers 'low' and 'high'.") from None
    else:
        raise StudyUsageError(f"{where}: {name} must be a number or {{low, high, log}}, not {value!r}.")
    if not (math.isfinite(r.low) and math.isfinite(r.high)):
        raise StudyUsageError(f"{where}: {name} must be finite, not [{r.low}, {r.high}].")
    if r.low > r.high:
        raise StudyUsageError(f"{where}: {name} needs low <= high, not {r.low} > {r.high}.")
    if r.low < lo_bound or (hi_bound is not None and r.high > hi_bound):
        top = "" if hi_bound is None else f" and <= {hi_bound}"
        raise StudyUsageError(f"{where}: {name} must be >= {lo_bound}{top}, not [{r.low}, {r.high}].")
    if r.log and r.low <= 0:
        raise StudyUsageError(f"{where}: a log-scale range of {name} must start above 0, not at {r.low}.")
    return r


def build_space(
    preset: Preset,
    classes: int,
    overrides: dict | None = None,
    *,
    source: str = "space",
    known_methods: list[str] | None = None,
) -> SearchSpace:
    """The default space of ``preset`` for ``classes`` classes, with ``overrides`` (a parsed space file)
    applied. StudyUsageError names the field of anything invalid."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(_KEYS))
    if unknown:
        raise StudyUsageError(
            f"{source}: unknown key(s) {', '.join(unknown)}; a space has {', '.join(_KEYS)}."
        )
    coded = _coded_stages(preset)
    stage_over = overrides.get("stages", {}) or {}
    if not isinstance(stage_over, dict):
        raise StudyUsageError(f'{source}: stages must map stage names to {{"active": [...]}}.')
    names = [s.name for s in coded]
    for name in stage_over:
        if name not in names:
            raise StudyUsageError(
                f"{source}: stage {name!r} is not a coded stage of preset {preset.name} ({', '.join(names)})."
            )
    stages = []
    for s in coded:
        allowed = valid_actives(classes, s.subnns)
        if not allowed:
            raise StudyUsageError(
                f"No weight w gives {classes} distinct codewords of length {s.subnns} (stage {s.name})."
            )
        acts = allowed
        over = stage_over.get(s.name)
        if over is not None:
            if not isinstance(over, dict) or set(over) - {"active"}:
                raise StudyUsageError(f'{source}: stages.{s.name} must be {{"active": [w, ...]}}.')
            want = over.get("active", allowed)
            if isinstance(want, int) and not isinstance(want, bool):
                want = [want]
            if (
                not isinstance(want, list)
                or not want
                or not all(isinstance(w, int) and not isinstance(w, bool) for w in want)
            ):
                raise StudyUsageError(
                    f"{source}: stages.{s.name}.active must be a non-empty list of whole numbers."
                )
            bad = [w for w in want if w not in allowed]
            if bad:
                raise StudyUsageError(
                    f"{source}: stages.{s.name}.active has {bad} but only {allowed} give {classes} codewords of length {s.subnns}."
                )
            acts = sorted(set(want))
        stages.append(StageSpace(s.name, s.subnns, tuple(acts), s.active))
    methods = overrides.get("methods", list(DEFAULT_METHODS))
    if isinstance(methods, str):
        methods = [methods]
    if not isinstance(methods, list) or not methods or not all(isinstance(m, str) for m in methods):
        raise StudyUsageError(f"{source}: methods must be a non-empty list of generator names.")
    if known_methods is not None:
        bad = [m for m in methods if m not in known_methods]
        if bad:
            raise StudyUsageError(
                f"{source}: unknown method(s) {', '.join(bad)}; choose from {', '.join(known_methods)}."
            )
    seeds = overrides.get("seeds", 8)
    if not isinstance(seeds, int) or isinstance(seeds, bool) or seeds < 1:
        raise StudyUsageError(f"{source}: seeds must be a whole number >= 1, not {seeds!r}.")
    mparams = overrides.get("method_params", DEFAULT_METHOD_PARAMS)
    if not isinstance(mparams, dict) or not all(isinstance(v, dict) for v in mparams.values()):
        raise StudyUsageError(f"{source}: method_params must map method names to option objects.")
    if known_methods is not None:
        bad = [m for m in mparams if m not in known_methods]
        if bad:
            raise StudyUsageError(f"{source}: method_params names unknown method(s) {', '.join(bad)}.")
    for m, opts in mparams.items():
        _check_method_params(m, opts, source)
    mparams = {m: dict(v) for m, v in mparams.items() if m in methods}
    ranges = {
        n: (_float_range(n, overrides[n], source) if n in overrides else _DEFAULT_RANGES[n])
        for n in _DEFAULT_RANGES
    }
    return SearchSpace(
        tuple(stages),
        tuple(dict.fromkeys(methods)),
        seeds,
        ranges["mu"],
        ranges["p_drop"],
        ranges["lr"],
        mparams,
    )


def space_from_dict(data: dict, preset: Preset, classes: int) -> SearchSpace:
    """Rebuild a stored (complete) space; the inverse of :meth:`SearchSpace.to_dict`."""
    return build_space(preset, classes, data, source="stored space")


def read_space_file(path) -> dict:
    """Parse a ``--space`` file: ``.toml`` as TOML, anything else as JSON. StudyUsageError on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StudyUsageError(f"Cannot read the space file {path} ({reason}).") from None
    if path.suffix.lower() == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            raise StudyUsageError("TOML space files need Python 3.11 or later; use JSON.") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise StudyUsageError(f"{path}: not valid TOML ({exc}).") from None
        except (RecursionError, ValueError):
            raise StudyUsageError(
                f"{path}: not readable TOML (nested too deep or a number too long)."
            ) from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StudyUsageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}).") from None
        except (RecursionError, ValueError):
            raise StudyUsageError(
                f"{path}: not readable JSON (nested too deep or a number too long)."
            ) from None
    if not isinstance(data, dict):
        raise StudyUsageError(f"{path}: the top level must be an object/table.")
    return data
