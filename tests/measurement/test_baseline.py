"""The grain-size threshold baseline on areas whose classes are known."""

import math

import numpy as np
import pytest

from microcnn.data.manifest import ManifestRow
from microcnn.measurement.baseline import fit_threshold, thresholds

CLASSES = ["coarse", "fine"]


def test_threshold_baseline_finds_the_gap():
    rng = np.random.default_rng(0)
    coarse = 10 ** rng.uniform(-1.5, -1.0, 40)  # 10-30 grains per unit square
    fine = 10 ** rng.uniform(-2.7, -2.0, 40)  # 100-500 grains
    areas = {f"c{i}": a for i, a in enumerate(coarse)} | {f"f{i}": a for i, a in enumerate(fine)}
    label = {"c": "coarse", "f": "fine"}
    train = [ManifestRow(k, label[k[0]], "reference", pixel_size_um=1.0) for k in areas]
    model = fit_threshold(areas, train, CLASSES)
    cut = thresholds(model, CLASSES)["mean_grain_area_um2"]
    assert fine.max() < cut < coarse.min()
    assert thresholds(model, CLASSES)["equivalent_diameter_um"] == pytest.approx(
        math.sqrt(4 * cut / math.pi)
    )
