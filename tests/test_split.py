"""Split: train:test per class, deterministic, disjoint."""

import pytest

from microcnn.split import n_test_images, read_manifest, split_class, split_dataset


@pytest.mark.parametrize(("n", "expected"), [(7, 1), (14, 2), (300, 43), (2, 1), (3, 1)])
def test_six_to_one(n, expected):
    assert n_test_images(n, 6, 1) == expected


def test_split_is_deterministic_and_disjoint():
    paths = [f"img/fine-{i:05d}.png" for i in range(70)]
    train, test = split_class(paths, "fine", 6, 1, 42)
    assert (train, test) == split_class(list(reversed(paths)), "fine", 6, 1, 42)
    assert len(test) == 10 and len(train) == 60
    assert not set(train) & set(test)
    assert sorted(train + test) == sorted(paths)
    assert split_class(paths, "fine", 6, 1, 43)[1] != test
    assert split_class(paths, "coarse", 6, 1, 42)[1] != test


def test_manifests(tmp_path):
    images = {c: [f"{c}-{i}.png" for i in range(14)] for c in ("coarse", "fine")}
    split_dataset(images, 6, 1, 0, tmp_path / "train.csv", tmp_path / "test.csv")
    train, test = read_manifest(tmp_path / "train.csv"), read_manifest(tmp_path / "test.csv")
    assert (tmp_path / "test.csv").read_text().startswith("path,label\n")
    for c in ("coarse", "fine"):
        assert sum(label == c for _, label in test) == 2
        assert sum(label == c for _, label in train) == 12
    assert all(path.startswith(label) for path, label in train + test)
