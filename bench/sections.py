"""Issue 9 part 2: which rows of Brouwer's table the sections of (extended) cyclic codes reach exactly.

For every row (n, d, w, lb) with 10 <= n <= 28, d >= 6 and w <= n/2 of tests/codes/vectors/andw_bounds.json,
checks whether some pool of ``codesearch.codes.algebra._cyclic.section_pools(n, w)`` has distance >= d and at least
lb words. Prints the count, how many of them come from the Golay code [23, 12, 7] (or its extension), and
the rows. Usage: python bench/sections.py
"""

from __future__ import annotations

import json
from pathlib import Path

from codesearch.codes.algebra import _cyclic

TABLE = Path(__file__).resolve().parents[1] / "tests" / "codes" / "vectors" / "andw_bounds.json"


def main() -> None:
    rows = json.loads(TABLE.read_text())["rows"]
    hit, golay = [], 0
    for n, d, w, lb, _ub in rows:
        if not 10 <= n <= 28 or d < 6 or lb is None or 2 * w > n:
            continue
        pools = [p for p in _cyclic.section_pools(n, w) if p.d >= d and len(p.packed) >= lb]
        if pools:
            hit.append((n, d, w, lb))
            golay += any("[23,12,7]" in p.source for p in pools)
    print(f"rows reached exactly: {len(hit)} ({golay} from the Golay code)")
    for n, d, w, lb in hit:
        print(f"A({n},{d},{w}) >= {lb}")


if __name__ == "__main__":
    main()
