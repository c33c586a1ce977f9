"""Datasets for proxy training: a small registry of loaders, each returning a :class:`DataBundle`.

- ``digits``: scikit-learn's 8x8 handwritten digits (1797 images, 10 classes), a fixed stratified split.
- ``digit-pairs``: 100 classes, an 8x16 image of two digits side by side, class = 10*left + right; train and
  test pairs are drawn from disjoint source images (the two halves of the ``digits`` split).
- ``cifar10`` / ``cifar100``: torchvision loaders from ``data_root`` (``download`` when a network exists).
- ``imagefolder``: a user's folder of class subfolders (torchvision ImageFolder).

The digit sets live in memory as tensors (:class:`ArrayDataset`, batched by slicing); the others are
ordinary torch datasets read through a DataLoader.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ._config import TrainConfig, TrainConfigError

DIGITS_TEST_FRACTION = 0.25  # of the 1797 images: 1347 train, 450 test
DIGITS_SPLIT_SEED = 0  # the split is fixed, independent of the run's seed

CIFAR_MEAN = {"cifar10": (0.4914, 0.4822, 0.4465), "cifar100": (0.5071, 0.4865, 0.4409)}
CIFAR_STD = {"cifar10": (0.2470, 0.2435, 0.2616), "cifar100": (0.2673, 0.2564, 0.2762)}


class DatasetError(TrainConfigError):
    """Data that cannot be loaded (missing files, unknown dataset); one clear sentence."""


class ArrayDataset(torch.utils.data.Dataset):
    """Images and labels held as tensors: ``x`` (n, C, H, W) float32, ``y`` (n,) int64."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor):
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"x has {x.shape[0]} samples but y has {y.shape[0]}.")
        self.x, self.y = x.contiguous(), y.contiguous()

    def __len__(self) -> int:
        return int(self.y.shape[0])

    def __getitem__(self, i):
        return self.x[i], self.y[i]

    @property
    def targets(self) -> list[int]:
        return self.y.tolist()


@dataclass
class DataBundle:
    name: str  # dataset registry name
    train: torch.utils.data.Dataset  # training set, with augmentation where the dataset has one
    train_eval: torch.utils.data.Dataset  # the same training images without augmentation (thresholds)
    test: torch.utils.data.Dataset  # test set
    num_classes: int  # K
    class_names: tuple[str, ...]  # K names
    input_shape: tuple[int, int, int]  # (C, H, W) of one image as the network sees it
    info: dict  # JSON-ready facts (sizes, split, source images) written into metrics.json


def dataset_labels(ds) -> np.ndarray:
    """Integer labels of a dataset from this module (ArrayDataset, Subset, torchvision sets)."""
    if isinstance(ds, ArrayDataset):
        return ds.y.numpy()
    if isinstance(ds, torch.utils.data.Subset):
        return dataset_labels(ds.dataset)[np.asarray(ds.indices)]
    return np.asarray(ds.targets, dtype=np.int64)


def train_batch_count(n: int, batch_size: int) -> int:
    """Training batches per epoch: a last batch of a single sample is dropped (BatchNorm needs two)."""
    return n // batch_size + (1 if n % batch_size > 1 else 0)


def iter_batches(
    ds,
    batch_size: int,
    *,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
    num_workers: int = 0,
    train: bool = False,
):
    """Yield ``(x, y)`` batches. ArrayDatasets are sliced directly; others go through a DataLoader.

    ``shuffle`` draws the order from ``generator``; ``train`` drops a last batch of one sample."""
    n = len(ds)
    drop_last = train and n % batch_size == 1
    if isinstance(ds, ArrayDataset):
        order = torch.randperm(n, generator=generator) if shuffle else None
        stop = n - 1 if drop_last else n
        for start in range(0, stop, batch_size):
            end = min(start + batch_size, stop)
            if order is None:
                yield ds.x[start:end], ds.y[start:end]
            else:
                idx = order[start:end]
                yield ds.x[idx], ds.y[idx]
        return
    loader = torch.utils.data.DataLoader(
        ds,
        batch_size=batch_size,
        shuffle=shuffle,
        generator=generator if shuffle else None,
        num_workers=num_workers,
        drop_last=drop_last,
        persistent_workers=False,
    )
    for x, y in loader:
        yield x, torch.as_tensor(y, dtype=torch.int64)


