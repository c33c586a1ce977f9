r"""Algebra behind the structured generators: linear codes over GF(2), GF(2^m), permutation groups and orbits.

- :mod:`._gf2`: :class:`LinearCode`, :class:`GF2m`, the families :func:`cyclic_code`, :func:`bch_code`,
  :func:`extended_bch_code`, :func:`reed_muller_code`, the Nordstrom-Robinson code, linear algebra mod 2.
- :mod:`._hadamard`: :func:`hadamard_matrix` (Sylvester, Paley I and II) and :func:`hadamard_code`.
- :mod:`._inversive`: :func:`inversive_plane`, the Steiner systems :math:`S(3, q + 1, q^2 + 1)`.
- :mod:`._juxtapose`: :func:`juxtapose` (:math:`(u \mid v)`) and :func:`split_columns` (longer codes from
  shorter ones, no distance lowered).
- :mod:`._projective`: :func:`projective_line_group` (:math:`\mathrm{PSL}(2, q)` on :math:`q + 1` points)
  and :func:`projective_orbit_code` (its short orbits, completed by fitting orbits).
- :mod:`._orbits`: :class:`PermutationGroup` and the orbit codes (unions of orbits of a group acting on
  the coordinates: balanced columns whenever the group is transitive), and :func:`fixed_point_orbit_union`
  (a regular group on all points but one, which it fixes).
"""

from ._gf2 import (
    PRIMITIVE_POLYNOMIALS,
    GF2m,
    LinearCode,
    bch_code,
    cyclic_code,
    cyclotomic_coset,
    extended_bch_code,
    hensel_lift,
    nordstrom_robinson,
    nullspace,
    octacode,
    orbit,
    poly_divmod,
    poly_mul,
    rank,
    reed_muller_code,
    row_reduce,
    translation_permutation,
)
from ._hadamard import hadamard_code, hadamard_matrix
from ._inversive import inversive_plane, inversive_plane_orders
from ._juxtapose import juxtapose, split_columns
from ._orbits import (
    OrbitUnion,
    PermutationGroup,
    affine_frobenius_group,
    alternating_on_pairs,
    cyclic_group,
    exact_orbit_union,
    fixed_point_groups,
    fixed_point_orbit_union,
    group_from_generators,
    metacyclic_group,
    multiplier_group,
    orbit_codes,
    orbit_graph,
    orbit_packing,
    orbit_representatives,
    regular_groups,
    transitive_groups,
    translation_group,
)
from ._projective import projective_line_group, projective_orbit_code, projective_orders

__all__ = [
    "PRIMITIVE_POLYNOMIALS",
    "GF2m",
    "LinearCode",
    "OrbitUnion",
    "PermutationGroup",
    "affine_frobenius_group",
    "alternating_on_pairs",
    "bch_code",
    "cyclic_code",
    "cyclic_group",
    "cyclotomic_coset",
    "exact_orbit_union",
    "extended_bch_code",
    "fixed_point_groups",
    "fixed_point_orbit_union",
    "group_from_generators",
    "hadamard_code",
    "hadamard_matrix",
    "hensel_lift",
    "inversive_plane",
    "inversive_plane_orders",
    "juxtapose",
    "metacyclic_group",
    "multiplier_group",
    "nordstrom_robinson",
    "nullspace",
    "octacode",
    "orbit",
    "orbit_codes",
    "orbit_graph",
    "orbit_packing",
    "orbit_representatives",
    "poly_divmod",
    "poly_mul",
    "projective_line_group",
    "projective_orbit_code",
    "projective_orders",
    "rank",
    "reed_muller_code",
    "regular_groups",
    "row_reduce",
    "split_columns",
    "transitive_groups",
    "translation_group",
    "translation_permutation",
]
