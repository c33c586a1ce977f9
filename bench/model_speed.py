"""Training-step time and peak memory: coded network vs the same network with every block plain.

One training step = zero_grad + forward (with labels) + loss (CE + mu * coding loss) + backward + SGD step,
batch 64 of 32x32 random images, preset ``cifar10`` by default. The two variants are timed side by side in
one process, alternating ABBA so load drifts cancel; the ratio is the median over rounds of
time(coded) / time(plain), for wall time and for this process's CPU time (less sensitive to other processes on
a shared machine). Peak memory comes from separate subprocesses (one per variant): ``ru_maxrss`` on
CPU, ``torch.cuda.max_memory_allocated`` on CUDA (channels_last + bf16 autocast there).

``--direct`` adds the paper's way as a third variant: every coded block materialises its N branch outputs
(B x N x Cout x H x W) with a grouped 1x1 conv.

    OMP_NUM_THREADS=2 .venv/bin/python bench/model_speed.py --threads 2 --rounds 7
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np


def make_scheme(preset_name: str):
    """A scheme with cyclic-shift codes of the preset's shapes (speed does not depend on which code)."""
    from codesearch.codes import PRESETS, ConstantWeightCode, Scheme, SchemeCode

    p = PRESETS[preset_name]
    rng = np.random.default_rng(0)
    codes = []
    for w, n in p.code_shapes:
        rows, seen = [], set()
        while len(rows) < p.num_classes:
            base = rng.permutation([1] * w + [0] * (n - w)) if rows else np.array([1] * w + [0] * (n - w))
            for s in range(n):
                word = tuple(np.roll(base, s))
                if word not in seen and len(rows) < p.num_classes:
                    seen.add(word)
                    rows.append(word)
        codes.append(SchemeCode(ConstantWeightCode(np.array(rows, dtype=np.uint8))))
    return Scheme(p.num_classes, tuple(codes), preset=preset_name)


def direct_forward(block, x, keep=None, drop=None):
    """The paper's block: materialise every branch output (grouped 1x1 conv to N x Cout channels)."""
    import torch
    import torch.nn.functional as F

    h = block.branch_inputs(x)
    if not block.coded:
        return F.relu(block.bn3(block.conv3(h)) + block.skip(x), inplace=True), None
    n, d, cout = block.subnns, block.width, block.cout
    w = block.conv3.weight.reshape(cout, n, d).permute(1, 0, 2).reshape(n * cout, d, 1, 1)
    t = F.conv2d(h, w, groups=n)
    b, _, hh, ww = t.shape
    t = t.reshape(b, n, cout, hh, ww)
    if keep is not None:
        t = t * keep.reshape(b, n, 1, 1, 1)
    with torch.autocast(device_type=x.device.type, enabled=False):
        e = t.float().pow(2).mean(dim=(2, 3, 4))
    ms = (e.sum(dim=1) / block.norm_subnns).clamp_min(1e-12)
    t = t / ms.sqrt().reshape(b, 1, 1, 1, 1).to(t.dtype)
    e = e / ms[:, None]
    if drop is not None:
        t = t * drop.reshape(b, n, 1, 1, 1).to(t.dtype)
    return F.relu(block.bn3(t.sum(dim=1)) + block.skip(x), inplace=True), e


def build(variant: str, preset: str, device, seed: int = 0):
    import torch

    from codesearch.model import create_model, model_to_device

    torch.manual_seed(seed)
    model = create_model(preset, make_scheme(preset), plain=(variant == "plain"))
    if variant == "direct":
        import types

        for blk in model.blocks:
            blk.forward = types.MethodType(direct_forward, blk)
    model = model_to_device(model, device).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    return model, opt


def make_batch(preset: str, batch: int, device, seed: int = 0):
    import torch

    from codesearch.codes import PRESETS
    from codesearch.model import batch_to_device

    p = PRESETS[preset]
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, 3, *p.input_size, generator=g)
    y = torch.randint(0, p.num_classes, (batch,), generator=g)
    return batch_to_device(x, device), y.to(device)


