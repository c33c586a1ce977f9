"""The fast coded block and model against the direct reference (tests/model/reference.py)."""

import copy

import pytest
import torch

from codesearch.model import Removal, ResNeXtBlock, coding_loss, create_model

from .conftest import preset_scheme, randomize_bn
from .reference import ref_block, ref_forward, ref_loss

ATOL = 1e-5


def _block(coded=True, cin=12, cout=24, width=3, subnns=5, stride=2, seed=0):
    torch.manual_seed(seed)
    b = ResNeXtBlock(cin, cout, width, subnns, stride, coded=coded)
    randomize_bn(b, seed)
    return b


def _close(a, b, tol=ATOL):
    assert a.shape == b.shape
    assert torch.allclose(a, b, atol=tol, rtol=1e-4), (a - b).abs().max().item()


@pytest.mark.parametrize("train", [False, True])
def test_energies_and_output_match_reference(train):
    blk = _block().train(train)
    x = torch.randn(4, 12, 8, 8)
    y, e = blk(x)
    y_ref, e_ref = ref_block(blk, x)
    _close(e, e_ref)
    _close(y, y_ref)
    # normalisation: energies sum to N per sample
    _close(e.sum(dim=1), torch.full((4,), 5.0))


def test_raw_energy_is_mean_square_of_branch_output():
    blk = _block(stride=1).eval()
    x = torch.randn(2, 12, 6, 6)
    h = blk.branch_inputs(x)
    e = blk.raw_energies(h)
    w = blk.conv3.weight.reshape(24, 5, 3)
    for n in range(5):
        t = torch.einsum("ci,bihw->bchw", w[:, n], h[:, 3 * n : 3 * n + 3])
        _close(e[:, n], t.pow(2).mean(dim=(1, 2, 3)))


def test_keep_and_drop_masks_match_reference():
    blk = _block().eval()
    x = torch.randn(3, 12, 8, 8)
    keep = torch.tensor([[1, 0, 1, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 1]], dtype=torch.float32)
    drop = torch.tensor([[2, 2, 0, 2, 2], [2, 0, 2, 2, 2], [0, 2, 2, 2, 2]], dtype=torch.float32)
    y, e = blk(x, keep=keep, drop=drop)
    y_ref, e_ref = ref_block(blk, x, keep, drop)
    _close(y, y_ref)
    _close(e, e_ref)
    assert (e[keep == 0] == 0).all()
    _close(e.sum(dim=1), torch.full((3,), 5.0))
    # dropping happens after the normalisation: energies do not see it
    _, e_nodrop = blk(x, keep=keep)
    _close(e, e_nodrop)


def test_norm_subnns_divides_by_original_n():
    blk = _block()
    blk.norm_subnns = 8
    x = torch.randn(2, 12, 8, 8)
    y, e = blk.eval()(x)
    y_ref, e_ref = ref_block(blk, x)
    _close(y, y_ref)
    _close(e, e_ref)
    _close(e.sum(dim=1), torch.full((2,), 8.0))


def test_plain_block_is_one_dense_conv():
    blk = _block(coded=False).eval()
    x = torch.randn(2, 12, 8, 8)
    y, e = blk(x)
    assert e is None
    _close(y, ref_block(blk, x)[0])


def test_gradients_match_reference():
    blk = _block().train()
    ref = copy.deepcopy(blk)
    x = torch.randn(4, 12, 8, 8, requires_grad=True)
    x2 = x.detach().clone().requires_grad_(True)
    keep = torch.ones(4, 5)
    keep[1, 2] = 0
    drop = torch.full((4, 5), 1 / 0.9)
    drop[0, 0] = 0
    target = torch.zeros(4, 5)
    target[:, :2] = 1
    y, e = blk(x, keep=keep, drop=drop)
    (y.pow(2).mean() + coding_loss(e, target, 0.4)).backward()
    y2, e2 = ref_block(ref, x2, keep, drop)
    (y2.pow(2).mean() + ref_loss(e2, target, 0.4, 4.0, 0.0)).backward()
    _close(x.grad, x2.grad)
    for (name, p), (_, q) in zip(blk.named_parameters(), ref.named_parameters()):
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        _close(p.grad, q.grad, 1e-5)


@pytest.mark.parametrize("power,threshold", [(4.0, 0.0), (2.0, 0.1), (1.0, 0.0), (3.0, 0.25)])
def test_coding_loss_formula(power, threshold):
    torch.manual_seed(1)
    e = torch.rand(3, 6) * 2
    target = (torch.rand(3, 6) > 0.5).float()
    _close(coding_loss(e, target, 0.5, power, threshold), ref_loss(e, target, 0.5, power, threshold))


