"""Evaluation: scores, tables and figures of known predictions."""

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from microcnn.evaluation.scores import expected_calibration_error, read_predictions, scores
from microcnn.evaluation.summary import EvaluationFiles, evaluate

CLASSES = ["coarse", "fine"]
FIGURES = ("confusion", "roc", "misclassified", "scatter", "reliability")
FIELDS = list(EvaluationFiles.__dataclass_fields__)


def _file_name(field: str) -> str:
    if field in FIGURES:
        return f"{field}.png"
    return field.removesuffix("_md") + (".md" if field.endswith("_md") else ".csv")


def _write(path, rows):
    """Predictions of known truth: (image, true class, look, p_fine, true area, estimated
    area, magnification)."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "path",
                "true_label",
                "style",
                "true_mean_grain_area_px",
                "magnification",
                "label",
                "probability",
                "p_coarse",
                "p_fine",
                "mean_grain_area_px",
            ]
        )
        for image, truth, style, p_fine, true, estimate, magnification in rows:
            label = "fine" if p_fine >= 0.5 else "coarse"
            prob = max(p_fine, 1 - p_fine)
            writer.writerow(
                [
                    image,
                    truth,
                    style,
                    true,
                    magnification,
                    label,
                    prob,
                    1 - p_fine,
                    p_fine,
                    estimate,
                ]
            )


@pytest.fixture
def predictions(tmp_path):
    image = tmp_path / "img.png"
    Image.new("RGB", (432, 288), "white").save(image)
    # Estimates off by factors 2, 1, 4 and 1: |dG| 1, 0, 2, 0.
    cnn = [
        (str(image), "coarse", "reference", 0.1, 5000.0, 10000.0, 0.6),
        (str(image), "fine", "reference", 0.9, 100.0, 100.0, 1.0),
        (str(image), "coarse", "grey", 0.7, 5000.0, 1250.0, 2.0),  # wrong
        (str(image), "fine", "grey", 0.8, 100.0, 100.0, 2.0),
    ]
    base = [(p, t, s, 0.2 if t == "coarse" else 0.6, a, a, m) for p, t, s, _, a, _, m in cnn]
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
    # |dG| 1, 0, 2, 0: median 0.5; the 90th percentile interpolates between 1 and 2.
    assert all_styles["median_abs_dG"] == pytest.approx(0.5, abs=1e-3)
    assert all_styles["p90_abs_dG"] == pytest.approx(1.7, abs=1e-3)
    # Magnification bands: 0.6 is below 0.8, 1.0 in the middle, the 2.0s above 1.25.
    assert scores(pred.subset(band="<0.8x"), CLASSES)["n_images"] == 1
    assert scores(pred.subset("grey", ">1.25x"), CLASSES)["median_abs_dG"] == pytest.approx(1.0)


def test_expected_calibration_error_by_hand():
    confidence = np.array([0.95, 0.95, 0.95, 0.95, 0.65, 0.65])
    correct = np.array([1, 1, 1, 0, 1, 0], dtype=float)
    ece, bins = expected_calibration_error(confidence, correct)
    # Bin 0.9-1: accuracy 0.75 at confidence 0.95; bin 0.6-0.7: 0.5 at 0.65.
    assert ece == pytest.approx(4 / 6 * 0.2 + 2 / 6 * 0.15)
    assert [b["n"] for b in bins] == [2, 4]


def test_evaluate_writes_tables_and_figures(predictions):
    out = predictions / "out"
    files = EvaluationFiles(**{name: out / _file_name(name) for name in FIELDS})
    rows = evaluate(
        {"CNN": predictions / "cnn.csv", "baseline": predictions / "base.csv"}, CLASSES, files
    )
    table = {(r["look"], r["magnification"], r["estimator"]): r for r in rows}
    assert table[("all", "all", "CNN")]["accuracy"] == 0.75
    assert table[("all", "all", "baseline")]["accuracy"] == 1.0
    assert table[("all", "all", "baseline")]["median_abs_dG"] == 0.0
    assert table[("grey", "all", "CNN")]["n_images"] == 2
    assert ("reference", "<0.8x", "CNN") in table and ("grey", "<0.8x", "CNN") not in table
    md = (out / "summary.md").read_text()
    assert "| grey | all | CNN | 2 | 1.000 | 1.800 | 0.500 |" in md
    assert "| CNN | coarse | 1.000 | 0.500 |" in (out / "per_class.md").read_text()
    for name in FIGURES:
        with Image.open(out / f"{name}.png") as image:
            assert image.format == "PNG"
    # Every file at the path it was given, nothing else (written atomically: no leftovers).
    assert sorted(p.name for p in out.iterdir()) == sorted(
        Path(getattr(files, name)).name for name in FIELDS
    )
