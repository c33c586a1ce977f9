"""Speed of the digit-pairs proxy (issue 8, section 5): the ``slow`` setting against the ``fast`` one
(bench/proxies.py), and the removal test with and without the shared prefix.

    OMP_NUM_THREADS=1 .venv/bin/python bench/proxy_speed.py --setting slow --out runs/rank &   # one process each,
    OMP_NUM_THREADS=1 .venv/bin/python bench/proxy_speed.py --setting fast --out runs/rank     # both cores
    .venv/bin/python bench/proxy_speed.py --report runs/rank
    OMP_NUM_THREADS=1 .venv/bin/python bench/proxy_speed.py --profile      # where a training step's time goes

Each ``--setting`` run trains the d = 8 scheme of bench/proxy_schemes.py at seed 0 in this process with one
torch thread, in the run folder bench/proxy_rank.py uses for it (``OUT/d8/seed0``, ``OUT/slow-d8/seed0``:
it reuses the run), and writes ``OUT/speed-<setting>.json``: wall and CPU seconds (``time.process_time``, which
the load of a shared machine changes much less than the wall time) of training and of the evaluation, the
metrics, and — for the fast setting — the removal test timed both ways on the trained model with a check that
both give the same accuracies. ``--report`` prints the table docs/proxy-speed.md quotes and the projected
wall time of 25 digit-pairs runs (issue 8's experiment 2), 2 at a time, on an otherwise idle 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from proxies import DATASET, SETTINGS
from proxy_schemes import build


def measure(setting: str, out: Path, seed: int) -> dict:
    import torch

    from codesearch.schemefile import read_scheme
    from codesearch.train import TrainConfig, run_training, scheme_metrics

    torch.set_num_threads(1)
    scheme = read_scheme(build(out / "schemes")["d8"])
    dataset, preset = DATASET[setting]
    config = TrainConfig(dataset=dataset, preset=preset, seed=seed, **SETTINGS[setting])
    marks = {}

    def progress(event, info):
        if event == "eval" and "eval" not in marks:
            marks["eval"] = (time.perf_counter(), time.process_time())

    w0, c0 = time.perf_counter(), time.process_time()
    folder = out / ("d8" if setting == "fast" else "slow-d8") / f"seed{seed}"
    m = run_training(config, scheme, out_dir=folder, overwrite=True, progress=progress)
    w1, c1 = time.perf_counter(), time.process_time()
    we, ce = marks["eval"]
    res = {
        "setting": setting,
        "config": SETTINGS[setting],
        "seed": seed,
        "status": m.status,
        "wall_seconds": w1 - w0,
        "cpu_seconds": c1 - c0,
        "train_wall": we - w0,
        "train_cpu": ce - c0,
        "eval_wall": w1 - we,
        "eval_cpu": c1 - ce,
        "metrics": scheme_metrics(m).to_json(),
    }
    if setting == "fast":
        res["removal_test"] = removal_timing(folder, config)
    return res


def removal_timing(run_dir: Path, config) -> dict:
    from codesearch.model import load_model_from_checkpoint
    from codesearch.train import (
        default_specialization_block,
        load_dataset,
        specialization,
        specialization_shared_prefix,
    )

    model = load_model_from_checkpoint(run_dir / "checkpoint.pt").eval()
    test = load_dataset(config).test
    block = default_specialization_block(model)
    out = {}
    for name, fn in (("plain", specialization), ("shared_prefix", specialization_shared_prefix)):
        c0 = time.process_time()
        out[name] = fn(model, test, block, config.eval_batch_size, "cpu", contextlib.nullcontext, config.seed)
        out[name + "_cpu"] = time.process_time() - c0
    return {
        "plain_cpu": out["plain_cpu"],
        "shared_prefix_cpu": out["shared_prefix_cpu"],
        "same_accuracies": out["plain"] == out["shared_prefix"],
        "images": len(test),
    }


def profile(steps: int = 10) -> int:
    """Time one SGD step of the proxy-s100 network (d = 8 scheme, digit-pairs images) per batch size and
    variant (fp32, channels_last, bf16 autocast), count its FLOPs, and list the costliest operators."""
    import torch
    import torch.nn.functional as F
    from torch.utils.flop_counter import FlopCounterMode

    from codesearch.schemefile import read_scheme
    from codesearch.train import TrainConfig, build_model, load_dataset

    torch.set_num_threads(1)
    config = TrainConfig(dataset="digit-pairs", preset="proxy-s100", **SETTINGS["slow"])
    scheme = read_scheme(build(Path("runs/rank/schemes"))["d8"])
    data = load_dataset(config).train
    torch.manual_seed(0)
    model = build_model(config, scheme, 100, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)

    def step(x, y, bf16=False):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = model(x, y)
            loss = F.cross_entropy(out.logits.float(), y) + 20 * out.coding_loss.float()
        opt.zero_grad()
        loss.backward()
        opt.step()

    x, y = data.x[:64], data.y[:64]
    with FlopCounterMode(display=False) as fc:
        step(x, y)
    print(f"one step at batch 64: {fc.get_total_flops() / 1e9:.2f} GFLOP (forward + backward)")
    for variant in ("fp32", "bf16", "channels_last"):
        if variant == "channels_last":
            model.to(memory_format=torch.channels_last)
        for bs in (64, 256):
            x, y = data.x[:bs], data.y[:bs]
            for _ in range(2):
                step(x, y, variant == "bf16")
            t0 = time.process_time()
            for _ in range(steps):
                step(x, y, variant == "bf16")
            dt = (time.process_time() - t0) / steps
            print(
                f"{variant:13s} batch {bs:3d}: {dt * 1000:6.1f} ms CPU per step, {dt / bs * 1e6:5.0f} us per image, "
                f"{fc.get_total_flops() / 64 * bs / dt / 1e9:5.1f} GFLOP/s"
            )
    model.to(memory_format=torch.contiguous_format)
    x, y = data.x[:64], data.y[:64]
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(5):
            step(x, y)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=8))
    return 0


def report(folder: Path) -> int:
    rows = {
        s: json.loads((folder / f"speed-{s}.json").read_text())
        for s in ("slow", "fast")
        if (folder / f"speed-{s}.json").exists()
    }
    print(
        "| setting | train wall / CPU (s) | eval wall / CPU (s) | total wall / CPU (s) | top1 | early | gap | f1 | fraction |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for s, r in rows.items():
        m = r["metrics"]
        print(
            f"| {s} | {r['train_wall']:.1f} / {r['train_cpu']:.1f} | {r['eval_wall']:.1f} / {r['eval_cpu']:.1f} | "
            f"{r['wall_seconds']:.1f} / {r['cpu_seconds']:.1f} | {100 * m['top1']:.2f} | {100 * m['early']:.2f} | "
            f"{100 * m['gap']:.2f} | {m['f1']:.3f} | {m['fraction']:.3f} |"
        )
    if len(rows) == 2:
        s, f = rows["slow"], rows["fast"]
        print(
            f"\nspeed-up (CPU seconds): {s['cpu_seconds'] / f['cpu_seconds']:.2f}x total, "
            f"{s['train_cpu'] / f['train_cpu']:.2f}x training, {s['eval_cpu'] / f['eval_cpu']:.2f}x evaluation"
        )
        print(f"speed-up (wall, shared machine): {s['wall_seconds'] / f['wall_seconds']:.2f}x")
        print(
            f"25 digit-pairs runs, 2 at a time, idle 2-core machine: slow {25 * s['cpu_seconds'] / 2 / 60:.1f} min,"
            f" fast {25 * f['cpu_seconds'] / 2 / 60:.1f} min"
        )
    if "fast" in rows:
        rt = rows["fast"]["removal_test"]
        print(
            f"removal test ({rt['images']} images): plain {rt['plain_cpu']:.1f} s CPU, shared prefix "
            f"{rt['shared_prefix_cpu']:.1f} s CPU ({rt['plain_cpu'] / rt['shared_prefix_cpu']:.2f}x), "
            f"same accuracies: {rt['same_accuracies']}"
        )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--setting", choices=("slow", "fast"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="runs/speed")
    ap.add_argument("--report", metavar="DIR", help="print the table of the JSON files in DIR")
    ap.add_argument("--profile", action="store_true", help="time and profile one training step")
    args = ap.parse_args()
    if args.profile:
        return profile()
    if args.report:
        return report(Path(args.report))
    if not args.setting:
        ap.error("--setting or --report is required")
    out = Path(args.out)
    res = measure(args.setting, out, args.seed)
    (out / f"speed-{args.setting}.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps({k: v for k, v in res.items() if k != "config"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
