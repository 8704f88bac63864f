"""The classical baseline: a threshold on the grain size measured from each image (ASTM E112
planimetric count, `microcnn.measurement.measure`), fitted on the training set.

The threshold is a one-feature logistic regression on log10(mean grain area): for two classes
its decision boundary is a single grain-area threshold, for more classes a set of them, and it
gives class probabilities, so the baseline is scored exactly like the CNN.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from microcnn.atomic import write_text
from microcnn.data.manifest import ManifestRow, read_manifest
from microcnn.data.predictions import Prediction, save_predictions
from microcnn.measurement.measure import read_measurements


def _feature(areas: dict[str, float], rows: Sequence[ManifestRow]) -> np.ndarray:
    """log10 of the measured mean grain area in square micrometres (each image's pixel size)."""
    return np.log10([[areas[r.path] * r.pixel_size_um**2] for r in rows])


def fit_threshold(
    areas: dict[str, float], train: Sequence[ManifestRow], class_names: Sequence[str]
) -> LogisticRegression:
    """Logistic regression on log10(mean grain area) of the training images."""
    model = LogisticRegression(C=1e4, max_iter=1000)  # barely regularised: a pure threshold
    model.fit(_feature(areas, train), [class_names.index(r.label) for r in train])
    return model


def thresholds(model: LogisticRegression, class_names: Sequence[str]) -> dict[str, float]:
    """For two classes, the mean grain area (um^2) where the decision flips."""
    if len(class_names) != 2:
        return {}
    log_area = -float(model.intercept_[0]) / float(model.coef_[0, 0])
    return {
        "mean_grain_area_um2": 10**log_area,
        "equivalent_diameter_um": math.sqrt(4 * 10**log_area / math.pi),
    }


def run_baseline(
    measurement_files: Sequence[str | Path],
    train_manifest: str | Path,
    test_manifest: str | Path,
    class_names: Sequence[str],
    predictions_path: str | Path,
    model_path: str | Path,
) -> None:
    """Fit on the training images, predict the test images (same CSV as the CNN's)."""
    areas = read_measurements(measurement_files)
    train, test = read_manifest(train_manifest), read_manifest(test_manifest)
    model = fit_threshold(areas, train, class_names)
    probabilities = model.predict_proba(_feature(areas, test))
    predictions = [
        Prediction(
            row.path,
            class_names[int(np.argmax(p))],
            {c: float(v) for c, v in zip(class_names, p, strict=True)},
        )
        for row, p in zip(test, probabilities, strict=True)
    ]
    save_predictions(predictions_path, predictions, class_names, {r.path: r for r in test})
    summary = {
        "feature": "log10(mean grain area, planimetric, um^2)",
        "class_names": list(class_names),
        "train_images": len(train),
        "train_accuracy": float(
            model.score(_feature(areas, train), [class_names.index(r.label) for r in train])
        ),
        "threshold": thresholds(model, class_names),
    }
    write_text(model_path, json.dumps(summary, indent=2) + "\n")
