"""The coding core: constant-weight codes, their scores and bounds, generators and presets.

numpy / scipy / networkx only: this package never imports torch or optuna.
"""

from ._bounds import (
    bounds_table,
    delsarte_lp_bound,
    johnson_bound,
    lp_min_pairs,
    max_distance_bound,
    max_size_bound,
)
from ._code import ConstantWeightCode
from ._limits import MAX_CLASSES, MAX_SUBNNS
from ._masks import block_masks, code_mask, scheme_plan
from ._metrics import code_metrics, column_relations, distance_spectrum, pairs_at_min_distance, sort_key
from ._presets import PRESETS, Preset, StageSpec, get_preset
from ._robustness import flip_decoding_accuracy, noise_decoding_accuracy, robustness_report
from ._scheme import Scheme, SchemeCode, parse_code_id

__all__ = [
    "MAX_CLASSES",
    "MAX_SUBNNS",
    "PRESETS",
    "ConstantWeightCode",
    "Preset",
    "Scheme",
    "SchemeCode",
    "StageSpec",
    "block_masks",
    "bounds_table",
    "code_mask",
    "code_metrics",
    "column_relations",
    "delsarte_lp_bound",
    "distance_spectrum",
    "flip_decoding_accuracy",
    "get_preset",
    "johnson_bound",
    "lp_min_pairs",
    "max_distance_bound",
    "max_size_bound",
    "noise_decoding_accuracy",
    "pairs_at_min_distance",
    "parse_code_id",
    "robustness_report",
    "scheme_plan",
    "sort_key",
]
