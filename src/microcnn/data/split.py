"""Deterministic train/test split per class, by microstructure, written as CSV manifests.

Every microstructure is drawn in several styles; the split is made over microstructures, so
that no test microstructure is seen during training in any style.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from microcnn.data.manifest import ManifestRow, microstructure_id, write_manifest
from microcnn.rng import derive_seed, random_generator


def n_test_images(n: int, train_share: int, test_share: int) -> int:
    """Microstructures of a class that go to the test set: the ratio, rounded, with at least one
    on each side whenever the class has two or more."""
    n_test = round(n * test_share / (train_share + test_share))
    if n >= 2:
        n_test = min(max(n_test, 1), n - 1)
    return n_test


def n_validation_images(n_train: int, fraction: float) -> int:
    """Training microstructures of a class held out for validation: the fraction, rounded, at
    least one whenever the class has two or more (learning/training.py's validation_split)."""
    return max(1, round(fraction * n_train)) if n_train > 1 else 0


def sample_microstructures(
    rows: Iterable[ManifestRow], count: Callable[[int], int], purpose: str, global_seed: int
) -> set[str]:
    """For each class of `rows`, `count(n)` of its n microstructures: the first of a permutation
    seeded by (global seed, `purpose`, class). Ids, so a chosen microstructure comes in every
    style (the validation hold-out, the measure stage's training sample)."""
    by_class: dict[str, set[str]] = {}
    for row in rows:
        by_class.setdefault(row.label, set()).add(microstructure_id(row.path))
    chosen: set[str] = set()
    for label in sorted(by_class):
        ids = sorted(by_class[label])
        order = random_generator(derive_seed(global_seed, purpose, label)).permutation(len(ids))
        chosen.update(ids[i] for i in order[: count(len(ids))])
    return chosen


class ClassSplit(NamedTuple):
    """Microstructures of one class on each side: fitted on, validated on, tested on."""

    fit: int
    validation: int
    test: int


def class_split(n: int, train_share: int, test_share: int, fraction: float) -> ClassSplit:
    """How `n` microstructures of a class are shared out by the split and the validation
    hold-out; the one place this arithmetic lives (config checks, resources and the stages)."""
    n_test = n_test_images(n, train_share, test_share)
    n_val = n_validation_images(n - n_test, fraction)
    return ClassSplit(n - n_test - n_val, n_val, n_test)


def minimum_count(train_share: int, test_share: int, fraction: float) -> int | None:
    """The fewest microstructures a class needs for at least one on every side, or None if no
    count up to 2**64 gives that.

    Every side grows by 0 or 1 when the count grows by 1 (both shares are below 1), so the
    condition holds from some count on: found by doubling, then bisection.
    """

    def enough(n: int) -> bool:
        return min(class_split(n, train_share, test_share, fraction)) >= 1

    high = 2
    while not enough(high):
        high *= 2
        if high > 2**64:
            return None
    low = high // 2  # enough(low) is false (or low < 2)
    while high - low > 1:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return high


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
