"""Scheme files for the proxy checks (docs/proxy-speed.md; the schemes of issue 8's experiment 2): digit-pairs /
proxy-s100 with the 8/20 code's minimum distance d = 2, 4, 6, 8 and the 4/20 code fixed, plus the paper's
lexicode scheme.

    .venv/bin/python bench/proxy_schemes.py --out runs/rank/schemes

Writes d2.json (random, seed 0, one balanced draw: params trials=1), d4.json (random, seed 0: the best of
200 draws), d6.json (lexicode --min-distance 6), d8.json (anneal, seed 0) — each with the 4/20 code of d8 (anneal, seed 0, d = 4) — and
lexicode.json (the paper's scheme: both codes by lexicode). Every file uses the digit-pairs plan
20/20, 20/20, 8/20, 4/20, 4/20 (first c3 block uncoded, README "digit-pairs: what was tried"). The code
generators are those of ``codesearch generate`` (same methods, seeds and minimum distances); the printed d is
recomputed from each matrix. Existing files are kept (delete the folder to rebuild).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from codesearch.codes import GenerateRequest, Scheme, SchemeCode, code_metrics, generate
from codesearch.schemefile import read_scheme, write_scheme

PLAN = ("20/20", "20/20", "8/20", "4/20", "4/20")
# label: (method, seed, min_distance) of the 8/20 code
EIGHTS = {
    "d2": ("random", 0, None, {"trials": 1}),
    "d4": ("random", 0, 4, {}),
    "d6": ("lexicode", 0, 6, {}),
    "d8": ("anneal", 0, None, {}),
}


def _code(method: str, w: int, seed: int, d: int | None, params: dict | None = None) -> SchemeCode:
    res = generate(
        method,
        GenerateRequest(100, 20, w, seed=seed, min_distance=d, time_limit=60.0, params=dict(params or {})),
    )
    return SchemeCode(res.code, res.method, res.seed, res.params)


def build(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    four = _code("anneal", 4, 0, None)
    paths = {}
    for label, (method, seed, d, params) in EIGHTS.items():
        path = out / f"{label}.json"
        if not path.exists():
            eight = _code(method, 8, seed, d, params)
            if code_metrics(eight.code)["min_distance"] != int(label[1:]):
                raise SystemExit(
                    f"{label}: {method} seed {seed} gave d = {code_metrics(eight.code)['min_distance']}"
                )
            write_scheme(Scheme(100, (eight, four), preset="proxy-s100", blocks=PLAN), path)
        paths[label] = path
    path = out / "lexicode.json"
    if not path.exists():
        write_scheme(
            Scheme(
                100,
                (_code("lexicode", 8, 0, None), _code("lexicode", 4, 0, None)),
                preset="proxy-s100",
                blocks=PLAN,
            ),
            path,
        )
    paths["lexicode"] = path
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="runs/rank/schemes")
    args = ap.parse_args()
    for label, path in build(Path(args.out)).items():
        s = read_scheme(path)
        ds = {c.id: (c.method, code_metrics(c.code)["min_distance"]) for c in s.codes}
        print(f"{label}: {path} {ds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
