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

FAST_EPOCHS = 10

SETTINGS = {
    "slow": {
        "epochs": 30,
        "batch_size": 64,
        "lr": 0.2,
        "mu": 20.0,
        "mu_warmup_epochs": 5,
        "samples_per_class": 60,
        "binary_train_limit": 2000,
    },
    "fast": {
        "epochs": FAST_EPOCHS,
        "batch_size": 64,
        "lr": 0.2,
        "mu": 20.0,
        "mu_warmup_epochs": 2,
        "samples_per_class": 60,
        "binary_train_limit": 2000,
        "channels_last": True,
    },
    "digits": {"epochs": 20, "batch_size": 128, "lr": 0.1, "mu": 20.0},
}
DATASET = {
    "slow": ("digit-pairs", "proxy-s100"),
    "fast": ("digit-pairs", "proxy-s100"),
    "digits": ("digits", "proxy-s"),
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
