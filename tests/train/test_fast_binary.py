"""The binary-classifier scores computed from shared features equal the extracted classifiers' outputs."""

import contextlib
import dataclasses

import numpy as np
import pytest
import torch

from codesearch.model import build_coded_resnext, count_parameters, extract_binary_classifier
from codesearch.train import ArrayDataset, TrainConfig, TrainConfigError
from codesearch.train._evaluate import binary_classifiers, binary_scores
from codesearch.train._loop import mu_factor

AMP = contextlib.nullcontext


def _model(scheme, *, plain=False, seed=0):
    torch.manual_seed(seed)
    m = build_coded_resnext("proxy-s", scheme, in_chans=1, plain=plain)
    g = torch.Generator().manual_seed(seed + 1)
    for mod in m.modules():  # non-trivial BN statistics and gammas (the last BN starts at gamma 0)
        if isinstance(mod, torch.nn.BatchNorm2d):
            n = mod.num_features
            mod.weight.data = torch.rand(n, generator=g) + 0.5
            mod.bias.data = torch.rand(n, generator=g) * 0.4 - 0.2
            mod.running_mean = torch.rand(n, generator=g) * 0.2 - 0.1
            mod.running_var = torch.rand(n, generator=g) + 0.5
    return m.eval()


def _data(n, seed):
    g = torch.Generator().manual_seed(seed)
    return ArrayDataset(torch.randn(n, 1, 8, 8, generator=g), torch.randint(0, 10, (n,), generator=g))


def _reference(model, ds, k):
    clf = extract_binary_classifier(model, k).eval()
    with torch.no_grad():
        return clf(ds.x).double().numpy()


@pytest.mark.parametrize("plan", [None, ("10/10", "10/10", "5/10", "3/10", "3/10")])
def test_fast_scores_equal_the_extracted_classifiers(scheme10, plan):
    # plan None: the first coded block is block 1 (c3#1); the explicit plan leaves c3#1 uncoded (block 2)
    scheme = scheme10 if plan is None else dataclasses.replace(scheme10, blocks=plan)
    model = _model(scheme)
    first = model.coded_blocks[0].index
    assert first == (1 if plan is None else 2)
    a, b = _data(37, 1), _data(23, 2)
    # a tiny cache budget forces one chunk per batch: chunks that mix the two datasets are split correctly
    for cache_bytes in (1 << 28, 1):
        (sa, sb), params = binary_scores(model, [a, b], 16, "cpu", AMP, cache_bytes=cache_bytes)
        assert sa.shape == (37, 10) and sb.shape == (23, 10)
        for k in (0, 4, 9):
            np.testing.assert_allclose(sa[:, k], _reference(model, a, k), rtol=1e-5, atol=1e-5)
            np.testing.assert_allclose(sb[:, k], _reference(model, b, k), rtol=1e-5, atol=1e-5)
        assert params == [count_parameters(extract_binary_classifier(model, k)) for k in range(10)]
    # the scores really depend on the class's codeword (not the same column ten times)
    assert np.ptp(sa, axis=1).min() > 0


def test_fast_scores_match_the_full_model_with_class_masks(scheme10):
    model = _model(scheme10, seed=3)
    a = _data(20, 4)
    (s,), _ = binary_scores(model, [a], 8, "cpu", AMP, classes=[2, 7])
    with torch.no_grad():
        for j, k in enumerate((2, 7)):
            want = model(a.x, torch.full((20,), k), remove_inactive=True).logits[:, k].double().numpy()
            np.testing.assert_allclose(s[:, j], want, rtol=1e-4, atol=1e-4)


def test_plain_network_scores_are_its_logits(scheme10):
    model = _model(scheme10, plain=True)
    a = _data(12, 5)
    (s,), params = binary_scores(model, [a], 5, "cpu", AMP)
    with torch.no_grad():
        np.testing.assert_allclose(s, model(a.x).logits.double().numpy(), rtol=1e-6, atol=1e-6)
    assert params == [count_parameters(extract_binary_classifier(model, k)) for k in range(10)]


def test_binary_classifiers_uses_the_scores_thresholds_and_counts(scheme10):
    from codesearch.train import best_f1_threshold, binary_metrics

    model = _model(scheme10, seed=6)
    tr, te = _data(40, 7), _data(30, 8)
    res = binary_classifiers(model, tr, te, 16, "cpu", AMP, tr.y.numpy(), te.y.numpy())
    total = count_parameters(model)
    for k in (1, 8):
        s_tr, s_te = _reference(model, tr, k), _reference(model, te, k)
        t, f1 = best_f1_threshold(s_tr, tr.y.numpy() == k)
        c = res["classes"][k]
        assert c["threshold"] == pytest.approx(t, abs=1e-5) and c["train_f1"] == pytest.approx(f1)
        m = binary_metrics(s_te, te.y.numpy() == k, t)
        assert (c["tp"], c["fp"], c["fn"]) == (m["tp"], m["fp"], m["fn"])
        p = count_parameters(extract_binary_classifier(model, k))
        assert c["parameters"] == p and c["fraction"] == pytest.approx(p / total)
    assert res["mean_f1"] == pytest.approx(np.mean([c["f1"] for c in res["classes"]]))


def test_mu_warmup_ramp_and_validation():
    assert mu_factor(0, 0) == 1.0 and mu_factor(99, 0) == 1.0
    assert mu_factor(0, 10) == pytest.approx(0.1)
    assert mu_factor(4, 10) == pytest.approx(0.5)
    assert mu_factor(9, 10) == 1.0 and mu_factor(50, 10) == 1.0
    assert TrainConfig().mu_warmup_epochs == 0
    with pytest.raises(TrainConfigError):
        TrainConfig(mu_warmup_epochs=-1)
