"""Compare the curated schemes in schemes/ with the paper's published schemes.

Usage: .venv/bin/python bench/schemes_table.py [schemes/*.json]
Prints the Markdown table that schemes/README.md quotes. Our numbers are recomputed from each file's
matrix (read_scheme re-checks the stored metrics); the paper's numbers are the measurements of the
paper's published matrices quoted in shared/reference/coded-resnext.md (section 4).
"""

from __future__ import annotations

import sys
from pathlib import Path

from paper import paper_summary

from codesearch.codes import code_metrics
from codesearch.schemefile import read_scheme


def rows(paths):
    for path in paths:
        scheme = read_scheme(path)
        for c in scheme.codes:
            m = code_metrics(c.code)
            key = (c.code.size, c.code.n, c.code.w)
            paper = paper_summary(key)
            cs = m["column_sums"]
            winner = c.params.get("winner", c.method)
            yield (
                Path(path).name,
                f"{key}",
                m["min_distance"],
                m["max_distance_bound"],
                f"{min(cs)}..{max(cs)}",
                m["pairs_at_min_distance"],
                m["lp_min_pairs_at_min_distance"],
                winner,
                paper,
            )


def main(argv):
    paths = argv or sorted(str(p) for p in Path("schemes").glob("*.json"))
    print(
        "| file | (K, N, w) | d | bound on d | column sums | pairs at d | LP min pairs at d | method "
        "| paper: d / columns / pairs |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, key, d, bound, cols, pairs, lp, winner, paper in rows(paths):
        print(
            f"| {name} | {key} | {d} | {bound} | {cols} | {pairs} | {lp if lp is not None else '-'} | {winner} | {paper} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
