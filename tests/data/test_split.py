"""Split: train:test per class by microstructure, deterministic, disjoint, styles kept apart."""

import pytest

from microcnn.data.manifest import ManifestRow, microstructure_id, read_manifest
from microcnn.data.split import n_test_images, split_class, split_dataset


@pytest.mark.parametrize(("n", "expected"), [(7, 1), (14, 2), (300, 43), (2, 1), (3, 1)])
def test_six_to_one(n, expected):
    assert n_test_images(n, 6, 1) == expected


def test_split_is_deterministic_and_disjoint():
    ids = [f"fine-{i:05d}" for i in range(70)]
    train, test = split_class(ids, "fine", 6, 1, 42)
    assert (train, test) == split_class(list(reversed(ids)), "fine", 6, 1, 42)
    assert len(test) == 10 and len(train) == 60
    assert not set(train) & set(test)
    assert sorted(train + test) == sorted(ids)
    assert split_class(ids, "fine", 6, 1, 43)[1] != test
    assert split_class([i.replace("fine", "coarse") for i in ids], "coarse", 6, 1, 42)[1] != [
        i.replace("fine", "coarse") for i in test
    ]


def _images(styles, n=14):
    return [
        ManifestRow(f"results/images/{s}/{c}/batch-0000/{c}-{i:05d}.png", c, s, 100.0 + i, 4.5, 1.0)
        for s in styles
        for c in ("coarse", "fine")
        for i in range(n)
    ]


def test_manifests_split_microstructures_not_images(tmp_path):
    styles = ["reference", "grey", "micrograph"]
    split_dataset(
        _images(styles),
        ["coarse", "fine"],
        styles,
        6,
        1,
        0,
        tmp_path / "tr.csv",
        tmp_path / "te.csv",
    )
    train, test = read_manifest(tmp_path / "tr.csv"), read_manifest(tmp_path / "te.csv")
    header = "path,label,style,mean_grain_area_px,pixel_size_um,magnification\n"
    assert (tmp_path / "te.csv").read_text().startswith(header)
    # The truth travels with each image.
    assert {r.mean_grain_area_px - 100 for r in test} <= set(range(14))
    for c in ("coarse", "fine"):
        for s in styles:
            assert sum(r.label == c and r.style == s for r in test) == 2
            assert sum(r.label == c and r.style == s for r in train) == 12
    # A test microstructure is never in training, in any style.
    assert not {microstructure_id(r.path) for r in train} & {
        microstructure_id(r.path) for r in test
    }
    assert all(f"/{r.style}/{r.label}/" in r.path for r in train + test)


def test_held_out_style_only_in_test(tmp_path):
    styles = ["reference", "micrograph"]
    split_dataset(
        _images(styles), ["coarse", "fine"], ["reference"], 6, 1, 0, tmp_path / "a", tmp_path / "b"
    )
    train, test = read_manifest(tmp_path / "a"), read_manifest(tmp_path / "b")
    assert {r.style for r in train} == {"reference"}
    assert {r.style for r in test} == {"reference", "micrograph"}
    assert len(test) == 8 and len(train) == 24
