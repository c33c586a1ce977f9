"""Compare the curated schemes in schemes/ with the paper's published schemes.

Usage: .venv/bin/python bench/schemes_table.py [schemes/*.json]
Prints the Markdown table that schemes/README.md quotes. Our numbers are recomputed from each file's
matrix (read_scheme re-checks the stored metrics); the paper's numbers are the measurements of the
paper's published matrices quoted in shared/reference/coded-resnext.md (section 4).
"""

from __future__ import annotations

import sys
from pathlib import Path

from codesearch.codes import code_metrics
from codesearch.io import read_scheme

# (K, N, w) -> "d / column sums / pairs at d" of the paper's own schemes.
PAPER = {
    (10, 10, 3): "4 / 3..3 / 30",
    (10, 10, 5): "4 / 5..5 / 20",
    (10, 15, 6): "6 / 4..4 / 15",
    (100, 20, 8): "8 / 40..40 / 2910",
    (100, 20, 4): "4 / 20..20 / 769",
    (100, 16, 8): "4 / 50..50 / 106",
    (1000, 32, 16): "10 / 499..501 / 17221",
    (1000, 32, 8): "6 / 249..251 / 3157; D8 variant: 8 / 162..297 / 73176",
}


def rows(paths):
    for path in paths:
        scheme = read_scheme(path)
        for c in scheme.codes:
            m = code_metrics(c.code)
            key = (c.code.size, c.code.n, c.code.w)
            paper = PAPER.get(key)
            cs = m["column_sums"]
            winner = c.params.get("winner", c.method)
            yield (Path(path).name, f"{key}", m["min_distance"], m["max_distance_bound"], f"{min(cs)}..{max(cs)}",
                   m["pairs_at_min_distance"], m["lp_min_pairs_at_min_distance"], winner, paper)


def main(argv):
    paths = argv or sorted(str(p) for p in Path("schemes").glob("*.json"))
    print("| file | (K, N, w) | d | bound on d | column sums | pairs at d | LP min pairs at d | method "
          "| paper: d / columns / pairs |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, key, d, bound, cols, pairs, lp, winner, paper in rows(paths):
        p = "-" if paper is None else paper
        print(f"| {name} | {key} | {d} | {bound} | {cols} | {pairs} | {lp if lp is not None else '-'} | {winner} | {p} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
