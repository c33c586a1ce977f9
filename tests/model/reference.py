"""Slow, direct Coded ResNeXt: materialises every branch output t_n (B, N, Cout, H, W), as the paper's code does.

Used only by the tests, to check the fast block (Gram-matrix energies, one dense conv) against it."""

import torch
import torch.nn.functional as F


def ref_block(block, x, keep=None, drop=None):
    """Return (y, normalised energies or None) of a ResNeXtBlock, computed the direct way."""
    h = block.branch_inputs(x)
    if not block.coded:
        out = F.conv2d(h, block.conv3.weight)
        y = F.relu(block.bn3(out) + block.skip(x))
        return y, None
    n, d, cout = block.subnns, block.width, block.cout
    # grouped 1x1 conv: branch n maps its d channels to its own Cout outputs
    w = block.conv3.weight.reshape(cout, n, d).permute(1, 0, 2).reshape(n * cout, d, 1, 1)
    t = F.conv2d(h, w, groups=n)
    b, _, hh, ww = t.shape
    t = t.reshape(b, n, cout, hh, ww)
    if keep is not None:
        t = t * keep.reshape(b, n, 1, 1, 1)
    energy = t.pow(2).mean(dim=(2, 3, 4))  # (B, N)
    ms = (energy.sum(dim=1) / block.norm_subnns).clamp_min(1e-12)
    t = t / ms.sqrt().reshape(b, 1, 1, 1, 1)
    energy = energy / ms[:, None]
    if drop is not None:
        t = t * drop.reshape(b, n, 1, 1, 1)
    y = F.relu(block.bn3(t.sum(dim=1)) + block.skip(x))
    return y, energy


def ref_loss(energy, target, ratio, power, threshold):
    terms = []
    for i in range(energy.shape[0]):
        for j in range(energy.shape[1]):
            v = abs(ratio * energy[i, j] - target[i, j])
            v = torch.clamp(v - threshold, min=0.0)
            terms.append(v**power)
    return torch.stack(terms).mean()


def ref_forward(model, x, labels=None, remove=None, remove_inactive=False):
    """The model's forward pass with ref_block, independent DropSubNNs bookkeeping (same RNG calls)."""
    x = model.stem(x)
    energies, losses = [], []
    prev = None
    ci = 0
    for block in model.blocks:
        if not block.coded:
            x, _ = ref_block(block, x)
            continue
        info = model.coded_blocks[ci]
        codes = model.code_matrix(ci)
        keep = None
        if remove_inactive:
            keep = codes[labels].clone()
        if remove is not None and remove.block == ci:
            rows = codes[labels]
            cand = rows > 0.5 if remove.kind == "active" else rows < 0.5
            g = torch.Generator().manual_seed(remove.seed)
            scores = torch.rand(rows.shape, generator=g)
            extra = torch.ones_like(rows)
            for i in range(rows.shape[0]):
                order = [j for j in torch.argsort(scores[i]).tolist() if cand[i, j]]
                for j in order[: remove.k]:
                    extra[i, j] = 0.0
            keep = extra if keep is None else keep * extra
        drop = None
        p = model.config.p_drop
        if model.training and p > 0:
            if prev is not None and prev[0] == info.code_id:
                drop = prev[1]
            else:
                drop = torch.empty(x.shape[0], info.n).bernoulli_(1 - p) / (1 - p)
                prev = (info.code_id, drop)
        x, e = ref_block(block, x, keep, drop)
        energies.append(e)
        if labels is not None:
            losses.append(
                ref_loss(
                    e, codes[labels], info.w / info.n, model.config.loss_power, model.config.loss_threshold
                )
            )
        ci += 1
    logits = F.linear(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1), model.fc.weight)
    total = sum(losses) if losses else torch.zeros(())
    return logits, total, losses, energies
