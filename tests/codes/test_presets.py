import pytest

from codesearch.codes import PRESETS, get_preset


def test_table1_plans():
    assert get_preset("cifar10").blocks == ["10/10"] * 3 + ["5/10"] * 3 + ["3/10"] * 3
    assert get_preset("cifar100").code_shapes == [(8, 20), (4, 20)]
    imagenet = get_preset("imagenet")
    assert imagenet.blocks == ["32/32"] * 7 + ["16/32"] * 6 + ["8/32"] * 3
    assert imagenet.code_shapes == [(16, 32), (8, 32)]
    assert [s.stride for s in imagenet.stages] == [1, 2, 2, 2]


@pytest.mark.parametrize(
    "proxy, full",
    [("proxy-s", "cifar10"), ("proxy-m", "cifar10"), ("proxy-s100", "cifar100"), ("proxy-m100", "cifar100")],
)
def test_proxies_share_code_ids_with_their_full_preset(proxy, full):
    p, f = PRESETS[proxy], PRESETS[full]
    assert p.code_shapes == f.code_shapes
    assert p.num_classes == f.num_classes
    assert [s.name for s in p.stages] == [s.name for s in f.stages]


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="Unknown preset 'mnist'; choose one of: cifar10, cifar100"):
        get_preset("mnist")
