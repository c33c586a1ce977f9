r"""``exact``: clique search on the graph of all weight-w words, for small candidate spaces.

Vertices are the :math:`\binom{N}{w}` words of weight w; two words are joined when their distance is at
least d (they share at most :math:`\lambda = w - d/2` ones). A code of K words with distance >= d is a
K-clique. For each even d from the distance bound down, the search looks for a K-clique, first with the
columns balanced (every column sum in :math:`[\lfloor wK/N\rfloor, \lceil wK/N\rceil]`, a constraint that
also prunes), then without. The first d that has a clique is the answer; it is *proven optimal* when it
equals the bound or when the search at d + 2 was exhaustive.

Symmetry breaking (column permutations map codes to codes and keep the column-sum multiset): the
first codeword is :math:`\{0..w-1\}`; the second is the codeword sharing the most ones, k, with it,
mapped to :math:`\{0..k-1\} \cup \{w..2w-k-1\}`, one branch per k; every other codeword then shares at most
k ones with the first. The rest is a bitset branch and bound (Python integers as vertex sets) with
three bounds: clique size, free slots per column, and columns that still need words.

The search is bounded by a node budget (``max_nodes``), so it is deterministic. The graph is built
with numpy and held as bitsets rather than as a networkx graph: for (10, 15, 6) at d = 8 the graph has
5005 vertices and about 6.8 million edges, which networkx holds in gigabytes and its clique routines
cannot bound by nodes.
"""

from __future__ import annotations

import sys
import time
from itertools import combinations
from math import comb

import numpy as np

from .._code import ConstantWeightCode
from .._metrics import key_of, score_matrix
from ._base import GenerateRequest, GenerateResult, GenerationError, Generator, ProgressFn, register

DEFAULT_MAX_WORDS = 6000
DEFAULT_MAX_NODES = 200_000


class _Budget(Exception):
    """Raised inside the search when the node budget is spent."""


def _bits(mask: np.ndarray) -> int:
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


class CliqueSearch:
    """K-clique search among the weight-w words of length n at distance >= d (see the module doc)."""

    def __init__(self, n: int, w: int):
        self.n, self.w = n, w
        self.supports = list(combinations(range(n), w))
        self.words = np.zeros((len(self.supports), n), dtype=np.float32)
        for v, s in enumerate(self.supports):
            self.words[v, list(s)] = 1
        self.index = {s: v for v, s in enumerate(self.supports)}
        self.colmask = [_bits(self.words[:, j] == 1) for j in range(n)]
        self.ov0 = (self.words @ self.words[0]).astype(np.int64)  # overlap with the first word

    def _adjacency(self, lam: int) -> list[int]:
        adj = []
        V = self.words.shape[0]
        for s in range(0, V, 512):
            block = (self.words[s : s + 512] @ self.words.T) <= lam
            adj.extend(_bits(row) for row in block)
        return adj

    def search(self, k: int, d: int, *, balanced: bool, max_nodes: int, max_solutions: int = 20):
        """Returns (list of solutions as vertex lists, exhaustive flag)."""
        n, w = self.n, self.w
        lam = w - d // 2
        adj = self._adjacency(lam)
        lo, hi = (w * k) // n, -(-(w * k) // n)
        if not balanced:
            lo, hi = 0, k
        colmask = self.colmask
        full = (1 << len(self.supports)) - 1
        self.nodes = 0
        solutions: list[list[int]] = []

        def recurse(chosen: list[int], cand: int, counts: list[int]) -> None:
            self.nodes += 1
            if self.nodes > max_nodes:
                raise _Budget
            r = k - len(chosen)
            if r == 0:
                solutions.append(list(chosen))
                if len(solutions) >= max_solutions:
                    raise _Budget
                return
            while cand:
                if cand.bit_count() < r:
                    return
                # capacity: the remaining r words need w * r ones in columns with room and candidates
                room = 0
                for j in range(n):
                    cj = cand & colmask[j]
                    avail = min(hi - counts[j], cj.bit_count())
                    if counts[j] + min(avail, r) < lo:
                        return  # column j can no longer reach its minimum
                    room += min(avail, r)
                if room < w * r:
                    return
                v = (cand & -cand).bit_length() - 1
                cand &= ~(1 << v)
                sup = self.supports[v]
                newc = cand & adj[v]
                for j in sup:
                    counts[j] += 1
                    if counts[j] >= hi:
                        newc &= ~colmask[j]
                chosen.append(v)
                recurse(chosen, newc, counts)
                chosen.pop()
                for j in sup:
                    counts[j] -= 1

        exhaustive = True
        # the search recurses once per chosen word: K frames (pure-Python calls, no C stack since 3.11)
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, k + 500))
        try:
            for kk in range(min(lam, w), max(0, 2 * w - n) - 1, -1):
                second = tuple(range(kk)) + tuple(range(w, 2 * w - kk))
                v2 = self.index[second]
                if not (adj[0] >> v2) & 1:
                    continue
                counts = [0] * n
                for j in self.supports[0] + second:
                    counts[j] += 1
                if max(counts) > hi:
                    continue
                cand = adj[0] & adj[v2] & full
                cand &= _bits(self.ov0 <= kk)
                cand &= ~((1 << 0) | (1 << v2))
                for j in range(n):
                    if counts[j] >= hi:
                        cand &= ~colmask[j]
                if k == 2:
                    solutions.append([0, v2])
                    continue
                recurse([0, v2], cand, counts)
        except _Budget:
            exhaustive = False
        finally:
            sys.setrecursionlimit(old_limit)
        return solutions, exhaustive

    def matrix(self, vertices: list[int]) -> np.ndarray:
        return self.words[vertices].astype(np.uint8)


