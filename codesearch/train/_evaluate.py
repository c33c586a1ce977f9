r"""The paper's measurements of a trained Coded ResNeXt: top-1, early decoding, binary classifiers and the
specialization (subNN removal) test.

Pure functions: they take a model and datasets and return JSON-ready values.

Binary classifier of class :math:`k`: a score :math:`s_i` per image (the extracted module's single logit)
and the decision :math:`s_i \ge t`. The threshold :math:`t` maximises

.. math:: F_1 = \frac{2\,TP}{2\,TP + FP + FN}

on the training set; precision :math:`TP/(TP+FP)`, recall :math:`TP/(TP+FN)` and :math:`F_1` are then
measured on the test set.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..model import batch_to_device
from ._data import iter_batches

EvalProgress = Callable[[str, int, int], None]  # (stage, done, total)


# -- binary thresholds (pure numpy) -----------------------------------------------------------------
def best_f1_threshold(scores, positive) -> tuple[float, float]:
    """Threshold ``t`` maximising the F1 score of the decision ``scores >= t``; returns ``(t, F1)``.

    Every distinct score is a candidate cut; ``t`` is the midpoint between the lowest accepted score and
    the next lower score (or one below the lowest score when all are accepted). Ties in F1 go to the
    higher threshold (fewer positives). With no positive sample the best F1 is 0 and ``t`` lies above
    every score (nothing is accepted).
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(positive, dtype=bool).ravel()
    if s.shape != y.shape:
        raise ValueError(f"scores has {s.size} entries but positive has {y.size}.")
    if s.size == 0:
        raise ValueError("best_f1_threshold needs at least one score.")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite.")
    p = int(y.sum())
    if p == 0:
        return float(s.max() + 1.0), 0.0
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    accepted = np.arange(1, s.size + 1)
    # a cut is only possible after the last of a group of equal scores
    valid = np.ones(s.size, dtype=bool)
    valid[:-1] = s_sorted[:-1] != s_sorted[1:]
    f1 = np.where(valid, 2.0 * tp / (accepted + p), -1.0)
    i = int(np.argmax(f1))  # first maximum = fewest accepted = highest threshold
    lower = s_sorted[i + 1] if i + 1 < s.size else s_sorted[i] - 1.0
    return float((s_sorted[i] + lower) / 2.0), float(f1[i])


def binary_metrics(scores, positive, threshold: float) -> dict:
    """Precision, recall and F1 of ``scores >= threshold`` against ``positive`` (0 where undefined)."""
    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(positive, dtype=bool).ravel()
    if s.shape != y.shape:
        raise ValueError(f"scores has {s.size} entries but positive has {y.size}.")
    pred = s >= threshold
    tp = int(np.sum(pred & y))
    fp = int(np.sum(pred & ~y))
    fn = int(np.sum(~pred & y))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


