"""Scores of grain-size estimators on the test set, overall, per look and per magnification band,
computed once here.

Every estimator's predictions come as the same CSV (`microcnn.data.predictions`), so the CNN and
the classical measurement are scored by one code path: the grain-size error |dG| = 3.32
|log10(predicted / true area)|, the class accuracy and the other classification scores, and
the calibration of the class probabilities (expected calibration error).
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

from microcnn.classes import G_PER_DECADE, GrainSizeClasses, delta_g
from microcnn.data.manifest import ManifestRow
from microcnn.data.predictions import Prediction, shown_label

ALL = "all"
# Magnification bands (relative to the reference scale) that the scores are broken down by.
BANDS: dict[str, tuple[float, float]] = {
    "<0.8x": (0.0, 0.8),
    "0.8-1.25x": (0.8, 1.25),
    ">1.25x": (1.25, math.inf),
}
CALIBRATION_BINS = 10


@dataclass
class Predictions:
    """One estimator's answers on the test images, with their truth."""

    paths: list[str]
    truth: list[str]
    styles: list[str]
    labels: list[str]
    probabilities: np.ndarray  # (n_images, n_classes), columns in class order
    true_area: np.ndarray  # mean grain area, px
    predicted_area: np.ndarray
    magnification: np.ndarray

    def subset(self, style: str = ALL, band: str = ALL) -> Predictions:
        """The images of one look and one magnification band (ALL: every one)."""
        low, high = BANDS.get(band, (0.0, math.inf))
        keep = [
            i
            for i, (s, m) in enumerate(zip(self.styles, self.magnification, strict=True))
            if style in (ALL, s) and low <= m < high
        ]
        return Predictions(
            [self.paths[i] for i in keep],
            [self.truth[i] for i in keep],
            [self.styles[i] for i in keep],
            [self.labels[i] for i in keep],
            self.probabilities[keep],
            self.true_area[keep],
            self.predicted_area[keep],
            self.magnification[keep],
        )

    @property
    def abs_delta_g(self) -> np.ndarray:
        return G_PER_DECADE * np.abs(np.log10(self.predicted_area / self.true_area))


def read_predictions(path: str | Path, class_names: Sequence[str]) -> Predictions:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def column(name: str) -> np.ndarray:
        return np.array([float(r[name]) for r in rows], dtype=float)

    return Predictions(
        [r["path"] for r in rows],
        [r["true_label"] for r in rows],
        [r["style"] for r in rows],
        [r["label"] for r in rows],
        np.array([[float(r[f"p_{c}"]) for c in class_names] for r in rows]).reshape(
            len(rows), len(class_names)
        ),
        column("true_mean_grain_area_px"),
        column("mean_grain_area_px"),
        column("magnification"),
    )


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = CALIBRATION_BINS
) -> tuple[float, list[dict[str, float]]]:
    """ECE of the predicted class's probability: the image-weighted mean |accuracy - mean
    confidence| over equal-width confidence bins; and the bins (for the reliability diagram)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        members = index == b
        if not members.any():
            continue
        accuracy, mean_conf = float(correct[members].mean()), float(confidence[members].mean())
        ece += members.mean() * abs(accuracy - mean_conf)
        table.append(
            {
                "low": edges[b],
                "high": edges[b + 1],
                "n": int(members.sum()),
                "confidence": mean_conf,
                "accuracy": accuracy,
            }
        )
    return float(ece), table


def scores(pred: Predictions, class_names: Sequence[str]) -> dict[str, float]:
    """Grain-size error (median and 90th percentile |dG|), class accuracy, macro
    precision/recall/F1, the ROC AUC (two classes) and the expected calibration error."""
    n = len(pred.truth)
    accuracy = confusion(pred.truth, pred.labels, class_names)["accuracy"]
    precision, recall, f1, _ = precision_recall_fscore_support(
        pred.truth, pred.labels, labels=list(class_names), average="macro", zero_division=0
    )
    errors = pred.abs_delta_g
    confidence = pred.probabilities.max(axis=1) if n else np.zeros(0)
    correct = np.array([t == p for t, p in zip(pred.truth, pred.labels, strict=True)], float)
    result = {
        "n_images": n,
        "median_abs_dG": float(np.median(errors)) if n else math.nan,
        "p90_abs_dG": float(np.percentile(errors, 90)) if n else math.nan,
        "accuracy": accuracy,
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "auc": math.nan,
        "ece": expected_calibration_error(confidence, correct)[0] if n else math.nan,
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
    estimators: Mapping[str, Predictions], class_names: Sequence[str]
) -> list[dict[str, float | str]]:
    """One row per estimator, look (and 'all') and magnification band (and 'all'), the
    estimators side by side."""
    styles = sorted({s for pred in estimators.values() for s in pred.styles})
    rows = []
    for style in [ALL, *styles]:
        for band in [ALL, *BANDS]:
            for name, pred in estimators.items():
                subset = pred.subset(style, band)
                if subset.truth:
                    row = {"look": style, "magnification": band, "estimator": name}
                    rows.append({**row, **scores(subset, class_names)})
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


def _grain_size_error(
    predictions: Sequence[Prediction], truth: Mapping[str, ManifestRow]
) -> dict[str, float]:
    errors = [delta_g(p.area_px, truth[p.path].mean_grain_area_px) for p in predictions]
    return {
        "median_abs_dG": float(np.median(errors)),
        "p90_abs_dG": float(np.percentile(errors, 90)),
    }


def metrics(
    predictions: Sequence[Prediction],
    truth: Mapping[str, ManifestRow],
    classes: GrainSizeClasses,
) -> dict[str, Any]:
    """metrics.json: grain-size error, accuracy and confusion matrix, overall and per look; an
    image's true class is the class of the grain size it shows (`shown_label`)."""
    class_names = classes.names

    def summary(subset: Sequence[Prediction]) -> dict[str, Any]:
        labels = [shown_label(truth[p.path], classes) for p in subset]
        return {
            **confusion(labels, [p.label for p in subset], class_names),
            **_grain_size_error(subset, truth),
        }

    result: dict[str, Any] = {"class_names": list(class_names), **summary(predictions)}
    result["confusion_matrix_axes"] = "rows: true class, columns: predicted class"
    result["per_style"] = {
        style: summary([p for p in predictions if truth[p.path].style == style])
        for style in sorted({truth[p.path].style for p in predictions})
    }
    return result
