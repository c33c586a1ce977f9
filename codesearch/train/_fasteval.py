r"""The removal (specialization) test with the shared prefix computed once per batch.

:func:`codesearch.train._evaluate.specialization` runs the whole network once per removal setting: for a
block with N subNNs that is N + 2 passes over the test set. In eval mode (BatchNorm on running statistics,
no DropSubNNs) the stem and every block before the removal block compute the same thing in each of those
passes, so :func:`specialization_shared_prefix` runs that prefix once per batch and only the rest of the
network once per setting. Every operation on a batch is the one ``CodedResNeXt.forward`` performs, on the
same batches, so the accuracies are the same numbers (``tests/train/test_fasteval.py`` checks equality with
the plain implementation); only the time drops (by the prefix's share of the network, e.g. about 40% of the
removal test on digit-pairs / proxy-s100 with the removal block c3#2).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..model import batch_to_device
from ._data import iter_batches

EvalProgress = Callable[[str, int, int], None]


def _suffix_logits(model, x: torch.Tensor, start: int, labels: torch.Tensor, remove) -> torch.Tensor:
    """``model(x0, labels, remove=remove).logits`` for an eval-mode model, from ``x`` = the output of
    ``model.blocks[start - 1]`` (blocks before the removal block take no labels-dependent input)."""
    from ..model import removal_keep

    ci = sum(1 for b in model.blocks[:start] if b.coded)
    for block in model.blocks[start:]:
        if not block.coded:
            x, _ = block(x)
            continue
        keep = None
        if remove is not None and remove.block == ci:
            keep = removal_keep(model.code_matrix(ci), labels, remove.kind, remove.k, remove.seed)
        x, _ = block(x, keep=keep, drop=None)
        ci += 1
    return model.fc(torch.flatten(model.pool(x), 1))


@torch.no_grad()
def specialization_shared_prefix(
    model,
    ds,
    block: int,
    batch_size: int,
    device,
    amp: Callable,
    seed: int,
    progress: EvalProgress | None = None,
) -> dict:
    """Same result as ``specialization(model, ds, block, ...)`` (test accuracy after removing k = 1..N_act
    active and k = 1..N-N_act inactive subNNs of coded block ``block``), computed with the prefix shared."""
    from ..model import Removal

    model.eval()
    info = model.coded_blocks[block]
    n, w = info.n, info.w
    start = info.index  # index into model.blocks of the removal block
    settings = [None] + [
        Removal(block, kind, k, seed)
        for kind, kmax in (("active", w), ("inactive", n - w))
        for k in range(1, kmax + 1)
    ]
    correct = [0] * len(settings)
    total = 0
    all_inactive_correct = 0
    nbatches = (len(ds) + batch_size - 1) // batch_size
    for batches, (x, y) in enumerate(iter_batches(ds, batch_size), start=1):
        x, y = batch_to_device(x, device), y.to(device)
        with amp():
            h = model.stem(x)
            for b in model.blocks[:start]:
                h, _ = b(h)
            for i, rem in enumerate(settings):
                logits = _suffix_logits(model, h, start, y, rem)
                correct[i] += int((logits.argmax(1) == y).sum())
            out = model(x, y, remove_inactive=True)  # every coded block, including those of the prefix
            all_inactive_correct += int((out.logits.argmax(1) == y).sum())
        total += int(y.shape[0])
        if progress:
            progress("specialization", batches, nbatches)
    acc = [c / max(total, 1) for c in correct]
    curves: dict[str, list[dict]] = {"active": [], "inactive": []}
    for rem, a in zip(settings[1:], acc[1:]):
        curves[rem.kind].append({"k": rem.k, "accuracy": a})
    return {
        "block": block,
        "index": info.index,
        "stage": info.stage,
        "code": info.code_id,
        "n": n,
        "w": w,
        "baseline": acc[0],
        "active": curves["active"],
        "inactive": curves["inactive"],
        "remove_all_inactive_every_block": all_inactive_correct / max(total, 1),
    }
