"""Construction: parameter counts (Table 1), plans and their errors, registry, early decoding, devices."""

import numpy as np
import pytest
import torch

from codesearch.codes import PRESETS, Scheme, SchemeCode
from codesearch.model import (
    CodedResNeXt,
    ModelConfigError,
    autocast_context,
    count_parameters,
    create_model,
    is_model,
    list_models,
    parameter_report,
    resolve_plan,
    select_device,
)

from .conftest import cyclic_code, preset_scheme


def _meta(preset, scheme=None, **kw):
    with torch.device("meta"):
        return create_model(preset, scheme, **kw)


@pytest.mark.parametrize(
    "preset,expected", [("cifar10", 4.64e6), ("cifar100", 4.75e6), ("imagenet", 25.03e6)]
)
def test_parameter_counts_match_the_paper(preset, expected):
    coded = _meta(preset, preset_scheme(preset))
    plain = _meta(preset, num_classes=PRESETS[preset].num_classes)
    n = count_parameters(coded)
    assert abs(n - expected) / expected < 0.01, n
    assert n == count_parameters(plain)  # coding adds no parameter
    assert round(n / 1e4) / 100 == expected / 1e6  # the figure the issue quotes, to 2 decimals
    assert coded.fc.bias is None


def test_parameter_report_sums_to_total():
    r = parameter_report(_meta("cifar10", preset_scheme("cifar10")))
    assert r["stem"] + sum(s["parameters"] for s in r["stages"]) + r["head"] == r["parameters"]
    assert [s["name"] for s in r["stages"]] == ["c2", "c3", "c4"]
    assert [s["codes"] for s in r["stages"]] == [["10/10"] * 3, ["5/10"] * 3, ["3/10"] * 3]
    b = r["binary_classifier"]
    assert b["classes"] == 10 and b["min"] <= b["mean"] <= b["max"] < r["parameters"]
    assert abs(b["fraction_mean"] - 0.463) < 0.001


def test_plan_from_scheme_and_coded_blocks():
    m = create_model("proxy-s", preset_scheme("proxy-s"))
    assert m.plan == tuple(PRESETS["proxy-s"].blocks)
    assert [(b.index, b.stage, b.code_id, b.n, b.w) for b in m.coded_blocks] == [
        (1, "c3", "5/10", 10, 5),
        (2, "c3", "5/10", 10, 5),
        (3, "c4", "3/10", 10, 3),
        (4, "c4", "3/10", 10, 3),
    ]
    assert m.code_matrix(0).shape == (10, 10) and m.code_matrix(0).dtype == torch.float32
    assert np.array_equal(m.code_matrix(2).numpy(), m.scheme.code("3/10").matrix)
    assert m.num_classes == 10 and m.preset is PRESETS["proxy-s"]
    assert isinstance(m, CodedResNeXt)


def test_custom_plan_and_plain_control():
    s = preset_scheme("proxy-s", blocks=["5/10", "10/10", "3/10", "5/10", "10/10"])
    m = create_model("proxy-s", s)
    assert [b.index for b in m.coded_blocks] == [0, 2, 3]
    p = create_model("proxy-s", s, plain=True)
    assert p.coded_blocks == [] and p.num_classes == 10
    assert set(m.state_dict()) == set(p.state_dict())  # a control loads the coded model's weights
    out = p(torch.randn(2, 3, 8, 8), torch.tensor([0, 1]))
    assert out.energies == [] and out.block_losses == [] and float(out.coding_loss) == 0.0


def test_cifar_scheme_transfers_to_proxies_stage_by_stage():
    s = preset_scheme("cifar10")
    assert len(s.blocks or PRESETS["cifar10"].blocks) == 9
    s = Scheme(s.num_classes, s.codes, blocks=tuple(PRESETS["cifar10"].blocks), preset="cifar10")
    assert resolve_plan("proxy-s", s) == tuple(PRESETS["proxy-s"].blocks)
    assert resolve_plan("proxy-m", s) == tuple(PRESETS["proxy-m"].blocks)
    s100 = preset_scheme("cifar100")
    s100 = Scheme(100, s100.codes, blocks=tuple(PRESETS["cifar100"].blocks), preset="cifar100")
    assert resolve_plan("proxy-s100", s100) == tuple(PRESETS["proxy-s100"].blocks)
    mixed = Scheme(
        10, s.codes, blocks=("10/10",) * 3 + ("5/10", "5/10", "3/10") + ("3/10",) * 3, preset="cifar10"
    )
    with pytest.raises(ModelConfigError, match="several codes in stage c3"):
        resolve_plan("proxy-s", mixed)


@pytest.mark.parametrize(
    "blocks,message",
    [
        (["10/10", "5/10", "5/10", "3/10"], "has 4 blocks but preset 'proxy-s' has 5"),
        (["10/10", "5/10", "5/10", "3/10", "4/20"], "N=20, but the stage has N=10"),
        (["10/10", "5/10", "5/10", "3/10", "3/10", "3/10"], "has 6 blocks"),
    ],
)
def test_bad_plans(blocks, message):
    s = preset_scheme("proxy-s")
    code20 = SchemeCode(cyclic_code(10, 20, 4))
    s = Scheme(10, s.codes + (code20,), blocks=tuple(blocks))
    with pytest.raises(ModelConfigError, match=message):
        create_model("proxy-s", s)


def test_missing_code_and_class_mismatch():
    only5 = Scheme(10, (SchemeCode(cyclic_code(10, 10, 5)),))
    with pytest.raises(ModelConfigError, match="uses code 3/10, which the scheme does not define"):
        create_model("proxy-s", only5)
    with pytest.raises(ValueError, match="has 10 classes but the network was asked for 100"):
        create_model("proxy-s", preset_scheme("proxy-s"), num_classes=100)
    with pytest.raises(ValueError, match="needs num_classes"):
        create_model("proxy-s")
    with pytest.raises(ValueError, match="Unknown model 'nope'"):
        create_model("nope")
    with pytest.raises(TypeError, match="Scheme"):
        create_model("proxy-s", {"codes": []})
    with pytest.raises(ValueError, match="p_drop"):
        create_model("proxy-s", preset_scheme("proxy-s"), p_drop=1.0)


def test_registry():
    names = list_models("coded_resnext")
    assert names == list(PRESETS)
    assert is_model("binary_classifier") and "binary_classifier" in list_models()


def test_forward_shapes_and_in_chans():
    m = create_model("proxy-s", preset_scheme("proxy-s"), in_chans=1).eval()
    out = m(torch.randn(3, 1, 8, 16))
    assert out.logits.shape == (3, 10)
    assert [tuple(e.shape) for e in out.energies] == [(3, 10)] * 4
    assert out.block_losses == [] and out.coding_loss.shape == ()


def test_early_decode():
    m = create_model("proxy-s", preset_scheme("proxy-s"))
    codes = m.code_matrix(2)
    e = codes[[4, 7, 0]] * 10 / 3 + 0.01  # normalised energies of perfect codewords (sum N)
    pred, dist = m.early_decode(e, 2)
    assert pred.tolist() == [4, 7, 0]
    assert dist.shape == (3, 10)
    manual = ((e / e.sum(1, keepdim=True) * 3)[:, None] - codes[None]).pow(2).sum(-1).sqrt()
    assert torch.allclose(dist, manual)


def test_devices():
    assert select_device("cpu") == torch.device("cpu")
    assert select_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(ValueError, match="Unknown device"):
        select_device("gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            select_device("cuda")
    with autocast_context(torch.device("cpu")):
        assert not torch.is_autocast_enabled()
