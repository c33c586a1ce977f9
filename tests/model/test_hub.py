"""Models reachable the way PyTorch users load them: block masks, torch.hub, timm."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from codesearch.codes import block_masks, scheme_plan
from codesearch.model import block_mask_tensors, coded_resnext, count_parameters, create_model
from codesearch.schemefile import read_scheme

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["cifar10", "cifar100", "imagenet"])
def test_block_masks_follow_the_plan(name):
    scheme = read_scheme(ROOT / "schemes" / f"{name}.json")
    plan = scheme_plan(scheme)
    masks = block_masks(scheme)
    tensors = block_mask_tensors(scheme)
    assert len(masks) == len(tensors) == len(plan) == len(scheme.blocks)
    for code_id, m, t in zip(plan, masks, tensors):
        a, n = (int(v) for v in code_id.split("/"))
        assert m.shape == (scheme.num_classes, n) and m.dtype == np.uint8
        assert (m.sum(axis=1) == a).all()
        if a < n:
            assert (m == np.array(scheme.code(code_id).matrix)).all()
        assert torch.equal(t, torch.as_tensor(m, dtype=torch.float32))


def test_coded_resnext_takes_paths_dicts_and_the_curated_default():
    path = ROOT / "schemes" / "cifar10.json"
    a = coded_resnext("proxy-s", str(path))
    b = coded_resnext("proxy-s")  # curated scheme of the preset
    c = coded_resnext("proxy-s", read_scheme(path))
    assert count_parameters(a) == count_parameters(b) == count_parameters(c)
    with pytest.raises(ValueError, match="pretrained"):
        coded_resnext("proxy-s", pretrained=True)
    with pytest.raises(TypeError):
        coded_resnext("proxy-s", 42)


def test_torch_hub_load_from_the_checkout():
    model = torch.hub.load(
        str(ROOT),
        "coded_resnext",
        preset="cifar10",
        scheme=str(ROOT / "schemes" / "cifar10.json"),
        source="local",
        trust_repo=True,
    )
    ref = create_model("cifar10", read_scheme(ROOT / "schemes" / "cifar10.json"))
    assert count_parameters(model) == count_parameters(ref)
    model.eval()
    out = model(torch.zeros(2, 3, 32, 32))
    assert out.logits.shape == (2, 10)


def test_timm_create_model():
    timm = pytest.importorskip("timm")
    import codesearch.model.timm_models  # noqa: F401

    path = ROOT / "schemes" / "cifar10.json"
    model = timm.create_model("coded_resnext29_10x11d", scheme=str(path))
    assert count_parameters(model) == count_parameters(create_model("cifar10", read_scheme(path)))
    assert "coded_resnext50_32x4d" in timm.list_models("coded_resnext*")
    with pytest.raises(ValueError, match="pretrained"):
        timm.create_model("coded_resnext29_20x6d", pretrained=True)


def test_importing_the_model_package_after_timm_registers_the_models():
    pytest.importorskip("timm")
    code = (
        "import timm, codesearch.model; m = timm.create_model('coded_resnext29_20x6d'); print(m.num_classes)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert res.returncode == 0 and res.stdout.strip() == "100", res.stderr
