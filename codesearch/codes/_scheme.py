"""A coding scheme: one constant-weight code per ratio, plus an optional per-block plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._code import ConstantWeightCode

_ID = re.compile(r"^(\d+)/(\d+)$")


def parse_code_id(code_id: str) -> tuple[int, int]:
    """``"8/20"`` -> ``(8, 20)``; ValueError for anything else."""
    m = _ID.match(code_id) if isinstance(code_id, str) else None
    if not m or int(m.group(2)) < 1 or not 0 < int(m.group(1)) <= int(m.group(2)):
        raise ValueError(
            f"A code id must look like '<active>/<subnns>' with 0 < active <= subnns, not {code_id!r}."
        )
    return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class SchemeCode:
    code: ConstantWeightCode  # the K x N matrix
    method: str = "manual"  # generator that produced it
    seed: int | None = None  # generator seed
    params: dict = field(default_factory=dict)  # generator parameters (JSON-ready)

    @property
    def id(self) -> str:
        return self.code.id


@dataclass(frozen=True)
class Scheme:
    num_classes: int  # K
    codes: tuple[SchemeCode, ...]  # one per distinct ratio, unique ids
    class_names: tuple[str, ...] | None = None  # optional K names
    blocks: tuple[str, ...] | None = None  # optional code id per network block ("N/N" = uncoded)
    preset: str | None = None  # optional preset name
    provenance: dict | None = None  # optional (study name, trial number, proxy metrics)

    def __post_init__(self):
        if not isinstance(self.num_classes, int) or self.num_classes < 2:
            raise ValueError(f"num_classes must be an integer >= 2, not {self.num_classes!r}.")
        if not self.codes:
            raise ValueError("A scheme needs at least one code.")
        seen = set()
        for c in self.codes:
            if c.code.size != self.num_classes:
                raise ValueError(
                    f"Code {c.id} has {c.code.size} codewords but the scheme has {self.num_classes} classes."
                )
            if c.id in seen:
                raise ValueError(f"Code id {c.id} appears twice.")
            seen.add(c.id)
        if self.class_names is not None and len(self.class_names) != self.num_classes:
            raise ValueError(f"class_names has {len(self.class_names)} names for {self.num_classes} classes.")
        if self.blocks is not None:
            for i, b in enumerate(self.blocks):
                a, n = parse_code_id(b)
                if a != n and b not in seen:
                    raise ValueError(f"blocks[{i}] refers to code {b!r}, which the scheme does not define.")

    def code(self, code_id: str) -> ConstantWeightCode:
        """The code with this id; KeyError names the ids there are."""
        for c in self.codes:
            if c.id == code_id:
                return c.code
        raise KeyError(f"The scheme has no code {code_id!r} (it has {', '.join(c.id for c in self.codes)}).")

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]
