"""Scheme files: JSON v1 (read, write atomically) and the export formats (paper dict, CSV, JSON).

Metrics are recomputed from the matrix on write and checked against the matrix on read. The atomic writers
themselves are in :mod:`codesearch._atomic` (shared with checkpoints, metrics and plots).
"""

from __future__ import annotations

import csv
import io
import json
import keyword
from pathlib import Path

from ._atomic import write_text_atomic
from .codes import ConstantWeightCode, Scheme, SchemeCode, code_metrics

SCHEMA = "codesearch.scheme/v1"


class SchemeFileError(ValueError):
    """A scheme file that cannot be used; the message names the file and the field."""

    def __init__(self, path, field: str | None, message: str):
        self.path, self.field = str(path), field
        where = f"{self.path}: field '{field}': " if field else f"{self.path}: "
        super().__init__(where + message)


# -- dict <-> Scheme ---------------------------------------------------------------------------
def scheme_to_dict(scheme: Scheme) -> dict:
    """The JSON v1 object of ``scheme``; metrics recomputed from each matrix."""
    out: dict = {
        "schema": SCHEMA,
        "num_classes": scheme.num_classes,
        "class_names": list(scheme.class_names) if scheme.class_names is not None else None,
        "codes": [
            {
                "id": c.id,
                "subnns": c.code.n,
                "active": c.code.w,
                "codewords": c.code.codewords,
                "generator": {"method": c.method, "seed": c.seed, "params": c.params},
                "metrics": code_metrics(c.code),
            }
            for c in scheme.codes
        ],
    }
    if scheme.blocks is not None:
        out["blocks"] = list(scheme.blocks)
    if scheme.preset is not None:
        out["preset"] = scheme.preset
    if scheme.provenance is not None:
        out["provenance"] = scheme.provenance
    return out


def _metrics_equal(stored, fresh) -> bool:
    return json.loads(json.dumps(stored)) == json.loads(json.dumps(fresh))


def _check_limits(source, field: str, words: list) -> None:
    """Refuse codes beyond MAX_CLASSES words or MAX_SUBNNS bits before any metric is computed."""
    from .codes import MAX_CLASSES, MAX_SUBNNS

    if len(words) > MAX_CLASSES:
        raise SchemeFileError(
            source,
            field + ".codewords",
            f"has {len(words)} codewords; the limit is MAX_CLASSES = {MAX_CLASSES}",
        )
    long = next((w for w in words if isinstance(w, str) and len(w) > MAX_SUBNNS), None)
    if long is not None:
        raise SchemeFileError(
            source,
            field + ".codewords",
            f"has words of {len(long)} subNNs; the limit is MAX_SUBNNS = {MAX_SUBNNS}",
        )


def scheme_from_dict(data, source="<scheme>") -> Scheme:
    """Validate a JSON v1 object and build the :class:`Scheme`; :class:`SchemeFileError` names the field."""
    if not isinstance(data, dict):
        raise SchemeFileError(source, None, "the top level must be a JSON object")
    if data.get("schema") != SCHEMA:
        raise SchemeFileError(source, "schema", f"expected {SCHEMA!r}, found {data.get('schema')!r}")
    k = data.get("num_classes")
    if not isinstance(k, int) or isinstance(k, bool) or k < 2:
        raise SchemeFileError(source, "num_classes", f"must be an integer >= 2, found {k!r}")
    names = data.get("class_names")
    if names is not None and (not isinstance(names, list) or not all(isinstance(s, str) for s in names)):
        raise SchemeFileError(source, "class_names", "must be null or a list of strings")
    if names is not None and len(names) != k:
        raise SchemeFileError(source, "class_names", f"has {len(names)} names for {k} classes")
    codes_data = data.get("codes")
    if not isinstance(codes_data, list) or not codes_data:
        raise SchemeFileError(source, "codes", "must be a non-empty list")
    codes = []
    for i, cd in enumerate(codes_data):
        f = f"codes[{i}]"
        if not isinstance(cd, dict):
            raise SchemeFileError(source, f, "must be an object")
        words = cd.get("codewords")
        if not isinstance(words, list):
            raise SchemeFileError(source, f + ".codewords", "must be a list of bit strings")
        _check_limits(source, f, words)
        try:
            code = ConstantWeightCode.from_strings(words)
        except (TypeError, ValueError) as exc:
            raise SchemeFileError(source, f + ".codewords", str(exc)) from None
        if code.size != k:
            raise SchemeFileError(source, f + ".codewords", f"has {code.size} codewords for {k} classes")
        for key, want in (("subnns", code.n), ("active", code.w), ("id", code.id)):
            if cd.get(key) != want:
                raise SchemeFileError(
                    source, f"{f}.{key}", f"is {cd.get(key)!r} but the codewords give {want!r}"
                )
        gen = cd.get("generator") or {}
        if not isinstance(gen, dict) or not isinstance(gen.get("params", {}), dict):
            raise SchemeFileError(source, f + ".generator", "must be an object with method, seed, params")
        if "metrics" in cd:
            stored = cd["metrics"]
            if not isinstance(stored, dict):
                raise SchemeFileError(source, f + ".metrics", "must be an object")
            fresh = code_metrics(code)
            for key, value in stored.items():
                if key in fresh and not _metrics_equal(value, fresh[key]):
                    raise SchemeFileError(
                        source,
                        f"{f}.metrics.{key}",
                        f"says {json.dumps(value)} but the codewords give {json.dumps(fresh[key])}",
                    )
        codes.append(
            SchemeCode(code, str(gen.get("method", "manual")), gen.get("seed"), dict(gen.get("params", {})))
        )
    blocks = data.get("blocks")
    if blocks is not None and (not isinstance(blocks, list) or not all(isinstance(b, str) for b in blocks)):
        raise SchemeFileError(source, "blocks", "must be a list of code ids")
    preset = data.get("preset")
    if preset is not None and not isinstance(preset, str):
        raise SchemeFileError(source, "preset", "must be a string")
    try:
        return Scheme(
            num_classes=k,
            codes=tuple(codes),
            class_names=tuple(names) if names is not None else None,
            blocks=tuple(blocks) if blocks is not None else None,
            preset=preset,
            provenance=data.get("provenance"),
        )
    except ValueError as exc:
        field = "blocks" if "blocks" in str(exc) else "codes"
        raise SchemeFileError(source, field, str(exc)) from None


