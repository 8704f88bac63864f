"""Deterministic train/test split per class, by microstructure, written as CSV manifests.

Every microstructure is drawn in several styles; the split is made over microstructures, so
that no test microstructure is seen during training in any style.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from microcnn.data.manifest import ManifestRow, microstructure_id, write_manifest
from microcnn.rng import derive_seed, random_generator


def n_test_images(n: int, train_share: int, test_share: int) -> int:
    """Microstructures of a class that go to the test set: the ratio, rounded, with at least one
    on each side whenever the class has two or more."""
    n_test = round(n * test_share / (train_share + test_share))
    if n >= 2:
        n_test = min(max(n_test, 1), n - 1)
    return n_test


def split_class(
    ids: Iterable[str], class_name: str, train_share: int, test_share: int, global_seed: int
) -> tuple[list[str], list[str]]:
    """Shuffle one class's microstructure ids with a seed of its own and cut them train:test."""
    ordered = sorted(set(ids))
    order = random_generator(derive_seed(global_seed, "split", class_name)).permutation(
        len(ordered)
    )
    n_test = n_test_images(len(ordered), train_share, test_share)
    test = sorted(ordered[i] for i in order[:n_test])
    train = sorted(ordered[i] for i in order[n_test:])
    return train, test


def split_dataset(
    images: Sequence[ManifestRow],
    classes: Sequence[str],
    train_styles: Sequence[str],
    train_share: int,
    test_share: int,
    global_seed: int,
    train_path: str | Path,
    test_path: str | Path,
) -> None:
    """Split every class's microstructures; write the manifests.

    `images` are the rendered images with their truth (one row per image, any style). The
    training manifest holds the training microstructures in `train_styles`; the test manifest
    the test ones in every style. Rows are ordered by class, style and path.
    """
    styles = sorted({row.style for row in images})
    train_rows: list[ManifestRow] = []
    test_rows: list[ManifestRow] = []
    for cls in classes:
        members = [row for row in images if row.label == cls]
        ids = {microstructure_id(row.path) for row in members}
        train_ids, test_ids = split_class(ids, cls, train_share, test_share, global_seed)
        train_set, test_set = set(train_ids), set(test_ids)
        for style in styles:
            for row in sorted((r for r in members if r.style == style), key=lambda r: r.path):
                key = microstructure_id(row.path)
                if key in test_set:
                    test_rows.append(row)
                elif key in train_set and style in train_styles:
                    train_rows.append(row)
    write_manifest(train_path, train_rows)
    write_manifest(test_path, test_rows)
