r"""The ResNeXt block, plain or coded, computed without materialising the N branch outputs.

A block with N branches of width d maps x (Cin x H x W) through a dense 1x1 conv (Cin -> N d), BN, ReLU,
a grouped 3x3 conv (N groups), BN, ReLU. Call the result H; H_n (d x P, P = H' W') is branch n's slice.
Branch n's output is :math:`t_n = W_n H_n` with :math:`W_n` the n-th d columns of the last 1x1 conv
(Cout x N d). The paper materialises every :math:`t_n` (N x Cout x P); this module never does:

* energy: :math:`E_n = \|W_n H_n\|_F^2 / (C_{out} P) = \langle W_n^\top W_n, H_n H_n^\top\rangle / (C_{out} P)`,
  one batched d x d Gram matrix per branch;
* output: :math:`\sum_n m_n t_n / s = W\,(\mathrm{diag}(m/s) \otimes I_d)\,H`, the dense 1x1 conv of the
  branch inputs scaled per (sample, branch), where :math:`s^2 = \frac1N\sum_n r_n E_n` (r: removal mask)
  and :math:`m_n = r_n D_n` (D: DropSubNNs mask, applied after normalisation as in the paper's code).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .._defaults import BN_MOMENTUM

_EPS = 1e-12  # floor of the mean branch energy (only reached when every branch is removed)


class ResNeXtBlock(nn.Module):
    r"""One residual block: ``y = relu(bn3(sum_n t_n') + skip(x))``.

    Parameters
    ----------
    cin, cout:
        Input and output channels.
    width:
        d, channels inside one branch.
    subnns:
        Number of branches held by this module.
    stride:
        Stride of the grouped 3x3 conv and of the skip conv.
    coded:
        Whether the branch outputs are energy-normalised (a coded block) or simply summed (plain block).
    norm_subnns:
        The N of the mean in the normalisation :math:`s^2 = \frac1N \sum_n E_n`; defaults to ``subnns``.
        An extracted binary classifier keeps only the active branches but normalises by the original N.
    """

    def __init__(
        self,
        cin: int,
        cout: int,
        width: int,
        subnns: int,
        stride: int,
        *,
        coded: bool = False,
        norm_subnns: int | None = None,
        bn_momentum: float = BN_MOMENTUM,
    ):
        super().__init__()
        inner = subnns * width
        self.cin, self.cout, self.width, self.subnns, self.stride = cin, cout, width, subnns, stride
        self.coded = bool(coded)
        self.norm_subnns = int(norm_subnns if norm_subnns is not None else subnns)
        self.conv1 = nn.Conv2d(cin, inner, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(inner, momentum=bn_momentum)
        self.conv2 = nn.Conv2d(inner, inner, 3, stride=stride, padding=1, groups=subnns, bias=False)
        self.bn2 = nn.BatchNorm2d(inner, momentum=bn_momentum)
        self.conv3 = nn.Conv2d(inner, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout, momentum=bn_momentum)
        if stride != 1 or cin != cout:
            self.skip = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout, momentum=bn_momentum)
            )
        else:
            self.skip = nn.Identity()

    def extra_repr(self) -> str:
        return f"coded={self.coded}, norm_subnns={self.norm_subnns}"

    def branch_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """H: the concatenated inputs of the branches' last 1x1 convs, (B, N d, H', W')."""
        h = F.relu(self.bn1(self.conv1(x)), inplace=True)
        return F.relu(self.bn2(self.conv2(h)), inplace=True)

    def raw_energies(self, h: torch.Tensor) -> torch.Tensor:
        r"""Un-normalised branch energies :math:`E_n = \mathrm{mean}_{c,p}(t_n^2)`, (B, N), in float32."""
        b, _, hh, ww = h.shape
        n, d, p = self.subnns, self.width, hh * ww
        with torch.autocast(device_type=h.device.type, enabled=False):
            x = h.float().reshape(b, n, d, p)
            gram = torch.matmul(x, x.transpose(-1, -2))  # (B, N, d, d)
            w = self.conv3.weight.float().reshape(self.cout, n, d)
            wtw = torch.einsum("cni,cnj->nij", w, w)  # (N, d, d)
            return (gram * wtw).sum(dim=(-1, -2)) / float(self.cout * p)

    def forward(self, x: torch.Tensor, keep: torch.Tensor | None = None, drop: torch.Tensor | None = None):
        """Return ``(y, energies)``; ``energies`` (B, N) are normalised (sum N) or ``None`` for a plain block.

        ``keep`` (B, N) of 0/1 zeroes branch outputs before the normalisation (removal experiments);
        ``drop`` (B, N) multiplies the normalised outputs (DropSubNNs: 0 or 1/(1-p)). Both are ignored by
        plain blocks."""
        h = self.branch_inputs(x)
        if not self.coded:
            out = self.conv3(h)
            energies = None
        else:
            e = self.raw_energies(h)
            if keep is not None:
                e = e * keep
            mean_e = (e.sum(dim=1) / self.norm_subnns).clamp_min(_EPS)  # s^2, (B,)
            energies = e / mean_e[:, None]
            scale = torch.rsqrt(mean_e)[:, None]  # (B, 1)
            if keep is not None:
                scale = scale * keep
            if drop is not None:
                scale = scale * drop
            if scale.shape[1] == 1:
                factor = scale.view(-1, 1, 1, 1)
            else:
                factor = scale.repeat_interleave(self.width, dim=1)[:, :, None, None]
            out = self.conv3(h * factor.to(h.dtype))
        y = F.relu(self.bn3(out) + self.skip(x), inplace=True)
        return y, energies


def make_stem(kind: str, in_chans: int, channels: int, bn_momentum: float = BN_MOMENTUM) -> nn.Sequential:
    """``"cifar"``: conv3x3 + BN + ReLU; ``"imagenet"``: conv7x7 s2 + BN + ReLU + maxpool 3x3 s2."""
    if kind == "cifar":
        return nn.Sequential(
            nn.Conv2d(in_chans, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels, momentum=bn_momentum),
            nn.ReLU(inplace=True),
        )
    if kind == "imagenet":
        return nn.Sequential(
            nn.Conv2d(in_chans, channels, 7, stride=2, padding=3, bias=False),
            nn.BatchNorm2d(channels, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
        )
    raise ValueError(f"Unknown stem {kind!r}; expected 'cifar' or 'imagenet'.")


def init_weights(module: nn.Module, *, zero_init_last_bn: bool = True) -> None:
    """Kaiming-normal (fan_out) convs, unit/zero BNs, and (optionally) zero gamma of each block's last BN."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    if zero_init_last_bn:
        for m in module.modules():
            if isinstance(m, ResNeXtBlock):
                nn.init.zeros_(m.bn3.weight)
