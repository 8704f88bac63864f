"""Evaluation: scores, tables and figures of known predictions."""

import csv
from pathlib import Path

import pytest
from PIL import Image

from microcnn.evaluation.scores import read_predictions, scores
from microcnn.evaluation.summary import EvaluationFiles, evaluate

CLASSES = ["coarse", "fine"]
FIGURES = ("confusion", "roc", "misclassified")
FIELDS = list(EvaluationFiles.__dataclass_fields__)


def _file_name(field: str) -> str:
    if field in FIGURES:
        return f"{field}.png"
    return field.removesuffix("_md") + (".md" if field.endswith("_md") else ".csv")


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
    out = predictions / "out"
    files = EvaluationFiles(**{name: out / _file_name(name) for name in FIELDS})
    rows = evaluate(
        {"CNN": predictions / "cnn.csv", "baseline": predictions / "base.csv"}, CLASSES, files
    )
    table = {(r["style"], r["classifier"]): r for r in rows}
    assert table[("all", "CNN")]["accuracy"] == 0.75
    assert table[("all", "baseline")]["accuracy"] == 1.0
    assert table[("grey", "CNN")]["n_images"] == 2
    md = (out / "summary.md").read_text()
    assert "| grey | CNN | 2 | 0.500 |" in md
    assert "| CNN | coarse | 1.000 | 0.500 |" in (out / "per_class.md").read_text()
    for name in FIGURES:
        with Image.open(out / f"{name}.png") as image:
            assert image.format == "PNG"
    # Every file at the path it was given, nothing else (written atomically: no leftovers).
    assert sorted(p.name for p in out.iterdir()) == sorted(
        Path(getattr(files, name)).name for name in FIELDS
    )