def _model(preset="proxy-s", **kw):
    torch.manual_seed(0)
    m = create_model(preset, preset_scheme(preset), **kw)
    return randomize_bn(m)


@pytest.mark.parametrize("preset", ["proxy-s", "proxy-s100"])
def test_model_forward_matches_reference(preset):
    m = _model(preset).eval()
    h, w = m.preset.input_size
    x = torch.randn(3, 3, h, w)
    labels = torch.tensor([0, 7, 3])
    out = m(x, labels)
    logits, total, losses, energies = ref_forward(m, x, labels)
    _close(out.logits, logits)
    _close(out.coding_loss, total)
    assert len(out.block_losses) == len(losses) == len(m.coded_blocks) == len(out.energies)
    for a, b in zip(out.block_losses, losses):
        _close(a, b)
    for a, b in zip(out.energies, energies):
        _close(a, b)


def test_model_removals_match_reference():
    m = _model().eval()
    x = torch.randn(4, 3, 8, 8)
    labels = torch.tensor([1, 2, 3, 9])
    for kw in (
        {"remove_inactive": True},
        {"remove": Removal(1, "active", 2, seed=5)},
        {"remove": Removal(2, "inactive", 7, seed=1)},
        {"remove": Removal(0, "inactive", 3), "remove_inactive": True},
    ):
        out = m(x, labels, **kw)
        ref = ref_forward(m, x, labels, **kw)
        _close(out.logits, ref[0])
        for a, b in zip(out.energies, ref[3]):
            _close(a, b)


def test_removal_counts_and_determinism():
    m = _model().eval()
    x = torch.randn(5, 3, 8, 8)
    labels = torch.tensor([0, 1, 2, 3, 4])
    code = m.code_matrix(1)[labels]
    out = m(x, labels, remove=Removal(1, "active", 2, seed=3))
    zero = out.energies[1] == 0
    assert (zero.sum(dim=1) == 2).all()
    assert (code[zero] == 1).all()  # only active branches were removed
    again = m(x, labels, remove=Removal(1, "active", 2, seed=3))
    assert torch.equal(out.energies[1] == 0, again.energies[1] == 0)
    out = m(x, labels, remove=Removal(2, "inactive", 7))
    zero = out.energies[2] == 0
    assert (zero.sum(dim=1) == 7).all() and (m.code_matrix(2)[labels][zero] == 0).all()
    out = m(x, labels, remove_inactive=True)
    for i, e in enumerate(out.energies):
        assert (e[m.code_matrix(i)[labels] == 0] == 0).all()  # inactive branches silent
        assert (e.sum(dim=1) - 10).abs().max() < 1e-4
    with pytest.raises(ValueError, match="only 3"):
        m(x, labels, remove=Removal(2, "active", 4))
    with pytest.raises(ValueError, match="labels"):
        m(x, remove_inactive=True)
    with pytest.raises(ValueError, match="out of range"):
        m(x, labels, remove=Removal(9, "active", 1))
    with pytest.raises(ValueError, match="kind"):
        Removal(0, "some", 1)


def test_dropsubnns_same_code_same_mask_matches_reference():
    m = _model(p_drop=0.4).train()
    x = torch.randn(6, 3, 8, 8)
    labels = torch.arange(6)
    seen = []
    originals = {}
    for i, blk in enumerate(m.blocks):
        originals[i] = blk.forward

        def spy(inp, keep=None, drop=None, _i=i):
            seen.append((_i, drop))
            return originals[_i](inp, keep=keep, drop=drop)

        blk.forward = spy
    torch.manual_seed(11)
    out = m(x, labels)
    for blk in m.blocks:
        del blk.forward
    drops = {i: d for i, d in seen if m.blocks[i].coded}
    # proxy-s: blocks 1, 2 use 5/10, blocks 3, 4 use 3/10
    assert drops[1] is drops[2] and drops[3] is drops[4]
    assert not torch.equal(drops[1], drops[3])
    vals = torch.unique(drops[1])
    assert ((vals == 0) | ((vals - 1 / 0.6).abs() < 1e-6)).all()
    torch.manual_seed(11)
    ref = ref_forward(m, x, labels)
    _close(out.logits, ref[0])
    _close(out.coding_loss, ref[1])
    m.eval()
    torch.manual_seed(11)
    a = m(x, labels).logits
    torch.manual_seed(12)
    assert torch.equal(a, m(x, labels).logits)  # no dropping in eval mode


def test_gradients_flow_to_every_parameter():
    m = _model(p_drop=0.1).train()
    x = torch.randn(4, 3, 8, 8)
    labels = torch.tensor([0, 1, 2, 3])
    out = m(x, labels)
    loss = torch.nn.functional.cross_entropy(out.logits, labels) + 6 * out.coding_loss
    loss.backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name