# -- model passes -----------------------------------------------------------------------------------
def default_specialization_block(model) -> int | None:
    """Index (into ``model.coded_blocks``) of the last block of the middle coded stage; None if uncoded.

    The coded stages in order are S_0..S_{m-1}; the middle one is S_{(m-1)//2} (c3 of the CIFAR presets)."""
    blocks = list(model.coded_blocks)
    if not blocks:
        return None
    stages: list[str] = []
    for b in blocks:
        if b.stage not in stages:
            stages.append(b.stage)
    middle = stages[(len(stages) - 1) // 2]
    return max(i for i, b in enumerate(blocks) if b.stage == middle)


@torch.no_grad()
def test_pass(model, ds, batch_size: int, device, amp: Callable) -> dict:
    """One pass over ``ds``: top-1, early-decoding accuracy per coded block and mean energies per class."""
    model.eval()
    k = model.num_classes
    nblocks = len(model.coded_blocks)
    correct = 0
    total = 0
    early_correct = [0] * nblocks
    energy_sums = [None] * nblocks
    class_counts = torch.zeros(k, dtype=torch.float64)
    for x, y in iter_batches(ds, batch_size):
        x, y = batch_to_device(x, device), y.to(device)
        with amp():
            out = model(x)
        correct += int((out.logits.argmax(1) == y).sum())
        total += int(y.shape[0])
        yc = y.cpu()
        class_counts += torch.bincount(yc, minlength=k).double()
        for i, e in enumerate(out.energies):
            e = e.float()
            pred, _ = model.early_decode(e, i)
            early_correct[i] += int((pred == y).sum())
            sums = torch.zeros(k, e.shape[1], dtype=torch.float64).index_add_(0, yc, e.double().cpu())
            energy_sums[i] = sums if energy_sums[i] is None else energy_sums[i] + sums
    denom = class_counts.clamp(min=1).unsqueeze(1)
    early = []
    for i, b in enumerate(model.coded_blocks):
        early.append(
            {
                "block": i,
                "index": b.index,
                "stage": b.stage,
                "code": b.code_id,
                "accuracy": early_correct[i] / max(total, 1),
                "mean_energies": (energy_sums[i] / denom).tolist() if energy_sums[i] is not None else None,
            }
        )
    return {"top1": correct / max(total, 1), "n": total, "early_decoding": early}


@torch.no_grad()
def accuracy(model, ds, batch_size: int, device, amp: Callable, **forward_kwargs) -> float:
    """Top-1 of ``model`` on ``ds``; ``forward_kwargs`` (remove=..., remove_inactive=...) get the labels."""
    model.eval()
    correct = total = 0
    for x, y in iter_batches(ds, batch_size):
        x, y = batch_to_device(x, device), y.to(device)
        with amp():
            out = model(x, y, **forward_kwargs) if forward_kwargs else model(x)
        correct += int((out.logits.argmax(1) == y).sum())
        total += int(y.shape[0])
    return correct / max(total, 1)


def specialization(
    model,
    ds,
    block: int,
    batch_size: int,
    device,
    amp: Callable,
    seed: int,
    progress: EvalProgress | None = None,
) -> dict:
    """Test accuracy after removing k = 1..N_act active and k = 1..N-N_act inactive subNNs of one block."""
    from ..model import Removal

    info = model.coded_blocks[block]
    n, w = info.n, info.w
    total = n
    done = 0
    base = accuracy(model, ds, batch_size, device, amp)
    curves: dict[str, list[dict]] = {"active": [], "inactive": []}
    for kind, kmax in (("active", w), ("inactive", n - w)):
        for k in range(1, kmax + 1):
            acc = accuracy(model, ds, batch_size, device, amp, remove=Removal(block, kind, k, seed))
            curves[kind].append({"k": k, "accuracy": acc})
            done += 1
            if progress:
                progress("specialization", done, total)
    all_inactive = accuracy(model, ds, batch_size, device, amp, remove_inactive=True)
    return {
        "block": block,
        "index": info.index,
        "stage": info.stage,
        "code": info.code_id,
        "n": n,
        "w": w,
        "baseline": base,
        "active": curves["active"],
        "inactive": curves["inactive"],
        "remove_all_inactive_every_block": all_inactive,
    }


# Cached features of the shared part of every binary classifier are kept for at most this many bytes at once
# (the samples are processed in chunks of that size; each chunk extracts every classifier once).
BINARY_CACHE_BYTES = 256 * 2**20


def _shared_features(model, x: torch.Tensor, first: int | None):
    """What every class's binary classifier computes identically for the images ``x``.

    Extraction keeps the stem and the plain blocks whole, so everything before the first coded block
    (index ``first`` into ``model.blocks``) is shared; in that block, every branch's input ``H_n`` and raw
    energy ``E_n`` and the skip path do not depend on the class either (a classifier keeps a subset of
    the branches, each computed as in the full block). Returns ``(h, raw_energies, skip)``, or the full
    logits ``(B, K)`` when the network has no coded block (then every classifier is a row of it)."""
    if first is None:
        return model(x).logits
    x = model.stem(x)
    for block in model.blocks[:first]:
        x, _ = block(x)
    block = model.blocks[first]
    h = block.branch_inputs(x)
    return h, block.raw_energies(h), block.skip(x)


def _class_scores(clf, shared, first: int, branches: np.ndarray) -> torch.Tensor:
    r"""``clf(x)`` computed from :func:`_shared_features` of ``x``: the first coded block of the extracted
    classifier ``clf`` from its kept ``branches`` (what ``ResNeXtBlock.forward`` does with the kept branch
    inputs and energies: :math:`s^2 = \frac1N\sum_{n\in\mathrm{kept}} E_n`, output
    :math:`\mathrm{relu}(\mathrm{bn_3}(W_{kept} H_{kept}/s) + \mathrm{skip})`), then its remaining blocks."""
    h, energies, skip = shared
    block = clf.blocks[first]
    width = block.width
    channels = torch.as_tensor([int(b) * width + j for b in branches for j in range(width)], device=h.device)
    hk = h.index_select(1, channels)
    ek = energies.index_select(1, torch.as_tensor(branches, device=h.device))
    mean_e = (ek.sum(dim=1) / block.norm_subnns).clamp_min(1e-12)  # the block's floor (_EPS)
    out = block.conv3(hk * torch.rsqrt(mean_e).view(-1, 1, 1, 1).to(hk.dtype))
    x = torch.relu(block.bn3(out) + skip)
    for b in clf.blocks[first + 1 :]:
        x, _ = b(x)
    return clf.fc(torch.flatten(clf.pool(x), 1))[:, 0]


def _tensor_bytes(obj) -> int:
    if torch.is_tensor(obj):
        return obj.numel() * obj.element_size()
    return sum(_tensor_bytes(t) for t in obj)


def _slice_shared(shared, start: int, end: int):
    if torch.is_tensor(shared):
        return shared[start:end]
    return tuple(t[start:end] for t in shared)


def _cat_shared(parts: list):
    if torch.is_tensor(parts[0]):
        return torch.cat(parts)
    return tuple(torch.cat(ts) for ts in zip(*parts))


@torch.no_grad()
def binary_scores(
    model,
    datasets,
    batch_size: int,
    device,
    amp: Callable,
    classes=None,
    progress: EvalProgress | None = None,
    cache_bytes: int = BINARY_CACHE_BYTES,
):
    r"""Scores of the binary classifiers of ``classes`` (default all) on every image of ``datasets``.

    The score of class :math:`k` is the output of ``extract_binary_classifier(model, k)`` (the full
    model's logit :math:`k` with every subNN inactive for :math:`k` removed). It is computed without
    running each classifier from the input: the part that every classifier shares (stem, plain blocks,
    and the branch inputs, energies and skip path of the first coded block) runs once per image, and each
    class's extracted module runs only the rest. Returns ``(scores, parameters)``: one float64 array
    ``(len(ds), len(classes))`` per dataset and the parameter count of each extracted classifier.
    """
    from ..model import count_parameters, extract_binary_classifier

    model.eval()
    classes = list(range(model.num_classes)) if classes is None else [int(k) for k in classes]
    first = model.coded_blocks[0].index if model.coded_blocks else None
    codes0 = model.code_array(0) if model.coded_blocks else None
    sizes = [len(ds) for ds in datasets]
    results = [np.empty((n, len(classes)), dtype=np.float64) for n in sizes]
    parameters: list[int | None] = [None] * len(classes)
    done_samples = 0
    total_samples = sum(sizes)

    def flush(parts, where):
        nonlocal done_samples
        shared = _cat_shared(parts)
        n = sum(stop - start for _, start, stop in where)
        cols = []
        for j, k in enumerate(classes):
            clf = extract_binary_classifier(model, k).eval()
            if parameters[j] is None:
                parameters[j] = count_parameters(clf)
            if first is None:
                cols.append(shared[:, k].float().cpu())
            else:
                branches = np.flatnonzero(codes0[k])
                out = []
                for start in range(0, n, batch_size):
                    with amp():
                        s = _class_scores(
                            clf, _slice_shared(shared, start, start + batch_size), first, branches
                        )
                    out.append(s.float().cpu())
                cols.append(torch.cat(out))
            del clf
            if progress:
                progress(
                    "binary classifiers",
                    done_samples * len(classes) + (j + 1) * n,
                    total_samples * len(classes),
                )
        block = torch.stack(cols, dim=1).numpy().astype(np.float64)
        row = 0
        for d, start, stop in where:
            results[d][start:stop] = block[row : row + stop - start]
            row += stop - start
        done_samples += n

    parts, where, held = [], [], 0
    for d, ds in enumerate(datasets):
        start = 0
        for x, _ in iter_batches(ds, batch_size):
            with amp():
                shared = _shared_features(model, batch_to_device(x, device), first)
            parts.append(shared)
            where.append((d, start, start + x.shape[0]))
            start += x.shape[0]
            held += _tensor_bytes(shared)
            if held >= cache_bytes:
                flush(parts, where)
                parts, where, held = [], [], 0
    if parts:
        flush(parts, where)
    return results, parameters


def binary_classifiers(
    model,
    train_ds,
    test_ds,
    batch_size: int,
    device,
    amp: Callable,
    train_labels: np.ndarray,
    test_labels: np.ndarray,
    progress: EvalProgress | None = None,
) -> dict:
    """Per class: threshold (best F1 on the training set), test precision/recall/F1, parameter count and
    fraction of the extracted classifier; plus the mean F1. Scores from :func:`binary_scores`."""
    from ..model import count_parameters

    total_params = count_parameters(model)
    (s_train, s_test), params = binary_scores(
        model, [train_ds, test_ds], batch_size, device, amp, progress=progress
    )
    classes = []
    for k in range(model.num_classes):
        t, train_f1 = best_f1_threshold(s_train[:, k], train_labels == k)
        m = binary_metrics(s_test[:, k], test_labels == k, t)
        classes.append(
            {
                "class": k,
                "threshold": t,
                "train_f1": train_f1,
                **m,
                "parameters": params[k],
                "fraction": params[k] / total_params,
            }
        )
    f1s = [c["f1"] for c in classes]
    return {
        "classes": classes,
        "mean_f1": float(np.mean(f1s)),
        "mean_precision": float(np.mean([c["precision"] for c in classes])),
        "mean_recall": float(np.mean([c["recall"] for c in classes])),
        "mean_fraction": float(np.mean([c["fraction"] for c in classes])),
        "full_parameters": total_params,
    }
