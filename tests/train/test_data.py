import pickle

import numpy as np
import pytest
import torch

from codesearch.train import DatasetError, TrainConfig, dataset_labels, iter_batches, load_dataset


def test_digits_contract():
    b = load_dataset(TrainConfig(dataset="digits"))
    assert b.num_classes == 10 and b.input_shape == (1, 8, 8)
    assert len(b.train) + len(b.test) == 1797
    assert b.train.x.shape[1:] == (1, 8, 8) and b.train.x.dtype == torch.float32
    for ds in (b.train, b.test):
        counts = np.bincount(dataset_labels(ds), minlength=10)
        assert (counts > 0).all()
    # stratified: class proportions agree between the splits
    ptr = np.bincount(dataset_labels(b.train)) / len(b.train)
    pte = np.bincount(dataset_labels(b.test)) / len(b.test)
    assert np.abs(ptr - pte).max() < 0.01
    # normalized with the training statistics
    assert abs(float(b.train.x.mean())) < 1e-4 and abs(float(b.train.x.std()) - 1) < 1e-3
    # the split does not depend on the seed
    b2 = load_dataset(TrainConfig(dataset="digits", seed=5))
    assert torch.equal(b.test.x, b2.test.x)


def test_digits_subset():
    b = load_dataset(TrainConfig(dataset="digits", subset=50))
    assert len(b.train) == 50 and len(b.test) == 50


