"""PNG figures of a finished run, drawn from its metrics.json (a RunResult) alone (no model, no torch).

- ``early_decoding.png``: early-decoding accuracy per coded block (and the final top-1).
- ``binary.png``: precision/recall of every per-class binary classifier.
- ``specialization.png``: accuracy after removing k active / k inactive subNNs of one block.
- ``energies.png``: class x subNN mean energies of every coded block next to the codewords
  (the picture of the information paths).
"""

from __future__ import annotations

import io
from pathlib import Path

FIGURES = ("early_decoding", "binary", "specialization", "energies")


def _figure_bytes(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _early(plt, m):
    rows = m.early_decoding
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(max(4.0, 0.8 * len(rows) + 2), 3.2))
    labels = [f"{r['stage']}#{r['index']}\n{r['code']}" for r in rows]
    acc = [100 * r["accuracy"] for r in rows]
    ax.bar(range(len(rows)), acc, color="tab:blue")
    if m.top1 is not None:
        ax.axhline(100 * m.top1, color="tab:red", ls="--", label=f"network top-1 {100 * m.top1:.1f}%")
        ax.legend(loc="lower right")
    for i, a in enumerate(acc):
        ax.text(i, a + 1, f"{a:.1f}", ha="center", fontsize=8)
    ax.set_xticks(range(len(rows)), labels, fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("early-decoding accuracy (%)")
    ax.set_title("Nearest-codeword prediction from branch energies")
    return fig


def _binary(plt, m):
    b = m.binary
    if not b:
        return None
    if b.classes is None:
        raise ValueError("binary has no per-class records")
    fig, ax = plt.subplots(figsize=(4.2, 4.0))
    p = [c["precision"] for c in b.classes]
    r = [c["recall"] for c in b.classes]
    ax.scatter(r, p, s=18, alpha=0.8)
    if len(b.classes) <= 20:
        for c in b.classes:
            ax.annotate(
                str(c["class"]),
                (c["recall"], c["precision"]),
                fontsize=7,
                xytext=(2, 2),
                textcoords="offset points",
            )
    ax.set_xlim(min(0.5, min(r) - 0.05), 1.01)
    ax.set_ylim(min(0.5, min(p) - 0.05), 1.01)
    ax.set_xlabel("recall (test)")
    ax.set_ylabel("precision (test)")
    ax.set_title(
        f"Binary classifiers: mean F1 {b.mean_f1:.3f}, {100 * b.param_fraction:.0f}% of the parameters",
        fontsize=9,
    )
    ax.grid(alpha=0.3)
    return fig


def _specialization(plt, m):
    s = m.specialization
    if not s:
        return None
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    for kind, color in (("active", "tab:red"), ("inactive", "tab:green")):
        ks = [0] + [e["k"] for e in s[kind]]
        acc = [100 * s["baseline"]] + [100 * e["accuracy"] for e in s[kind]]
        ax.plot(ks, acc, "o-", color=color, label=f"remove {kind}")
    ax.set_xlabel("subNNs removed")
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 102)
    ax.set_title(f"Specialization of block {s['stage']}#{s['index']} ({s['code']})", fontsize=9)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def _energies(plt, m):
    rows = [r for r in m.early_decoding if r.get("mean_energies")]
    if not rows:
        return None
    words = {b["block"]: b["codewords"] for b in (m.model or {}).get("coded_blocks", [])}
    k = len(rows[0]["mean_energies"])
    h = min(12.0, 1.5 + 0.12 * k)
    fig, axes = plt.subplots(
        1, 2 * len(rows), figsize=(2.9 * 2 * len(rows), h), squeeze=False, layout="constrained"
    )
    for j, r in enumerate(rows):
        ax_e, ax_w = axes[0, 2 * j], axes[0, 2 * j + 1]
        im = ax_e.imshow(r["mean_energies"], aspect="auto", cmap="viridis", interpolation="nearest")
        ax_e.set_title(f"{r['stage']}#{r['index']} energies", fontsize=8)
        fig.colorbar(im, ax=ax_e, fraction=0.08, pad=0.02)
        cw = words.get(r["block"])
        if cw is not None:
            ax_w.imshow(cw, aspect="auto", cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        ax_w.set_title(f"codewords {r['code']}", fontsize=8)
        for ax in (ax_e, ax_w):
            ax.set_xlabel("subNN", fontsize=8)
            ax.tick_params(labelsize=6)
        ax_e.set_ylabel("class", fontsize=8)
    fig.suptitle("Mean branch energy per class (test set) next to the codewords", fontsize=10)
    return fig


def render_figures(metrics) -> dict[str, bytes]:
    """PNG bytes of every figure a run's :class:`~codesearch.train.RunResult` allows, keyed by name (see
    FIGURES); pure."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    out: dict[str, bytes] = {}
    for name, fn in (
        ("early_decoding", _early),
        ("binary", _binary),
        ("specialization", _specialization),
        ("energies", _energies),
    ):
        fig = fn(plt, metrics)
        if fig is not None:
            out[name] = _figure_bytes(fig)
            plt.close(fig)
    return out


def write_figures(figures: dict[str, bytes], out_dir, *, force: bool = False) -> list[Path]:
    """Write ``name.png`` for each figure into ``out_dir`` atomically; FileExistsError without ``force``."""
    from .._atomic import write_bytes_atomic

    out_dir = Path(out_dir)
    paths = [out_dir / f"{name}.png" for name in figures]
    if not force:
        for p in paths:
            if p.exists():
                raise FileExistsError(f"{p} exists; pass --force to overwrite it")
    return [write_bytes_atomic(p, data, force=True) for p, data in zip(paths, figures.values())]
