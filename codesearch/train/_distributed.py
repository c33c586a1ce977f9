"""Data-parallel training under ``torchrun``: one job over G processes (DistributedDataParallel).

``torchrun --nproc-per-node G -m codesearch train ...`` sets ``RANK``/``WORLD_SIZE``/``LOCAL_RANK``;
:func:`init_distributed` reads them and joins the process group (gloo on CPU, nccl on CUDA). Then:

- **Global batch.** ``--batch-size B`` is the global batch; it must be divisible by G and every rank trains
  on B/G images of each step. Every rank draws the same epoch order as a 1-process run (seeded from
  ``(seed, epoch)``) and takes its contiguous chunk of each global batch, so the G ranks together see exactly
  the images a 1-process run sees in that step (a last, short global batch is split as evenly as possible,
  and dropped when it would give a rank fewer than 2 images). This per-step sharding plays the role of
  torch's DistributedSampler while keeping the 1-process order.
- **Gradients.** DDP averages the ranks' gradients. Without SyncBatchNorm each rank normalises over its
  own B/G images: a step equals a 1-process step over the same global batch taken as G micro-batches with
  accumulated gradients. ``--sync-bn`` converts BatchNorm to SyncBatchNorm (CUDA only in PyTorch), which
  normalises over the global batch.
- **Seeds.** Weights start from the same seed on every rank (DDP also broadcasts rank 0's). The data order
  is the same on all ranks; the DropSubNNs masks and other in-step randomness use ``(seed, epoch, rank)``
  for rank > 0 and ``(seed, epoch)`` for rank 0, so ranks draw independent masks. A run is reproducible
  for a given G; with DropSubNNs on, runs with different G differ.
- **Files.** Only rank 0 takes the run-folder lock and writes ``checkpoint.pt`` and ``metrics.json``
  (which records ``world_size``) and runs the final evaluations; the other ranks write nothing. The
  checkpoint holds the unwrapped model, so a run resumes under any world size (also 1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistributedContext:
    rank: int  # global rank of this process
    world_size: int  # number of processes of the job (G)
    local_rank: int  # rank on this machine (the CUDA device index under torchrun)
    backend: str  # "gloo" or "nccl"

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def agree(self, ok: bool) -> bool:
        """Whether every rank says ``ok`` (a collective: every rank must call it)."""
        flag = torch.tensor([1 if ok else 0], dtype=torch.int64)
        dist.all_reduce(flag, op=dist.ReduceOp.MIN)
        return bool(flag.item())

    def sum(self, values: list[float]) -> list[float]:
        """Element-wise sum over the ranks (a collective)."""
        t = torch.tensor(values, dtype=torch.float64)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t.tolist()


def launched_by_torchrun() -> bool:
    """Whether this process is one of several started by torchrun (``WORLD_SIZE`` > 1)."""
    try:
        return int(os.environ.get("WORLD_SIZE", "1")) > 1
    except ValueError:
        return False


def init_distributed(device: str = "cpu") -> DistributedContext:
    """Join the process group torchrun set up (environment ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
    ``MASTER_ADDR``/``MASTER_PORT``); gloo for CPU, nccl for CUDA. Idempotent."""
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", rank))
    backend = "nccl" if str(device).startswith("cuda") else "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend=backend, rank=rank, world_size=world)
    return DistributedContext(rank, world, local, backend)


def rank_device(device: str, ctx: DistributedContext) -> str:
    """``cuda`` becomes this rank's ``cuda:LOCAL_RANK``; other devices stay as given."""
    return f"cuda:{ctx.local_rank}" if device in ("cuda", "auto") and torch.cuda.is_available() else device


def check_batch(batch_size: int, ctx: DistributedContext) -> None:
    from ._config import TrainConfigError

    if batch_size % ctx.world_size:
        raise TrainConfigError(
            f"The global batch size {batch_size} must be divisible by the {ctx.world_size} "
            "processes of the job."
        )


def step_seed_parts(seed: int, epoch: int, ctx: DistributedContext | None) -> tuple[int, ...]:
    """What seeds the in-step randomness (DropSubNNs) of an epoch on this rank."""
    return (seed, epoch, 1) if ctx is None or ctx.rank == 0 else (seed, epoch, 1, ctx.rank)


def rank_chunks(order: torch.Tensor, batch_size: int, ctx: DistributedContext) -> list[torch.Tensor]:
    """This rank's indices of every global batch of ``order`` (see the module docstring)."""
    out = []
    n = int(order.numel())
    for start in range(0, n, batch_size):
        batch = order[start : start + batch_size]
        if batch.numel() < 2 * ctx.world_size:
            break  # a short last batch that would leave a rank fewer than 2 images
        out.append(torch.tensor_split(batch, ctx.world_size)[ctx.rank])
    return out


def global_batch_count(n: int, batch_size: int, ctx: DistributedContext) -> int:
    """Optimizer steps per epoch of a G-process job over ``n`` training images."""
    return n // batch_size + (1 if n % batch_size >= 2 * ctx.world_size else 0)


def iter_rank_batches(
    ds, batch_size: int, generator: torch.Generator, ctx: DistributedContext, num_workers: int = 0
):
    """``(x, y)`` batches of this rank for one epoch; the order is the 1-process run's (same generator)."""
    from ._data import ArrayDataset

    order = torch.randperm(len(ds), generator=generator)
    chunks = rank_chunks(order, batch_size, ctx)
    if isinstance(ds, ArrayDataset):
        for idx in chunks:
            yield ds.x[idx], ds.y[idx]
        return
    loader = torch.utils.data.DataLoader(
        ds, batch_sampler=[c.tolist() for c in chunks], num_workers=num_workers
    )
    for x, y in loader:
        yield x, torch.as_tensor(y, dtype=torch.int64)


def wrap_model(model, device: torch.device, sync_bn: bool = False):
    """``model`` as DistributedDataParallel (parameters shared with ``model``); SyncBatchNorm with ``sync_bn``."""
    from torch.nn.parallel import DistributedDataParallel

    if sync_bn:
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids)
