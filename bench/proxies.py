"""The proxy training settings the experiments use (docs/experiments.md), as TrainConfig overrides and as the
equivalent ``codesearch train`` / ``codesearch compare`` flags.

- ``slow``: the digit-pairs / proxy-s100 proxy measured in README (bench/train_digits.py's digit-pairs task):
  30 epochs, batch 64, lr 0.2, mu 20 with a 5-epoch mu warm-up, 60 train images per class, binary thresholds
  on 2000 train images.
- ``fast``: the same network, data, batch, lr and mu, with FAST_EPOCHS epochs (mu warm-up scaled to keep
  about a sixth of the run) and channels_last activations; bench/proxy_speed.py measures the speed-up and
  experiment 3's method (bench/proxy_rank.py) checks that it ranks configurations like ``slow``.
- ``digits``: the digits / proxy-s proxy (the TrainConfig defaults: 20 epochs, batch 128, lr 0.1, mu 20).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_digits import TASKS

FAST_EPOCHS = 10

# slow and digits are bench/train_digits.py's tasks (one home); fast changes the slow one's schedule only
_SLOW = TASKS["digit-pairs"][2]
SETTINGS = {
    "slow": dict(_SLOW),
    "fast": {**_SLOW, "epochs": FAST_EPOCHS, "mu_warmup_epochs": 2, "channels_last": True},
    "digits": dict(TASKS["digits"][2]),
}
DATASET = {
    "slow": TASKS["digit-pairs"][:2],
    "fast": TASKS["digit-pairs"][:2],
    "digits": TASKS["digits"][:2],
}


def flags(name: str, **changes) -> list[str]:
    """``codesearch train``/``compare`` flags of a setting (``changes`` override fields first)."""
    dataset, preset = DATASET[name]
    out = ["--dataset", dataset, "--preset", preset]
    for k, v in {**SETTINGS[name], **changes}.items():
        flag = "--" + k.replace("_", "-")
        if v is True:
            out.append(flag)
        elif v is not False and v is not None:
            out += [flag, str(v)]
    return out