# -- digits and digit pairs -------------------------------------------------------------------------
def _digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(images (1797, 8, 8) in [0, 1], labels, train indices, test indices); fixed and stratified."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    images = (d.images / 16.0).astype(np.float32)
    labels = d.target.astype(np.int64)
    idx = np.arange(len(labels))
    train_idx, test_idx = train_test_split(
        idx, test_size=DIGITS_TEST_FRACTION, stratify=labels, random_state=DIGITS_SPLIT_SEED
    )
    return images, labels, np.sort(train_idx), np.sort(test_idx)


def _normalize(train: np.ndarray, *others: np.ndarray) -> list[torch.Tensor]:
    mean, std = float(train.mean()), float(train.std())
    return [torch.from_numpy((a - mean) / std).unsqueeze(1).float() for a in (train, *others)]


def _subset_arrays(x: np.ndarray, y: np.ndarray, limit: int | None, seed: int, extra=None):
    """At most ``limit`` samples, chosen by a seeded permutation (order of the kept ones preserved)."""
    if limit is None or limit >= len(y):
        return x, y, extra
    keep = np.sort(np.random.default_rng(seed).permutation(len(y))[:limit])
    return x[keep], y[keep], (extra[keep] if extra is not None else None)


def load_digits_bundle(config: TrainConfig) -> DataBundle:
    images, labels, tr, te = _digits_split()
    xtr, ytr, _ = _subset_arrays(images[tr], labels[tr], config.subset, config.seed)
    xte, yte, _ = _subset_arrays(images[te], labels[te], config.subset, config.seed + 1)
    xtr_t, xte_t = _normalize(xtr, xte)
    train = ArrayDataset(xtr_t, torch.from_numpy(ytr))
    test = ArrayDataset(xte_t, torch.from_numpy(yte))
    return DataBundle(
        "digits",
        train,
        train,
        test,
        10,
        tuple(str(i) for i in range(10)),
        (1, 8, 8),
        {
            "train_size": len(train),
            "test_size": len(test),
            "image": [1, 8, 8],
            "split": f"fixed stratified split of sklearn load_digits, test fraction {DIGITS_TEST_FRACTION}",
        },
    )


