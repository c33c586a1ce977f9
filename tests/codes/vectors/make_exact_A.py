"""Regenerate ``exact_A.json``: exact values of A(n, d, w) for small n by maximum-clique search.

A(n, d, w) is the largest number of weight-w words of length n with pairwise Hamming distance >= d. It is
the clique number of the graph on all C(n, w) words joining two words at distance >= d; networkx's exact
``max_weight_clique`` (branch and bound) finds it. Only 1 <= w <= n/2 and 4 <= d <= 2w are listed (d <= 2
gives C(n, w), and A(n, d, w) = A(n, d, n - w)).

Run from the repository root (about a minute on one core):

    .venv/bin/python tests/codes/vectors/make_exact_A.py
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx

MAX_N = 9


def exact_a(n: int, d: int, w: int) -> int:
    words = [sum(1 << i for i in c) for c in itertools.combinations(range(n), w)]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(words)))
    graph.add_edges_from(
        (a, b)
        for a in range(len(words))
        for b in range(a + 1, len(words))
        if (words[a] ^ words[b]).bit_count() >= d
    )
    clique, _ = nx.max_weight_clique(graph, weight=None)
    return len(clique)


def main() -> None:
    rows = [
        {"n": n, "d": d, "w": w, "A": exact_a(n, d, w)}
        for n in range(4, MAX_N + 1)
        for w in range(1, n // 2 + 1)
        for d in range(4, 2 * w + 1, 2)
    ]
    out = Path(__file__).with_name("exact_A.json")
    out.write_text(json.dumps({"source": Path(__file__).name, "values": rows}, indent=1) + "\n")
    print(f"wrote {len(rows)} values to {out}")


if __name__ == "__main__":
    main()
