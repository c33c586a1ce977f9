"""A picture of a scheme (``codesearch show --png``): each code's class-to-subNN matrix and its distance
histogram. Needs matplotlib (``pip install 'codesearch[train]'``); returns PNG bytes and writes nothing."""

from __future__ import annotations

import io

from .codes import Scheme, distance_spectrum


def scheme_figure_png(scheme: Scheme) -> bytes:
    """PNG (100 dpi, no timestamp metadata: same scheme, same bytes) of every code of ``scheme``: the
    K x N matrix as a heat map and the histogram of pairwise Hamming distances."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(scheme.codes), 2, figsize=(11, 3.2 * len(scheme.codes) + 1), squeeze=False)
    for row, c in zip(axes, scheme.codes):
        ax = row[0]
        ax.imshow(c.code.matrix, aspect="auto", cmap="Greys", interpolation="nearest")
        ax.set_title(f"code {c.id}: K={c.code.size}, d={c.code.d}, spread={c.code.column_spread}")
        ax.set_xlabel("subNN")
        ax.set_ylabel("class")
        spec = distance_spectrum(c.code)
        ax = row[1]
        ax.bar([str(d) for d in spec], list(spec.values()), color="tab:blue")
        ax.set_title("distance histogram (pairs)")
        ax.set_xlabel("Hamming distance")
        ax.set_yscale("log" if max(spec.values()) > 50 * max(1, min(spec.values())) else "linear")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()