@register
class ExactGenerator(Generator):
    """Exact clique search, for C(N, w) <= ``max_words`` (default 6000).

    params: ``max_words``, ``max_nodes`` (node budget per search, default 200 000), ``max_solutions``
    (cliques collected per search, the best by pairs at d is kept; default 20).
    """

    name = "exact"

    def size_limit(self, req: GenerateRequest) -> str | None:
        cap = int(req.params.get("max_words", DEFAULT_MAX_WORDS))
        if comb(req.subnns, req.active) > cap:
            return f"exact searches at most {cap} candidate words, not C({req.subnns},{req.active})"
        return None

    def generate(self, req: GenerateRequest, progress: ProgressFn | None = None) -> GenerateResult:
        t0 = time.perf_counter()
        k, n, w = req.classes, req.subnns, req.active
        if not self.applicable(req):
            raise GenerationError(
                f"exact: C({n},{w}) = {comb(n, w)} words exceed max_words; use another method."
            )
        max_nodes = int(req.params.get("max_nodes", DEFAULT_MAX_NODES))
        max_solutions = int(req.params.get("max_solutions", 20))
        from ..bounds import max_distance_bound

        bound = int(max_distance_bound(k, n, w))
        floor_d = int(req.min_distance) if req.min_distance is not None else 2
        cs = CliqueSearch(n, w)
        log = []
        previous_exhaustive_fail = False
        for d in range(bound - bound % 2, max(floor_d, 2) - 1, -2):
            for balanced in (True, False):
                if progress:
                    progress(0.0, f"exact: d={d}, {'balanced' if balanced else 'any columns'}")
                sols, exhaustive = cs.search(
                    k, d, balanced=balanced, max_nodes=max_nodes, max_solutions=max_solutions
                )
                log.append(
                    {
                        "d": d,
                        "balanced": balanced,
                        "found": len(sols),
                        "exhaustive": exhaustive,
                        "nodes": cs.nodes,
                    }
                )
                if sols:
                    mats = [cs.matrix(s) for s in sols]
                    best = max(mats, key=lambda m: key_of(score_matrix(m)))
                    proven = d == bound or previous_exhaustive_fail
                    params = {
                        "max_words": int(req.params.get("max_words", DEFAULT_MAX_WORDS)),
                        "max_nodes": max_nodes,
                        "max_solutions": max_solutions,
                        "proven_optimal_distance": bool(proven),
                        "searches": log,
                    }
                    if progress:
                        progress(1.0, f"exact: d={d}")
                    return GenerateResult(
                        ConstantWeightCode(best), self.name, req.seed, params, time.perf_counter() - t0
                    )
                if not balanced:
                    previous_exhaustive_fail = exhaustive
            if time.perf_counter() - t0 > req.time_limit:
                break
        raise GenerationError(
            f"exact: no {k}-word code found with d >= {max(floor_d, 2)} within {max_nodes} search nodes per distance."
        )
