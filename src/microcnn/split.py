"""Deterministic train/test split per class, written as CSV manifests (path, label)."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

from microcnn import seeding

MANIFEST_FIELDS = ["path", "label"]


def n_test_images(n: int, train_share: int, test_share: int) -> int:
    """Images of a class that go to the test set: the ratio, rounded, with at least one of each
    side whenever the class has two or more images."""
    n_test = round(n * test_share / (train_share + test_share))
    if n >= 2:
        n_test = min(max(n_test, 1), n - 1)
    return n_test


def split_class(
    paths: Sequence[str], class_name: str, train_share: int, test_share: int, global_seed: int
) -> tuple[list[str], list[str]]:
    """Shuffle one class's image paths with a seed of its own and cut them train:test."""
    ordered = sorted(paths)
    rng = seeding.rng(seeding.derive_seed(global_seed, "split", class_name))
    order = rng.permutation(len(ordered))
    n_test = n_test_images(len(ordered), train_share, test_share)
    test = sorted(ordered[i] for i in order[:n_test])
    train = sorted(ordered[i] for i in order[n_test:])
    return train, test


def write_manifest(path: str | Path, rows: Sequence[tuple[str, str]]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MANIFEST_FIELDS)
        writer.writerows(rows)
    os.replace(tmp, path)


def read_manifest(path: str | Path) -> list[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["path"], row["label"]) for row in csv.DictReader(handle)]


def split_dataset(
    images: dict[str, Sequence[str]],
    train_share: int,
    test_share: int,
    global_seed: int,
    train_path: str | Path,
    test_path: str | Path,
) -> None:
    """Split every class's images and write the train and test manifests."""
    train_rows, test_rows = [], []
    for class_name, paths in images.items():
        train, test = split_class(paths, class_name, train_share, test_share, global_seed)
        train_rows += [(p, class_name) for p in train]
        test_rows += [(p, class_name) for p in test]
    write_manifest(train_path, train_rows)
    write_manifest(test_path, test_rows)
