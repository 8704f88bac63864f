"""metrics.json: accuracy and confusion matrix, overall and per style."""

from microcnn.data.manifest import ManifestRow
from microcnn.data.predictions import Prediction
from microcnn.evaluation.scores import confusion, metrics

CLASSES = ["coarse", "fine"]


def test_confusion_rows_are_true_classes():
    result = confusion(["coarse", "coarse", "fine"], ["coarse", "fine", "fine"], CLASSES)
    assert result == {"n_images": 3, "accuracy": 2 / 3, "confusion_matrix": [[1, 1], [0, 1]]}


def test_metrics_per_style():
    truth = {
        "a": ManifestRow("a", "coarse", "grey"),
        "b": ManifestRow("b", "fine", "grey"),
        "c": ManifestRow("c", "fine", "reference"),
    }
    predictions = [
        Prediction("a", "coarse", {"coarse": 0.9, "fine": 0.1}),
        Prediction("b", "coarse", {"coarse": 0.6, "fine": 0.4}),
        Prediction("c", "fine", {"coarse": 0.2, "fine": 0.8}),
    ]
    result = metrics(predictions, truth, CLASSES)
    assert result["accuracy"] == 2 / 3
    assert result["per_style"]["grey"]["confusion_matrix"] == [[1, 0], [1, 0]]
    assert result["per_style"]["reference"]["accuracy"] == 1.0
