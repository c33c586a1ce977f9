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
def _scores(module, ds, batch_size: int, device, amp: Callable) -> np.ndarray:
    out = []
    for x, _ in iter_batches(ds, batch_size):
        with amp():
            s = module(batch_to_device(x, device))
        s = s.logits[:, 0] if hasattr(s, "logits") else s
        out.append(s.float().reshape(s.shape[0], -1)[:, 0].cpu())
    return torch.cat(out).numpy().astype(np.float64)


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
        early.append({
            "block": i, "index": b.index, "stage": b.stage, "code": b.code_id,
            "accuracy": early_correct[i] / max(total, 1),
            "mean_energies": (energy_sums[i] / denom).tolist() if energy_sums[i] is not None else None,
        })
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


def specialization(model, ds, block: int, batch_size: int, device, amp: Callable, seed: int,
                   progress: EvalProgress | None = None) -> dict:
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
        "block": block, "index": info.index, "stage": info.stage, "code": info.code_id, "n": n, "w": w,
        "baseline": base, "active": curves["active"], "inactive": curves["inactive"],
        "remove_all_inactive_every_block": all_inactive,
    }


def binary_classifiers(model, train_ds, test_ds, batch_size: int, device, amp: Callable,
                       train_labels: np.ndarray, test_labels: np.ndarray,
                       progress: EvalProgress | None = None) -> dict:
    """Per class: threshold (best F1 on the training set), test precision/recall/F1, parameter count and
    fraction of the extracted classifier; plus the mean F1."""
    from ..model import count_parameters, extract_binary_classifier

    total_params = count_parameters(model)
    classes = []
    for k in range(model.num_classes):
        clf = extract_binary_classifier(model, k).to(device).eval()
        s_train = _scores(clf, train_ds, batch_size, device, amp)
        s_test = _scores(clf, test_ds, batch_size, device, amp)
        t, train_f1 = best_f1_threshold(s_train, train_labels == k)
        m = binary_metrics(s_test, test_labels == k, t)
        params = count_parameters(clf)
        classes.append({"class": k, "threshold": t, "train_f1": train_f1, **m,
                        "parameters": params, "fraction": params / total_params})
        del clf
        if progress:
            progress("binary classifiers", k + 1, model.num_classes)
    f1s = [c["f1"] for c in classes]
    return {
        "classes": classes,
        "mean_f1": float(np.mean(f1s)),
        "mean_precision": float(np.mean([c["precision"] for c in classes])),
        "mean_recall": float(np.mean([c["recall"] for c in classes])),
        "mean_fraction": float(np.mean([c["fraction"] for c in classes])),
        "full_parameters": total_params,
    }
