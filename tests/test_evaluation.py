"""Evaluation tables and figures, and the grain-size threshold baseline, on known inputs."""

import csv
import math

import numpy as np
import pytest
from PIL import Image

from microcnn.baseline import fit_threshold, thresholds
from microcnn.evaluation import evaluate, read_predictions, scores
from microcnn.split import ManifestRow

CLASSES = ["coarse", "fine"]


def _write(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["path", "true_label", "style", "label", "probability", "p_coarse", "p_fine"]
        )
        for image, truth, style, p_fine in rows:
            label = "fine" if p_fine >= 0.5 else "coarse"
            prob = max(p_fine, 1 - p_fine)
            writer.writerow([image, truth, style, label, prob, 1 - p_fine, p_fine])


@pytest.fixture
def predictions(tmp_path):
    image = tmp_path / "img.png"
    Image.new("RGB", (432, 288), "white").save(image)
    cnn = [
        (str(image), "coarse", "reference", 0.1),
        (str(image), "fine", "reference", 0.9),
        (str(image), "coarse", "grey", 0.7),  # wrong
        (str(image), "fine", "grey", 0.8),
    ]
    base = [(p, t, s, 0.2 if t == "coarse" else 0.6) for p, t, s, _ in cnn]
    _write(tmp_path / "cnn.csv", cnn)
    _write(tmp_path / "base.csv", base)
    return tmp_path


def test_scores_by_hand(predictions):
    pred = read_predictions(predictions / "cnn.csv", CLASSES)
    all_styles = scores(pred, CLASSES)
    assert all_styles["accuracy"] == 0.75
    # coarse: precision 1/1, recall 1/2; fine: precision 2/3, recall 2/2.
    assert all_styles["precision"] == pytest.approx((1 + 2 / 3) / 2)
    assert all_styles["recall"] == pytest.approx((0.5 + 1) / 2)
    # AUC: fine scores 0.9, 0.8 vs coarse 0.1, 0.7: every pair ranked right.
    assert all_styles["auc"] == 1.0
    assert scores(pred.subset("grey"), CLASSES)["accuracy"] == 0.5
    assert scores(pred.subset("reference"), CLASSES)["accuracy"] == 1.0


def test_evaluate_writes_tables_and_figures(predictions):
    rows = evaluate(
        {"CNN": predictions / "cnn.csv", "baseline": predictions / "base.csv"},
        CLASSES,
        predictions / "out",
    )
    table = {(r["style"], r["classifier"]): r for r in rows}
    assert table[("all", "CNN")]["accuracy"] == 0.75
    assert table[("all", "baseline")]["accuracy"] == 1.0
    assert table[("grey", "CNN")]["n_images"] == 2
    md = (predictions / "out" / "summary.md").read_text()
    assert "| grey | CNN | 2 | 0.500 |" in md
    for name in ("confusion.png", "roc.png", "misclassified.png"):
        with Image.open(predictions / "out" / name) as image:
            assert image.format == "PNG"


def test_threshold_baseline_finds_the_gap():
    rng = np.random.default_rng(0)
    coarse = 10 ** rng.uniform(-1.5, -1.0, 40)  # 10-30 grains per unit square
    fine = 10 ** rng.uniform(-2.7, -2.0, 40)  # 100-500 grains
    areas = {f"c{i}": a for i, a in enumerate(coarse)} | {f"f{i}": a for i, a in enumerate(fine)}
    train = [ManifestRow(k, "coarse" if k[0] == "c" else "fine", "reference") for k in areas]
    model = fit_threshold(areas, train, CLASSES)
    cut = thresholds(model, CLASSES)["mean_grain_area"]
    assert fine.max() < cut < coarse.min()
    assert thresholds(model, CLASSES)["equivalent_diameter"] == pytest.approx(
        math.sqrt(4 * cut / math.pi)
    )
