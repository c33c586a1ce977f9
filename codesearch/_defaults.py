"""The one home of the Coded ResNeXt hyper-parameter defaults that the model and the trainer share.

torch-free, so that :class:`codesearch.train.TrainConfig` (read by ``codesearch --help``) and
:class:`codesearch.model.CodedResNeXtConfig` take the same values without importing each other.
"""

from __future__ import annotations

#: DropSubNNs probability (training only; branch outputs rescaled by 1/(1-p)); the paper's value.
P_DROP = 0.1
#: Exponent p of the coding loss max(|r E_n - w_n| - thr, 0)^p.
LOSS_POWER = 4.0
#: Dead zone thr of the coding loss.
LOSS_THRESHOLD = 0.0
#: Momentum of every BatchNorm (PyTorch convention).
BN_MOMENTUM = 0.1
#: Start every block's last BatchNorm gamma at 0 (as the paper's code does).
ZERO_INIT_LAST_BN = True