# -- text and files ------------------------------------------------------------------------------
def dumps_scheme(scheme: Scheme) -> str:
    """Deterministic JSON text (same scheme, same bytes); ends with a newline."""
    return json.dumps(scheme_to_dict(scheme), indent=2, sort_keys=False) + "\n"


def loads_scheme(text: str, source="<string>") -> Scheme:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemeFileError(source, None, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (RecursionError, ValueError):  # nested too deep for the parser, an integer of thousands of digits
        raise SchemeFileError(
            source, None, "not readable JSON (nested too deep or a number too long)"
        ) from None
    return scheme_from_dict(data, source)


def read_scheme(path) -> Scheme:
    """Read and validate a scheme file; :class:`SchemeFileError` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SchemeFileError(path, None, f"cannot read the file ({reason})") from None
    return loads_scheme(text, path)


def write_scheme(scheme: Scheme, path, *, force: bool = False) -> Path:
    return write_text_atomic(path, dumps_scheme(scheme), force=force)


# -- exports ---------------------------------------------------------------------------------------
PAPER_DICT_NAMES = {
    "cifar10": "SUBNNS_CODING_CIFAR10",
    "cifar100": "SUBNNS_CODING_CIFAR100",
    "imagenet": "SUBNNS_CODING_IMAGENET",
}
PAPER_NAMES_BY_CLASSES = {
    10: "SUBNNS_CODING_CIFAR10",
    100: "SUBNNS_CODING_CIFAR100",
    1000: "SUBNNS_CODING_IMAGENET",
}


def paper_dict_name(scheme: Scheme, name: str | None = None) -> str:
    """Name of the dict in the paper-format module: ``name`` when given, else ``SUBNNS_CODING_<DATASET>`` from
    the scheme's preset (cifar10, cifar100, imagenet) or its number of classes (10, 100, 1000).

    ValueError when ``name`` is not a Python identifier or no name follows from the scheme."""
    if name is not None:
        if not (isinstance(name, str) and name.isidentifier()) or keyword.iskeyword(name):
            raise ValueError(f"--name must be a Python identifier, not {name!r}")
        return name
    if scheme.preset in PAPER_DICT_NAMES:
        return PAPER_DICT_NAMES[scheme.preset]
    if scheme.num_classes in PAPER_NAMES_BY_CLASSES:
        return PAPER_NAMES_BY_CLASSES[scheme.num_classes]
    raise ValueError(
        f"the scheme has {scheme.num_classes} classes and preset {scheme.preset!r}, so no SUBNNS_CODING_* name "
        "follows from it; pass --name NAME"
    )


def export_paper(scheme: Scheme, name: str | None = None) -> str:
    """A Python module that the original Coded ResNeXt code imports as ``subNNs_codes.py``.

    It defines one dict (:func:`paper_dict_name`) mapping every code id ``"w/N"`` to its K codewords as bit
    strings (row k = class k), plus an all-ones entry ``"N/N"`` of K rows for every uncoded id of the plan."""
    from .codes import scheme_plan

    dict_name = paper_dict_name(scheme, name)
    try:
        plan = scheme_plan(scheme)
    except ValueError:
        plan = ()
    # keys in the order the plan first uses them, then any code the plan does not use
    order = list(dict.fromkeys([*plan, *scheme.ids]))
    entries = []
    for code_id in order:
        a, n = (int(v) for v in code_id.split("/"))
        words = ["1" * n] * scheme.num_classes if a == n else list(scheme.code(code_id).codewords)
        entries.append((code_id, words))
    lines = [
        '"""Coding schemes of Coded ResNeXt, exported by codesearch (save as subNNs_codes.py).',
        "",
        f"{dict_name}[\"w/N\"][k] is the codeword of class k: character n is '1' when subNN n works for it.",
        '"""',
        "",
        f"{dict_name} = {{",
    ]
    for code_id, words in entries:
        lines.append(f"    {code_id!r}: [")
        lines.extend(f"        {w!r}," for w in words)
        lines.append("    ],")
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_csv(scheme: Scheme) -> str:
    """One row per (code, class): code id, class index, class name, then one 0/1 column per subNN."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    nmax = max(c.code.n for c in scheme.codes)
    writer.writerow(["code", "class", "name"] + [f"subnn{j}" for j in range(nmax)])
    for c in scheme.codes:
        for k, row in enumerate(c.code.matrix):
            name = scheme.class_names[k] if scheme.class_names else ""
            writer.writerow([c.id, k, name] + [int(b) for b in row])
    return buf.getvalue()


def export_json(scheme: Scheme) -> str:
    """Compact ``{"w/N": [[0,1,...], ...]}``: the matrices alone as nested lists."""
    return json.dumps({c.id: c.code.matrix.tolist() for c in scheme.codes}) + "\n"


EXPORTS = {"paper": export_paper, "csv": export_csv, "json": export_json}
