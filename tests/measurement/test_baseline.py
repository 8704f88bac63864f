"""The classical baseline: the measurement classified by the class boundaries, with its spread
estimated on the training images."""

import json
import math

import pytest

from microcnn.classes import GrainSizeClasses
from microcnn.data.manifest import ManifestRow, write_manifest
from microcnn.measurement.baseline import log10_errors, run_baseline
from microcnn.workflow_io import StageError

from ..helpers import read_csv

CLASSES = GrainSizeClasses(("fine", "coarse"), (10000.0,), ((2e3, 8e3), (2e4, 9e4)))


def _measured(path, rows, factor):
    lines = [
        "path,mean_grain_area_px,mean_intercept_px,grains_equivalent,pixel_size_um,"
        "mean_grain_area_um2,astm_g,astm_g_intercept"
    ]
    lines += [f"{r.path},{r.mean_grain_area_px * factor(i)},1,1,,,," for i, r in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_spread_from_training_errors_and_classes_at_each_pixel_size(tmp_path):
    train = [
        ManifestRow(
            f"t{i}.png",
            "fine" if i % 2 else "coarse",
            "reference",
            1000.0 if i % 2 else 8000.0,
            2.0,
            1.0,
        )
        for i in range(10)
    ]
    test = [
        ManifestRow("a.png", "fine", "grey", 1500.0, 2.0, 1.0),  # 6000 um^2
        ManifestRow("b.png", "coarse", "grey", 1500.0, 5.0, 2.5),  # the same pixels, 37500 um^2
    ]
    write_manifest(tmp_path / "train.csv", train)
    write_manifest(tmp_path / "test.csv", test)
    # The measurement reads 10 % high on every image, training and test alike.
    files = [
        _measured(tmp_path / "m1.csv", train, lambda i: 1.1),
        _measured(tmp_path / "m2.csv", test, lambda i: 1.1),
    ]
    run_baseline(
        files,
        tmp_path / "train.csv",
        tmp_path / "test.csv",
        CLASSES,
        tmp_path / "pred.csv",
        tmp_path / "summary.json",
    )
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["log10_error_rms"] == pytest.approx(math.log10(1.1))
    assert summary["train_accuracy"] == 1.0
    rows = {r["path"]: r for r in read_csv(tmp_path / "pred.csv")}
    assert rows["a.png"]["label"] == "fine" and rows["b.png"]["label"] == "coarse"
    assert float(rows["a.png"]["mean_grain_area_px"]) == pytest.approx(1650.0)
    assert float(rows["a.png"]["log10_area_sd"]) == pytest.approx(math.log10(1.1), rel=1e-3)


def test_log10_errors():
    rows = [ManifestRow("x", "fine", "", 100.0, 1.0, 1.0)]
    assert log10_errors({"x": 1000.0}, rows).tolist() == [1.0]


def test_spread_from_the_measured_training_images_only(tmp_path):
    train = [ManifestRow(f"t{i}.png", "fine", "reference", 1000.0, 2.0, 1.0) for i in range(6)]
    test = [ManifestRow("a.png", "fine", "grey", 1500.0, 2.0, 1.0)]
    write_manifest(tmp_path / "train.csv", train)
    write_manifest(tmp_path / "test.csv", test)
    # Two of six training images measured, 25 % high; the others were not measured at all.
    files = [
        _measured(tmp_path / "m1.csv", train[:2], lambda i: 1.25),
        _measured(tmp_path / "m2.csv", test, lambda i: 1.0),
    ]
    args = (CLASSES, tmp_path / "pred.csv", tmp_path / "summary.json")
    run_baseline(files, tmp_path / "train.csv", tmp_path / "test.csv", *args)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["log10_error_rms"] == pytest.approx(math.log10(1.25))
    assert (summary["train_images"], summary["train_images_measured"]) == (6, 2)

    with pytest.raises(StageError, match="no training image was measured"):
        run_baseline(files[1:], tmp_path / "train.csv", tmp_path / "test.csv", *args)
