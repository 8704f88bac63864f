"""The measure stage's choice of images: every test image, whole sampled training
microstructures, a share of each class, the same for the same seed."""

import pytest

from microcnn.data.manifest import ManifestRow, microstructure_id
from microcnn.measurement.selection import images_to_measure, sampled_microstructures

LOOKS = ("reference", "etched", "sem")


def _rows(label: str, indices) -> list[ManifestRow]:
    return [
        ManifestRow(f"results/images/{look}/{label}/batch-0000/{label}-{i:05d}.png", label, look)
        for i in indices
        for look in LOOKS
    ]


TRAIN = _rows("fine", range(0, 30)) + _rows("coarse", range(0, 10))
TEST = _rows("fine", range(30, 35)) + _rows("coarse", range(10, 12))


def test_every_test_image_and_whole_training_microstructures():
    chosen = images_to_measure(TRAIN, TEST, 0.2, seed=3)
    assert {r.path for r in TEST} <= chosen
    train_chosen = [r for r in TRAIN if r.path in chosen]
    ids = {microstructure_id(r.path) for r in train_chosen}
    # Every look of a chosen microstructure, and nothing of the others.
    assert len(train_chosen) == len(ids) * len(LOOKS)
    # A fifth of each class's training microstructures.
    assert sum(i.startswith("fine-") for i in ids) == 6
    assert sum(i.startswith("coarse-") for i in ids) == 2


def test_the_same_seed_the_same_sample_another_seed_another():
    first = sampled_microstructures(TRAIN, 0.2, seed=3)
    assert sampled_microstructures(list(reversed(TRAIN)), 0.2, seed=3) == first
    assert sampled_microstructures(TRAIN, 0.2, seed=4) != first


@pytest.mark.parametrize(("fraction", "fine", "coarse"), [(0.01, 1, 1), (1.0, 30, 10)])
def test_at_least_one_per_class_at_most_all(fraction, fine, coarse):
    ids = sampled_microstructures(TRAIN, fraction, seed=0)
    assert sum(i.startswith("fine-") for i in ids) == fine
    assert sum(i.startswith("coarse-") for i in ids) == coarse
