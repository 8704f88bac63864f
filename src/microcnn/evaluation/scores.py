"""Scores of classifiers on the test set, overall and per rendering style, computed once here.

Every classifier's predictions come as the same CSV (path, true_label, style, label,
probability, p_<class>...), so the CNN and the classical baseline are scored by one code path.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score

from microcnn.data.manifest import ManifestRow
from microcnn.data.predictions import Prediction

ALL_STYLES = "all"


@dataclass
class Predictions:
    """One classifier's answers on the test images."""

    paths: list[str]
    truth: list[str]
    styles: list[str]
    labels: list[str]
    probabilities: np.ndarray  # (n_images, n_classes), columns in class order

    def subset(self, style: str) -> Predictions:
        keep = [i for i, s in enumerate(self.styles) if style in (ALL_STYLES, s)]
        return Predictions(
            [self.paths[i] for i in keep],
            [self.truth[i] for i in keep],
            [self.styles[i] for i in keep],
            [self.labels[i] for i in keep],
            self.probabilities[keep],
        )


def read_predictions(path: str | Path, class_names: Sequence[str]) -> Predictions:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Predictions(
        [r["path"] for r in rows],
        [r["true_label"] for r in rows],
        [r["style"] for r in rows],
        [r["label"] for r in rows],
        np.array([[float(r[f"p_{c}"]) for c in class_names] for r in rows]).reshape(
            len(rows), len(class_names)
        ),
    )


def scores(pred: Predictions, class_names: Sequence[str]) -> dict[str, float]:
    """Accuracy, macro precision/recall/F1 and, for two classes, the ROC AUC."""
    n = len(pred.truth)
    accuracy = confusion(pred.truth, pred.labels, class_names)["accuracy"]
    precision, recall, f1, _ = precision_recall_fscore_support(
        pred.truth, pred.labels, labels=list(class_names), average="macro", zero_division=0
    )
    result = {
        "n_images": n,
        "accuracy": accuracy,
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "auc": math.nan,
    }
    if len(class_names) == 2 and len(set(pred.truth)) == 2:
        positive = [t == class_names[1] for t in pred.truth]
        result["auc"] = float(roc_auc_score(positive, pred.probabilities[:, 1]))
    return result


def per_class(pred: Predictions, class_names: Sequence[str]) -> list[dict[str, float | str]]:
    precision, recall, f1, support = precision_recall_fscore_support(
        pred.truth, pred.labels, labels=list(class_names), zero_division=0
    )
    return [
        {"class": c, "precision": p, "recall": r, "f1": f, "support": int(s)}
        for c, p, r, f, s in zip(class_names, precision, recall, f1, support, strict=True)
    ]


def summary_rows(
    classifiers: Mapping[str, Predictions], class_names: Sequence[str]
) -> list[dict[str, float | str]]:
    """One row per classifier and style (and 'all'), classifiers side by side."""
    styles = sorted({s for pred in classifiers.values() for s in pred.styles})
    rows = []
    for style in [ALL_STYLES, *styles]:
        for name, pred in classifiers.items():
            subset = pred.subset(style)
            if subset.truth:
                rows.append({"style": style, "classifier": name, **scores(subset, class_names)})
    return rows


def confusion(
    true_labels: Sequence[str], predicted: Sequence[str], class_names: Sequence[str]
) -> dict[str, Any]:
    """Accuracy and the confusion matrix (rows: true class, columns: predicted class)."""
    matrix = confusion_matrix(list(true_labels), list(predicted), labels=list(class_names))
    n = int(matrix.sum())
    return {
        "n_images": n,
        "accuracy": float(np.trace(matrix) / n) if n else float("nan"),
        "confusion_matrix": matrix.tolist(),
    }


def metrics(
    predictions: Sequence[Prediction], truth: Mapping[str, ManifestRow], class_names: Sequence[str]
) -> dict[str, Any]:
    """metrics.json: accuracy and confusion matrix overall and per rendering style."""
    result = {"class_names": list(class_names)}
    result.update(
        confusion(
            [truth[p.path].label for p in predictions], [p.label for p in predictions], class_names
        )
    )
    result["confusion_matrix_axes"] = "rows: true class, columns: predicted class"
    result["per_style"] = {}
    for style in sorted({truth[p.path].style for p in predictions}):
        subset = [p for p in predictions if truth[p.path].style == style]
        result["per_style"][style] = confusion(
            [truth[p.path].label for p in subset], [p.label for p in subset], class_names
        )
    return result
