"""metrics.json: grain-size error, accuracy and confusion matrix, overall and per look."""

import math

import pytest

from microcnn.classes import GrainSizeClasses
from microcnn.data.manifest import ManifestRow
from microcnn.data.predictions import classify
from microcnn.evaluation.scores import confusion, metrics

CLASSES = GrainSizeClasses(("fine", "coarse"), (10000.0,), ((2e3, 8e3), (2e4, 9e4)))
NAMES = list(CLASSES.names)


def test_confusion_rows_are_true_classes():
    result = confusion(["coarse", "coarse", "fine"], ["coarse", "fine", "fine"], NAMES[::-1])
    assert result == {"n_images": 3, "accuracy": 2 / 3, "confusion_matrix": [[1, 1], [0, 1]]}


def test_metrics_per_style():
    truth = {
        "a": ManifestRow("a", "coarse", "grey", 5000.0, 2.0, 1.0),
        "b": ManifestRow("b", "fine", "grey", 1000.0, 2.0, 1.0),
        "c": ManifestRow("c", "fine", "reference", 1000.0, 2.0, 1.0),
    }
    # Estimates: a exact (coarse), b 4x too large (called coarse), c 2x too small.
    predictions = [
        classify("a", math.log10(5000.0), 0.05, CLASSES, 2.0),
        classify("b", math.log10(4000.0), 0.05, CLASSES, 2.0),
        classify("c", math.log10(500.0), 0.05, CLASSES, 2.0),
    ]
    result = metrics(predictions, truth, CLASSES)
    assert result["accuracy"] == pytest.approx(2 / 3)
    assert result["median_abs_dG"] == pytest.approx(1.0, abs=1e-3)
    assert result["per_style"]["grey"]["confusion_matrix"] == [[0, 1], [0, 1]]
    assert result["per_style"]["reference"]["accuracy"] == 1.0
    assert result["per_style"]["grey"]["p90_abs_dG"] == pytest.approx(1.8, abs=1e-3)


def test_metrics_score_the_class_of_the_grain_size_shown():
    # Drawn fine, but the grains in view average 3000 px at 2 um per pixel (12,000 um^2, above
    # the 10,000 boundary): an estimate of the area shown is right to call it coarse.
    truth = {"a": ManifestRow("a", "fine", "grey", 3000.0, 2.0, 2.4)}
    result = metrics([classify("a", math.log10(3100.0), 0.05, CLASSES, 2.0)], truth, CLASSES)
    assert result["accuracy"] == 1.0 and result["confusion_matrix"] == [[0, 0], [0, 1]]
