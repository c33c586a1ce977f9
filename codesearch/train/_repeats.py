"""Several seeds of one configuration trained in lockstep, so that a caller sees the per-epoch mean.

:func:`run_repeats` trains one run per seed, each in its own thread, but only one thread runs at a time: a
baton passes from run to run at the end of every epoch (inside the per-epoch callback). When every run
still going has finished epoch e, ``on_epoch_mean(e, record)`` gets the mean of their epoch records (e.g.
to report it to a pruner); whatever it raises (``optuna.TrialPruned``) stops every run at its next callback
and is raised by :func:`run_repeats` once all have stopped.

Each run is the run it would be alone: the loop re-seeds every RNG from (seed, epoch) at the start of every
epoch and a baton hand-over happens only between epochs, so the interleaving does not change any run's
numbers (on CPU, deterministic kernels stay on for the whole lockstep).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Sequence

from ._config import TrainConfig

MeanCallback = Callable[[int, dict], None]  # (epoch from 1, mean of the runs' epoch records)


class _Stop(BaseException):
    """Internal: raised in a run's callback when another run (or on_epoch_mean) stopped the lockstep."""


class _Baton:
    def __init__(self, n: int, on_round: MeanCallback | None, callback: Callable | None):
        self.cv = threading.Condition()
        self.n = n
        self.turn = 0
        self.active = list(range(n))  # runs still going, in turn order
        self.records: list[dict[int, dict]] = [{} for _ in range(n)]
        self.rounds_done = 0
        self.on_round = on_round
        self.callback = callback
        self.error: BaseException | None = None  # what stops every run

    # all below run with self.cv held
    def _pass(self, i: int) -> None:
        if not self.active:
            return
        later = [j for j in self.active if j > i]
        self.turn = later[0] if later else self.active[0]
        self.cv.notify_all()

    def _close_rounds(self) -> None:
        while self.active and self.error is None:
            e = self.rounds_done + 1
            if not all(e in self.records[j] for j in self.active):
                return
            recs = [self.records[j][e] for j in range(self.n) if e in self.records[j]]
            self.rounds_done = e
            mean = {
                k: sum(float(r[k]) for r in recs) / len(recs)
                for k in recs[0]
                if all(isinstance(r.get(k), (int, float)) and not isinstance(r.get(k), bool) for r in recs)
            }
            mean["runs"] = len(recs)
            if self.on_round is not None:
                try:
                    self.on_round(e, mean)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller after every run stopped
                    self.error = exc

    def wait_turn(self, i: int) -> None:
        while self.turn != i:
            self.cv.wait()
        if self.error is not None:
            raise _Stop

    def epoch_done(self, i: int, epoch: int, record: dict) -> None:
        with self.cv:
            self.records[i][epoch] = dict(record)
            if self.callback is not None:
                self.callback(i, epoch, dict(record))
            self._close_rounds()
            if self.error is not None:
                raise _Stop
            self._pass(i)
            self.wait_turn(i)

    def leave(self, i: int, error: BaseException | None = None) -> None:
        with self.cv:
            if error is not None and self.error is None:
                self.error = error
            if i in self.active:
                self.active.remove(i)
            self._close_rounds()
            self._pass(i)


def run_repeats(
    config: TrainConfig,
    scheme,
    seeds: Sequence[int],
    *,
    train_fn: Callable | None = None,
    on_epoch_mean: MeanCallback | None = None,
    on_epoch: Callable[[int, int, dict], None] | None = None,
    **train_kwargs,
) -> list:
    """Train ``scheme`` with ``config`` once per seed in lockstep; returns the RunResult of every seed.

    ``train_fn(config, scheme, *, callback, **train_kwargs)`` defaults to :func:`run_training`.
    ``on_epoch(run index, epoch, record)`` sees every run's records; ``on_epoch_mean(epoch, mean)`` the mean
    over the runs still going (``mean["runs"]`` of them). One seed: a plain call, no thread."""
    if train_fn is None:
        from ._loop import run_training as train_fn
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("run_repeats needs at least one seed.")
    if len(seeds) == 1:

        def single(epoch, record):
            if on_epoch is not None:
                on_epoch(0, epoch, dict(record))
            if on_epoch_mean is not None:
                on_epoch_mean(
                    epoch, {**{k: v for k, v in record.items() if isinstance(v, (int, float))}, "runs": 1}
                )

        return [train_fn(dataclasses.replace(config, seed=seeds[0]), scheme, callback=single, **train_kwargs)]

    baton = _Baton(len(seeds), on_epoch_mean, on_epoch)
    results: list = [None] * len(seeds)  # RunResult of each seed

    def target(i: int) -> None:
        error = None
        try:
            with baton.cv:
                baton.wait_turn(i)
            results[i] = train_fn(
                dataclasses.replace(config, seed=seeds[i]),
                scheme,
                callback=lambda e, r: baton.epoch_done(i, e, r),
                **train_kwargs,
            )
        except _Stop:
            pass
        except BaseException as exc:  # noqa: BLE001 - stops the others; raised in the calling thread
            error = exc
        finally:
            baton.leave(i, error)

    threads = [
        threading.Thread(target=target, args=(i,), name=f"codesearch-repeat-{s}", daemon=True)
        for i, s in enumerate(seeds)
    ]
    with _deterministic_cpu(config.device):
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
        except KeyboardInterrupt as exc:
            with baton.cv:
                if baton.error is None:
                    baton.error = exc
                baton.cv.notify_all()
            for t in threads:
                t.join()
            raise
    if baton.error is not None:
        raise baton.error
    return results  # type: ignore[return-value]


@contextlib.contextmanager
def _deterministic_cpu(device: str):
    """The training loop's deterministic-kernels context for ``device`` ("auto" on a machine without an
    accelerator is the CPU); a bad device name is left for the run itself to report."""
    from ._loop import _deterministic, resolve_device

    try:
        dev = resolve_device(device)
    except ValueError:
        yield
        return
    with _deterministic(dev):
        yield
