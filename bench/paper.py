"""The paper's own coding schemes, as measured from its published matrices (reference note, section 4).

Shared by the benchmark scripts (run them from the repository root as ``python bench/NAME.py``, which puts
this folder on ``sys.path``). (K, N, w) -> d_min, (min, max) column sums, pairs at d_min.
"""

PAPER_SCHEMES = {
    (10, 10, 3): {"d": 4, "columns": (3, 3), "pairs": 30},
    (10, 10, 5): {"d": 4, "columns": (5, 5), "pairs": 20},
    (10, 15, 6): {"d": 6, "columns": (4, 4), "pairs": 15},
    (100, 20, 8): {"d": 8, "columns": (40, 40), "pairs": 2910},
    (100, 20, 4): {"d": 4, "columns": (20, 20), "pairs": 769},
    (100, 16, 8): {"d": 4, "columns": (50, 50), "pairs": 106},
    (1000, 32, 16): {"d": 10, "columns": (499, 501), "pairs": 17221},
    (1000, 32, 8): {"d": 6, "columns": (249, 251), "pairs": 3157},
}

#: the paper's "D8" variant of (1000, 32, 8)
PAPER_D8 = {"d": 8, "columns": (162, 297), "pairs": 73176}

#: the (K, N, w) rows every benchmark reports on
CONFIGS = list(PAPER_SCHEMES)


def paper_summary(key) -> str:
    """``"d / min..max / pairs"`` of the paper's scheme for (K, N, w), ``"-"`` when it has none."""
    p = PAPER_SCHEMES.get(tuple(key))
    if p is None:
        return "-"
    text = f"{p['d']} / {p['columns'][0]}..{p['columns'][1]} / {p['pairs']}"
    if tuple(key) == (1000, 32, 8):
        q = PAPER_D8
        text += f"; D8 variant: {q['d']} / {q['columns'][0]}..{q['columns'][1]} / {q['pairs']}"
    return text
