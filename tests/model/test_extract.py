"""Binary-classifier extraction equivalence, parameter counts, checkpoints and classifier files."""

import pytest
import torch

from codesearch.model import (
    BinaryClassifier,
    CheckpointError,
    checkpoint_dict,
    count_parameters,
    create_model,
    extract_binary_classifier,
    load_binary_classifier,
    load_checkpoint,
    load_model_from_checkpoint,
    parameter_report,
    save_binary_classifier,
    save_checkpoint,
)

from .conftest import preset_scheme, randomize_bn


def _model(preset, seed=0, **kw):
    torch.manual_seed(seed)
    return randomize_bn(create_model(preset, preset_scheme(preset), **kw), seed).eval()


@pytest.mark.parametrize(
    "preset,classes", [("proxy-s", [0, 3, 9]), ("proxy-s100", [0, 41, 99]), ("proxy-m", [5])]
)
def test_extracted_classifier_equals_logit_with_inactive_removed(preset, classes):
    m = _model(preset)
    h, w = m.preset.input_size
    torch.manual_seed(1)
    x = torch.randn(4, 3, h, w)
    full = count_parameters(m)
    for k in classes:
        clf = extract_binary_classifier(m, k)
        assert isinstance(clf, BinaryClassifier) and not clf.training
        with torch.no_grad():
            want = m(x, torch.full((4,), k), remove_inactive=True).logits[:, k]
            got = clf(x)
        assert got.shape == (4,)
        assert (got - want).abs().max().item() <= 1e-5
        # physically smaller: only the active branches of every coded block
        assert count_parameters(clf) < full
        for blk, info in zip([clf.blocks[b.index] for b in m.coded_blocks], m.coded_blocks):
            assert blk.subnns == info.w and blk.norm_subnns == info.n
        # and it does not alias the model's weights
        assert clf.fc.weight.data_ptr() != m.fc.weight.data_ptr()
    r = parameter_report(m, classes=classes)
    assert r["binary_classifier"]["min"] == min(
        count_parameters(extract_binary_classifier(m, k)) for k in classes
    )


def test_extraction_without_removal_differs():
    # guard against a vacuous equivalence: the full logit (all branches) is not the classifier's output
    m = _model("proxy-s")
    x = torch.randn(4, 3, 8, 8)
    with torch.no_grad():
        full = m(x).logits[:, 2]
        clf = extract_binary_classifier(m, 2)(x)
    assert (full - clf).abs().max().item() > 1e-3


def test_plain_model_extraction_is_whole_network_with_one_row():
    torch.manual_seed(0)
    m = randomize_bn(create_model("proxy-s", num_classes=7)).eval()
    clf = extract_binary_classifier(m, 6)
    assert count_parameters(clf) == count_parameters(m) - 6 * m.fc.in_features
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert torch.allclose(clf(x), m(x).logits[:, 6], atol=1e-5)


def test_class_out_of_range():
    m = _model("proxy-s")
    with pytest.raises(ValueError, match="Class 10 is out of range"):
        extract_binary_classifier(m, 10)
    with pytest.raises(TypeError):
        extract_binary_classifier(m, 1.0)


def test_checkpoint_roundtrip(tmp_path):
    m = _model("proxy-s", p_drop=0.2, loss_power=2.0)
    path = save_checkpoint(tmp_path / "ck.pt", m, extra={"epoch": 3})
    with pytest.raises(FileExistsError):
        save_checkpoint(path, m)
    ck = load_checkpoint(path)
    assert ck["preset"] == "proxy-s" and ck["epoch"] == 3 and ck["format"] == "codesearch.checkpoint/v1"
    assert ck["model_args"]["p_drop"] == 0.2 and ck["scheme"]["num_classes"] == 10
    m2 = load_model_from_checkpoint(path, preset="proxy-s")
    assert m2.config == m.config and m2.plan == m.plan
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert torch.equal(m(x).logits, m2(x).logits)
    with pytest.raises(CheckpointError, match="of preset 'proxy-s', not 'proxy-m'"):
        load_model_from_checkpoint(path, preset="proxy-m")
    with pytest.raises(ValueError, match="reserved"):
        checkpoint_dict(m, state_dict={})


def test_bad_checkpoints(tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable torch checkpoint"):
        load_checkpoint(junk)
    with pytest.raises(CheckpointError, match="no such file"):
        load_checkpoint(tmp_path / "missing.pt")
    torch.save({"hello": 1}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a codesearch model checkpoint"):
        load_checkpoint(tmp_path / "other.pt")
    ck = checkpoint_dict(_model("proxy-s"))
    ck["preset"] = "proxy-m"  # weights of proxy-s claimed to be proxy-m
    with pytest.raises(CheckpointError, match="do not fit preset 'proxy-m'|cannot rebuild"):
        load_model_from_checkpoint(ck)


def test_binary_classifier_file_roundtrip(tmp_path):
    m = _model("proxy-s100")
    clf = extract_binary_classifier(m, 17)
    path = save_binary_classifier(tmp_path / "c17.pt", clf, source={"class": 17})
    back = load_binary_classifier(path)
    assert back.class_index == 17 and count_parameters(back) == count_parameters(clf)
    x = torch.randn(3, 3, 8, 16)
    with torch.no_grad():
        assert torch.equal(back(x), clf(x))
    with pytest.raises(FileExistsError):
        save_binary_classifier(path, clf)


def test_huge_model_args_are_refused_before_anything_is_allocated(tmp_path):
    """Issue 12 item 11: model_args are checked against the stored weights on the meta device first."""
    import resource

    ck = checkpoint_dict(_model("proxy-s"))
    ck["model_args"]["in_chans"] = 1_000_000  # a stem conv of ~2.3 GB if it were built for real
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(CheckpointError):
        load_model_from_checkpoint(ck)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 500_000  # KiB: far below gigabytes


def test_pickle_checkpoints_never_suggest_weights_only_false(tmp_path):
    p = tmp_path / "pickle.pt"
    torch.save({"obj": _Opaque()}, p)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(p)
    assert "weights_only" not in str(info.value) and "only weights are loaded" in str(info.value)


class _Opaque:
    pass