def step(model, opt, x, y, device, mu: float = 6.0) -> None:
    import torch.nn.functional as F

    from codesearch.model import autocast_context

    opt.zero_grad(set_to_none=True)
    with autocast_context(device):
        out = model(x, y)
        loss = F.cross_entropy(out.logits.float(), y) + mu * out.coding_loss
    loss.backward()
    opt.step()


def sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed_step(model, opt, x, y, device) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one step."""
    sync(device)
    t0, c0 = time.perf_counter(), time.process_time()
    step(model, opt, x, y, device)
    sync(device)
    return time.perf_counter() - t0, time.process_time() - c0


def run_timing(args) -> dict:
    import torch

    from codesearch.model import select_device

    torch.set_num_threads(args.threads)
    device = select_device(args.device)
    variants = ["coded", "plain"] + (["direct"] if args.direct else [])
    models = {v: build(v, args.preset, device) for v in variants}
    x, y = make_batch(args.preset, args.batch, device)
    for v in variants:
        for _ in range(args.warmup):
            step(*models[v], x, y, device)
    times = {v: [] for v in variants}
    cpu = {v: [] for v in variants}
    for r in range(args.rounds):
        order = variants if r % 2 == 0 else variants[::-1]
        for v in order:
            wall, used = timed_step(*models[v], x, y, device)
            times[v].append(wall)
            cpu[v].append(used)

    def ratio(table, a, b):
        return statistics.median([p / q for p, q in zip(table[a], table[b])])

    med = {v: statistics.median(t) for v, t in times.items()}
    out = {
        "preset": args.preset,
        "batch": args.batch,
        "device": str(device),
        "threads": args.threads,
        "rounds": args.rounds,
        "times_s": times,
        "cpu_times_s": cpu,
        "median_s": med,
        "median_cpu_s": {v: statistics.median(t) for v, t in cpu.items()},
        "ratio_coded_over_plain": ratio(times, "coded", "plain"),
        "ratio_of_medians": med["coded"] / med["plain"],
        "cpu_ratio_coded_over_plain": ratio(cpu, "coded", "plain"),
        "ratio_of_minimums": min(times["coded"]) / min(times["plain"]),
        "cpu_ratio_of_minimums": min(cpu["coded"]) / min(cpu["plain"]),
    }
    if args.direct:
        out["ratio_direct_over_plain"] = ratio(times, "direct", "plain")
        out["cpu_ratio_direct_over_plain"] = ratio(cpu, "direct", "plain")
    return out


def run_memory(args) -> dict:
    """In a fresh process: peak memory of the ``args.memory`` variant over 2 training steps."""
    import torch

    from codesearch.model import select_device

    torch.set_num_threads(args.threads)
    device = select_device(args.device)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model, opt = build(args.memory, args.preset, device)
    x, y = make_batch(args.preset, args.batch, device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    after_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(2):  # the second step also holds the optimizer's momentum buffers
        step(model, opt, x, y, device)
    sync(device)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {
        "variant": args.memory,
        "maxrss_mib": peak / 1024,
        "maxrss_before_model_mib": before / 1024,
        "maxrss_after_build_mib": after_build / 1024,
        "step_peak_over_build_mib": (peak - after_build) / 1024,
    }
    if device.type == "cuda":
        out["cuda_max_allocated_mib"] = torch.cuda.max_memory_allocated(device) / 2**20
    return out


def run_check(args) -> dict:
    """Fast block vs the materialising block on ``args.device``: fp32 (and bf16 autocast on CUDA)."""
    import torch
    import torch.nn.functional as F

    from codesearch.model import autocast_context, select_device

    device = select_device(args.device)
    fast, _ = build("coded", args.preset, device)
    slow, _ = build("direct", args.preset, device)
    slow.load_state_dict(fast.state_dict())
    with torch.no_grad():  # random BN statistics so that every branch matters
        for a, b in zip(fast.modules(), slow.modules()):
            if isinstance(a, torch.nn.BatchNorm2d):
                a.weight.uniform_(0.5, 1.5)
                b.weight.copy_(a.weight)
    x, y = make_batch(args.preset, args.batch, device)
    out = {"device": str(device)}
    for amp in [False] + ([True] if device.type == "cuda" else []):
        res = {}
        for name, model in (("fast", fast), ("direct", slow)):
            model.eval()
            model.zero_grad(set_to_none=True)
            with autocast_context(device, enabled=amp):
                o = model(x, y)
                loss = F.cross_entropy(o.logits.float(), y) + 6 * o.coding_loss
            loss.backward()
            res[name] = (
                o.logits.float().detach(),
                torch.stack([e.detach() for e in o.energies]),
                o.coding_loss.detach(),
                model.blocks[-1].conv3.weight.grad.float(),
            )
        f, d = res["fast"], res["direct"]

        def rel(a, b):
            return float((a - b).abs().max() / b.abs().max().clamp_min(1e-12))

        out["bf16" if amp else "fp32"] = {
            "logits_rel_err": rel(f[0], d[0]),
            "energies_rel_err": rel(f[1], d[1]),
            "coding_loss_rel_err": rel(f[2], d[2]),
            "grad_rel_err": rel(f[3], d[3]),
            "finite": bool(all(torch.isfinite(t).all() for t in f)),
        }
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="cifar10")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7, help="timed steps per variant (ABBA order)")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    ap.add_argument("--direct", action="store_true", help="also time the materialising (paper) block")
    ap.add_argument("--memory", choices=["coded", "plain", "direct"], help=argparse.SUPPRESS)
    ap.add_argument(
        "--check", action="store_true", help="compare the fast and the materialising block, then exit"
    )
    ap.add_argument("--json", help="write the results to this JSON file")
    args = ap.parse_args(argv)
    if args.check:
        print(json.dumps(run_check(args), indent=2))
        return 0
    if args.memory:
        print(json.dumps(run_memory(args)))
        return 0
    # Memory first: a child inherits the parent's ru_maxrss high-water mark, so the parent must still be small.
    memory = {}
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    for v in ["coded", "plain"] + (["direct"] if args.direct else []):
        cmd = [
            sys.executable,
            __file__,
            "--memory",
            v,
            "--preset",
            args.preset,
            "--batch",
            str(args.batch),
            "--threads",
            str(args.threads),
            "--device",
            args.device,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        memory[v] = json.loads(proc.stdout.strip().splitlines()[-1])
    timing = run_timing(args)
    result = {"timing": timing, "memory": memory, "command": " ".join([Path(sys.executable).name, *sys.argv])}
    med = timing["median_s"]
    print(
        f"preset {args.preset}, batch {args.batch}, {timing['device']}, {args.threads} threads, "
        f"{args.rounds} rounds"
    )
    for v in med:
        mem = memory[v]
        extra = (
            f", cuda peak {mem['cuda_max_allocated_mib']:.0f} MiB" if "cuda_max_allocated_mib" in mem else ""
        )
        print(
            f"  {v:6s} median step {med[v]:.3f} s (CPU time {timing['median_cpu_s'][v]:.3f} s), peak RSS {mem['maxrss_mib']:.0f} MiB "
            f"(+{mem['step_peak_over_build_mib']:.0f} MiB over the built model){extra}"
        )
    print(
        f"  coded / plain: {timing['ratio_coded_over_plain']:.3f} (median of per-round ratios), "
        f"{timing['ratio_of_medians']:.3f} (ratio of medians), "
        f"{timing['cpu_ratio_coded_over_plain']:.3f} (CPU time, median of per-round ratios)"
    )
    print(
        f"  coded / plain, fastest steps: {timing['ratio_of_minimums']:.3f} (wall), "
        f"{timing['cpu_ratio_of_minimums']:.3f} (CPU time)"
    )
    if args.direct:
        print(
            f"  direct / plain: {timing['ratio_direct_over_plain']:.3f} (wall), "
            f"{timing['cpu_ratio_direct_over_plain']:.3f} (CPU time)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
