"""The coding core: constant-weight codes, their scores and bounds, generators and presets.

numpy and scipy only: this package never imports torch or optuna.

Layout: the code and scheme types and their metrics at the top (:class:`ConstantWeightCode`,
:class:`Scheme`, :func:`code_metrics`), :mod:`.bounds` (Johnson, Delsarte LP, the table of bounds),
:mod:`.generators` (one module per method, the registry and :func:`generate`), :mod:`.algebra` (GF(2),
linear codes, groups and orbits). Everything a user needs is importable from here.
"""

from ._code import ConstantWeightCode
from ._limits import MAX_CLASSES, MAX_SUBNNS
from ._masks import block_masks, code_mask, scheme_plan
from ._metrics import (
    balanced_spread,
    code_metrics,
    column_relations,
    distance_spectrum,
    pairs_at_min_distance,
    score_matrix,
    sort_key,
)
from ._presets import PRESETS, Preset, StageSpec, get_preset
from ._robustness import (
    flip_decoding_accuracy,
    flip_is_exact,
    noise_decoding_accuracy,
    robustness_report,
    scheme_scores,
)
from ._scheme import Scheme, SchemeCode, parse_code_id
from .algebra import (
    LinearCode,
    bch_code,
    cyclic_code,
    extended_bch_code,
    nordstrom_robinson,
    reed_muller_code,
)
from .bounds import (
    bounds_table,
    delsarte_lp_bound,
    johnson_bound,
    lp_min_pairs,
    max_distance_bound,
    max_size_bound,
)
from .generators import (
    MAX_AUTO_SUBNNS,
    GenerateRequest,
    GenerateResult,
    GenerationError,
    Generator,
    NoSubnnsFound,
    choose_subnns,
    generate,
    generator_names,
    get_generator,
    register,
    validate_request,
)

__all__ = [
    "MAX_AUTO_SUBNNS",
    "MAX_CLASSES",
    "MAX_SUBNNS",
    "PRESETS",
    "ConstantWeightCode",
    "GenerateRequest",
    "GenerateResult",
    "GenerationError",
    "Generator",
    "LinearCode",
    "NoSubnnsFound",
    "Preset",
    "Scheme",
    "SchemeCode",
    "StageSpec",
    "balanced_spread",
    "bch_code",
    "block_masks",
    "bounds_table",
    "choose_subnns",
    "code_mask",
    "code_metrics",
    "column_relations",
    "cyclic_code",
    "delsarte_lp_bound",
    "distance_spectrum",
    "extended_bch_code",
    "flip_decoding_accuracy",
    "flip_is_exact",
    "generate",
    "generator_names",
    "get_generator",
    "get_preset",
    "johnson_bound",
    "lp_min_pairs",
    "max_distance_bound",
    "max_size_bound",
    "noise_decoding_accuracy",
    "nordstrom_robinson",
    "pairs_at_min_distance",
    "parse_code_id",
    "reed_muller_code",
    "register",
    "robustness_report",
    "scheme_plan",
    "scheme_scores",
    "score_matrix",
    "sort_key",
    "validate_request",
]