def test_digit_pairs_contract():
    c = TrainConfig(dataset="digit-pairs", samples_per_class=12, seed=3)
    b = load_dataset(c)
    assert b.num_classes == 100 and b.input_shape == (1, 8, 16)
    assert b.train.x.shape == (1200, 1, 8, 16)
    assert len(b.test) == 100 * 10  # max(10, 12 // 3) per class
    for ds in (b.train, b.test):
        assert set(dataset_labels(ds).tolist()) == set(range(100))
    # disjoint source images
    assert not set(b.train.sources.ravel().tolist()) & set(b.test.sources.ravel().tolist())
    # the halves are the right digits
    from sklearn.datasets import load_digits

    digit = load_digits().target
    y = dataset_labels(b.train)
    assert (digit[b.train.sources[:, 0]] == y // 10).all()
    assert (digit[b.train.sources[:, 1]] == y % 10).all()
    # deterministic in the seed, different for another seed
    again = load_dataset(c)
    assert torch.equal(again.train.x, b.train.x) and torch.equal(again.test.x, b.test.x)
    other = load_dataset(TrainConfig(dataset="digit-pairs", samples_per_class=12, seed=4))
    assert not torch.equal(other.train.x, b.train.x)


def test_iter_batches_order_and_drop_of_single_last():
    b = load_dataset(TrainConfig(dataset="digits", subset=65))
    sizes = [x.shape[0] for x, _ in iter_batches(b.train, 16, train=True)]
    assert sizes == [16, 16, 16, 16]  # 65 = 4*16 + 1: the batch of one is dropped
    g1, g2 = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    ys1 = torch.cat([y for _, y in iter_batches(b.train, 16, shuffle=True, generator=g1)])
    ys2 = torch.cat([y for _, y in iter_batches(b.train, 16, shuffle=True, generator=g2)])
    assert torch.equal(ys1, ys2) and sorted(ys1.tolist()) == sorted(dataset_labels(b.train).tolist())


def _write_cifar10(root, n_train=6, n_test=4):
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(1, 6):
        data = {
            "data": rng.integers(0, 256, size=(n_train, 3072), dtype=np.uint8),
            "labels": [int(v) for v in rng.integers(0, 10, size=n_train)],
        }
        (folder / f"data_batch_{i}").write_bytes(pickle.dumps(data))
    test = {"data": rng.integers(0, 256, size=(n_test, 3072), dtype=np.uint8), "labels": list(range(n_test))}
    (folder / "test_batch").write_bytes(pickle.dumps(test))
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": [f"c{i}" for i in range(10)]}))
    return folder


def test_cifar10_tiny_archive(tmp_path):
    _write_cifar10(tmp_path)
    b = load_dataset(
        TrainConfig(dataset="cifar10", preset="proxy-m", data_root=str(tmp_path), verify_md5=False)
    )
    assert b.num_classes == 10 and len(b.train) == 30 and len(b.test) == 4
    assert b.class_names == tuple(f"c{i}" for i in range(10))
    x, y = b.test[0]
    assert x.shape == (3, 32, 32) and y == 0
    xa, _ = b.train[0]
    assert xa.shape == (3, 32, 32)
    batches = list(
        iter_batches(b.train, 8, shuffle=True, generator=torch.Generator().manual_seed(0), train=True)
    )
    assert sum(x.shape[0] for x, _ in batches) == 30 and batches[0][0].shape == (8, 3, 32, 32)
    # the real md5 check rejects the test archive with a clear message
    with pytest.raises(DatasetError, match="corrupted"):
        load_dataset(TrainConfig(dataset="cifar10", data_root=str(tmp_path)))


def test_cifar100_tiny_archive_with_randaugment(tmp_path):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for name, n in (("train", 12), ("test", 5)):
        (folder / name).write_bytes(
            pickle.dumps(
                {
                    "data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8),
                    "fine_labels": [int(v) for v in rng.integers(0, 100, size=n)],
                }
            )
        )
    (folder / "meta").write_bytes(pickle.dumps({"fine_label_names": [f"f{i}" for i in range(100)]}))
    b = load_dataset(
        TrainConfig(
            dataset="cifar100", data_root=str(tmp_path), verify_md5=False, randaugment=(2, 5), subset=10
        )
    )
    assert b.num_classes == 100 and len(b.train) == 10 and len(b.test) == 5
    assert b.train[0][0].shape == (3, 32, 32)


def test_missing_cifar_names_the_folder(tmp_path):
    with pytest.raises(DatasetError) as err:
        load_dataset(TrainConfig(dataset="cifar10", data_root=str(tmp_path / "nowhere")))
    msg = str(err.value)
    assert "cifar-10-batches-py" in msg and "nowhere" in msg and "--download" in msg
    with pytest.raises(DatasetError, match="--data-root is required"):
        load_dataset(TrainConfig(dataset="cifar100"))


def test_unknown_dataset():
    with pytest.raises(DatasetError, match="Unknown dataset 'mnist'"):
        load_dataset(TrainConfig(dataset="mnist"))


def _write_pngs(folder, classes, per_class, size=(10, 12)):
    from PIL import Image

    rng = np.random.default_rng(2)
    for c in classes:
        (folder / c).mkdir(parents=True)
        for i in range(per_class):
            arr = rng.integers(0, 256, size=(*size, 3), dtype=np.uint8)
            Image.fromarray(arr).save(folder / c / f"{i}.png")


def test_imagefolder_single_folder_split(tmp_path):
    _write_pngs(tmp_path, ["cat", "dog", "emu"], 5)
    b = load_dataset(TrainConfig(dataset="imagefolder", preset="proxy-s", data_root=str(tmp_path)))
    assert b.num_classes == 3 and b.class_names == ("cat", "dog", "emu")
    assert len(b.train) == 12 and len(b.test) == 3
    assert b.train[0][0].shape == (3, 8, 8) and b.input_shape == (3, 8, 8)
    assert sorted(dataset_labels(b.test).tolist()) == [0, 1, 2]


def test_imagefolder_train_test_folders(tmp_path):
    _write_pngs(tmp_path / "train", ["a", "b"], 3)
    _write_pngs(tmp_path / "test", ["a", "b"], 2)
    b = load_dataset(TrainConfig(dataset="imagefolder", preset="proxy-s100", data_root=str(tmp_path)))
    assert (len(b.train), len(b.test)) == (6, 4)
    assert b.test[0][0].shape == (3, 8, 16)
    with pytest.raises(DatasetError, match="not a folder"):
        load_dataset(TrainConfig(dataset="imagefolder", data_root=str(tmp_path / "missing")))