def make_digit_pairs(
    images: np.ndarray, labels: np.ndarray, sources: np.ndarray, per_class: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``per_class`` pairs for each of the 100 classes 10*a + b, drawing the left image from the
    ``sources`` of digit a and the right one from those of digit b.

    Returns (x (100*per_class, 8, 16), y, src (100*per_class, 2) source indices into ``images``)."""
    by_digit = [sources[labels[sources] == d] for d in range(10)]
    for d, s in enumerate(by_digit):
        if len(s) == 0:
            raise ValueError(f"No source image of digit {d}.")
    n = 100 * per_class
    y = np.repeat(np.arange(100, dtype=np.int64), per_class)
    src = np.empty((n, 2), dtype=np.int64)
    for c in range(100):
        a, b = divmod(c, 10)
        sl = slice(c * per_class, (c + 1) * per_class)
        src[sl, 0] = rng.choice(by_digit[a], size=per_class, replace=True)
        src[sl, 1] = rng.choice(by_digit[b], size=per_class, replace=True)
    x = np.concatenate([images[src[:, 0]], images[src[:, 1]]], axis=2)
    return x, y, src


def load_digit_pairs_bundle(config: TrainConfig) -> DataBundle:
    images, labels, tr, te = _digits_split()
    rng = np.random.default_rng(np.random.SeedSequence([config.seed, 0xD161]))
    test_per_class = max(10, config.samples_per_class // 3)
    xtr, ytr, str_ = make_digit_pairs(images, labels, tr, config.samples_per_class, rng)
    xte, yte, ste = make_digit_pairs(images, labels, te, test_per_class, rng)
    xtr, ytr, str_ = _subset_arrays(xtr, ytr, config.subset, config.seed, str_)
    xte, yte, ste = _subset_arrays(xte, yte, config.subset, config.seed + 1, ste)
    xtr_t, xte_t = _normalize(xtr, xte)
    train = ArrayDataset(xtr_t, torch.from_numpy(ytr))
    test = ArrayDataset(xte_t, torch.from_numpy(yte))
    train.sources, test.sources = str_, ste  # source image indices (n, 2), for the disjointness check
    return DataBundle(
        "digit-pairs",
        train,
        train,
        test,
        100,
        tuple(f"{c // 10}{c % 10}" for c in range(100)),
        (1, 8, 16),
        {
            "train_size": len(train),
            "test_size": len(test),
            "image": [1, 8, 16],
            "samples_per_class": config.samples_per_class,
            "test_samples_per_class": test_per_class,
            "split": "train pairs from the digits train split, test pairs from the digits test split",
        },
    )


# -- CIFAR ------------------------------------------------------------------------------------------
def _cifar_class(name: str, verify_md5: bool):
    """torchvision's CIFAR10/CIFAR100, or a subclass whose integrity check only tests that the files
    exist (same parsing code path; for small archives written by tests, whose md5 sums differ)."""
    from torchvision.datasets import CIFAR10, CIFAR100

    base = CIFAR10 if name == "cifar10" else CIFAR100
    if verify_md5:
        return base
    return type(
        f"Unverified{base.__name__}",
        (base,),
        {
            "train_list": [[f, None] for f, _ in base.train_list],
            "test_list": [[f, None] for f, _ in base.test_list],
            "meta": {**base.meta, "md5": None},
        },
    )


def _cifar_transforms(name: str, randaugment: tuple[int, int] | None, size: int = 32):
    from torchvision import transforms as T

    norm = T.Normalize(CIFAR_MEAN.get(name, (0.5, 0.5, 0.5)), CIFAR_STD.get(name, (0.5, 0.5, 0.5)))
    aug: list = [T.RandomCrop(size, padding=max(1, size // 8)), T.RandomHorizontalFlip()]
    if randaugment is not None:
        aug.append(T.RandAugment(num_ops=randaugment[0], magnitude=randaugment[1]))
    return T.Compose([*aug, T.ToTensor(), norm]), T.Compose([T.ToTensor(), norm])


def _limit(ds, limit: int | None, seed: int):
    if limit is None or limit >= len(ds):
        return ds
    keep = np.sort(np.random.default_rng(seed).permutation(len(ds))[:limit])
    return torch.utils.data.Subset(ds, keep.tolist())


def load_cifar_bundle(config: TrainConfig) -> DataBundle:
    name = config.dataset
    if config.data_root is None:
        raise DatasetError(
            f"--data-root is required for {name}: the folder that holds (or will hold) the data."
        )
    root = Path(config.data_root)
    cls = _cifar_class(name, config.verify_md5)
    folder = root / cls.base_folder
    files = [f for f, _ in cls.train_list + cls.test_list] + [cls.meta["filename"]]
    if config.download:
        try:
            root.mkdir(parents=True, exist_ok=True)
            cls(str(root), train=True, download=True)
        except (OSError, RuntimeError) as exc:  # URLError is an OSError
            raise DatasetError(f"Could not download {name} into {root}: {exc}.") from None
    missing = [f for f in files if not (folder / f).is_file()]
    if missing:
        raise DatasetError(
            f"{name} not found: looked for {', '.join(missing)} in {folder}; pass --download or point "
            f"--data-root at the folder that contains {cls.base_folder}."
        )
    train_tf, test_tf = _cifar_transforms(name, config.randaugment)
    try:
        train = cls(str(root), train=True, transform=train_tf)
        train_eval = cls(str(root), train=True, transform=test_tf)
        test = cls(str(root), train=False, transform=test_tf)
    except RuntimeError as exc:
        raise DatasetError(f"{name} files in {folder} are corrupted ({exc}).") from None
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError) as exc:  # bad files
        raise DatasetError(
            f"{name} files in {folder} cannot be read ({type(exc).__name__}: {exc})."
        ) from None
    k = 10 if name == "cifar10" else 100
    if len(train.classes) != k:
        raise DatasetError(
            f"{folder}/{cls.meta['filename']} names {len(train.classes)} classes, expected {k}."
        )
    classes = tuple(train.classes)
    train = _limit(train, config.subset, config.seed)
    train_eval = _limit(train_eval, config.subset, config.seed)
    test = _limit(test, config.subset, config.seed + 1)
    return DataBundle(
        name,
        train,
        train_eval,
        test,
        k,
        classes,
        (3, 32, 32),
        {
            "train_size": len(train),
            "test_size": len(test),
            "image": [3, 32, 32],
            "root": str(root),
            "augmentation": "random crop (pad 4) + horizontal flip"
            + (
                f" + RandAugment(n={config.randaugment[0]}, m={config.randaugment[1]})"
                if config.randaugment
                else ""
            ),
        },
    )


# -- image folder -----------------------------------------------------------------------------------
def load_imagefolder_bundle(config: TrainConfig) -> DataBundle:
    """``data_root`` holds either ``train/`` and ``test/`` (or ``val/``) folders of class subfolders, or
    the class subfolders themselves (then a fixed stratified 80/20 split). Images are resized to the
    preset's input size."""
    from torchvision import transforms as T
    from torchvision.datasets import ImageFolder

    from ..codes import get_preset

    if config.data_root is None:
        raise DatasetError("--data-root is required for imagefolder: a folder of class subfolders of images.")
    root = Path(config.data_root)
    if not root.is_dir():
        raise DatasetError(f"imagefolder: {root} is not a folder.")
    h, w = get_preset(config.preset).input_size
    norm = T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    aug: list = [T.RandomCrop((h, w), padding=max(1, min(h, w) // 8)), T.RandomHorizontalFlip()]
    if config.randaugment is not None:
        aug.append(T.RandAugment(num_ops=config.randaugment[0], magnitude=config.randaugment[1]))
    train_tf = T.Compose([T.Resize((h, w)), *aug, T.ToTensor(), norm])
    test_tf = T.Compose([T.Resize((h, w)), T.ToTensor(), norm])

    test_dir = next((root / n for n in ("test", "val") if (root / n).is_dir()), None)

    def folder(path: Path, tf):
        try:
            return ImageFolder(str(path), transform=tf)
        except (FileNotFoundError, RuntimeError) as exc:
            raise DatasetError(f"imagefolder: no class subfolders with images in {path} ({exc}).") from None

    if (root / "train").is_dir() and test_dir is not None:
        train, train_eval, test = (
            folder(root / "train", train_tf),
            folder(root / "train", test_tf),
            folder(test_dir, test_tf),
        )
        if train.classes != test.classes:
            raise DatasetError(f"imagefolder: {root / 'train'} and {test_dir} have different class folders.")
        split = f"train/ and {test_dir.name}/ folders"
    else:
        full_train, full_eval = folder(root, train_tf), folder(root, test_tf)
        labels = np.asarray(full_train.targets)
        rng = np.random.default_rng(0)
        test_idx: list[int] = []
        for c in range(len(full_train.classes)):
            idx = np.flatnonzero(labels == c)
            if len(idx) < 2:
                raise DatasetError(
                    f"imagefolder: class {full_train.classes[c]!r} needs at least 2 images for a split."
                )
            test_idx.extend(rng.permutation(idx)[: max(1, len(idx) // 5)].tolist())
        test_set = set(test_idx)
        train_idx = [i for i in range(len(labels)) if i not in test_set]
        train = torch.utils.data.Subset(full_train, train_idx)
        train_eval = torch.utils.data.Subset(full_eval, train_idx)
        test = torch.utils.data.Subset(full_eval, sorted(test_idx))
        train.classes = full_train.classes  # type: ignore[attr-defined]
        split = "fixed stratified 80/20 split of one folder"
    classes = tuple(train.classes)
    if len(classes) < 2:
        raise DatasetError(f"imagefolder: {root} has {len(classes)} class folder(s); at least 2 are needed.")
    train = _limit(train, config.subset, config.seed)
    train_eval = _limit(train_eval, config.subset, config.seed)
    test = _limit(test, config.subset, config.seed + 1)
    return DataBundle(
        "imagefolder",
        train,
        train_eval,
        test,
        len(classes),
        classes,
        (3, h, w),
        {
            "train_size": len(train),
            "test_size": len(test),
            "image": [3, h, w],
            "root": str(root),
            "split": split,
        },
    )


# -- registry ---------------------------------------------------------------------------------------
DATASETS: dict[str, Callable[[TrainConfig], DataBundle]] = {
    "digits": load_digits_bundle,
    "digit-pairs": load_digit_pairs_bundle,
    "cifar10": load_cifar_bundle,
    "cifar100": load_cifar_bundle,
    "imagefolder": load_imagefolder_bundle,
}


def dataset_num_classes(name: str) -> int | None:
    """K of a dataset without loading it (None for imagefolder, whose K is the number of folders)."""
    return {"digits": 10, "digit-pairs": 100, "cifar10": 10, "cifar100": 100}.get(name)


def load_dataset(config: TrainConfig) -> DataBundle:
    """The :class:`DataBundle` of ``config.dataset``; DatasetError (one sentence) when it cannot load."""
    try:
        loader = DATASETS[config.dataset]
    except KeyError:
        raise DatasetError(
            f"Unknown dataset {config.dataset!r}; choose one of: {', '.join(DATASETS)}."
        ) from None
    return loader(config)
