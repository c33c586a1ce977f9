"""Check scheme files against the JSON Schema of scheme JSON v1 and the matrix-level rules.

The schema (draft 2020-12) ships as ``codesearch/schema/scheme-v1.json``; :func:`scheme_json_schema` returns
it. :func:`validate_scheme_data` returns every problem of one parsed file as a :class:`Problem` (the JSON path
of the field and one sentence): schema violations first, then, when the schema holds, the rules a schema
cannot state (every codeword of a code has the code's weight, distinct codewords, K codewords per code, the
blocks' ids defined, metrics equal to those recomputed from the matrix), checked by
:func:`codesearch.schemefile.scheme_from_dict`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SCHEMA_RESOURCE = "scheme-v1.json"


@dataclass(frozen=True)
class Problem:
    field: str  # JSON path of the offending field ("codes[0].codewords"); "" for the whole document
    message: str


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("codesearch.schema").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


def scheme_json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of scheme JSON v1, as a fresh dict."""
    return json.loads(_schema_text())


def _path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def validate_scheme_data(data) -> list[Problem]:
    """Every problem of one parsed scheme document (an empty list: the file is valid)."""
    try:
        import jsonschema
    except ModuleNotFoundError:  # pragma: no cover - a core dependency
        raise RuntimeError("codesearch validate needs jsonschema: pip install jsonschema") from None
    from .schemefile import SchemeFileError, scheme_from_dict

    validator = jsonschema.Draft202012Validator(scheme_json_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        return [
            Problem(_path(e.absolute_path), e.message if len(e.message) <= 200 else e.message[:197] + "...")
            for e in errors
        ]
    try:
        scheme_from_dict(data, "<scheme>")
    except SchemeFileError as exc:
        text = str(exc).removeprefix("<scheme>: ")
        if exc.field:
            text = text.removeprefix(f"field '{exc.field}': ")
        return [Problem(exc.field or "", text)]
    return []
