"""The classical baseline: grain size measured from each image (ASTM E112 planimetric count),
and a threshold on it fitted on the training set.

The threshold is a one-feature logistic regression on log10(mean grain area): for two classes
its decision boundary is a single grain-area threshold, for more classes a set of them, and it
gives class probabilities, so the baseline is scored exactly like the CNN.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from microcnn.atomic import write_csv, write_text
from microcnn.grainsize import measure_image
from microcnn.predict import Prediction, write_predictions
from microcnn.render import STYLES, ImageSettings, Renderer
from microcnn.split import ManifestRow, read_manifest

MEASUREMENT_FIELDS = [
    "path",
    "style",
    "grains_equivalent",
    "mean_area_px",
    "mean_area_domain",
    "mean_area_mm2",
    "mean_intercept_domain",
    "g_planimetric",
    "g_intercept",
]


def measure_batch(
    paths: Sequence[str | Path],
    style: str,
    settings: ImageSettings,
    domain_mm: float,
    out_path: str | Path,
) -> None:
    """Measure every image of one style; write a CSV row per image.

    The measured box and the scale come from the renderer of that style: the drawn square for
    the framed styles, the whole image for `fullframe` (whose pixels are about twice as fine).
    """
    renderer = Renderer(settings, STYLES[style])
    mm_per_pixel = domain_mm / renderer.pixels_per_unit
    rows = []
    for path in sorted(map(str, paths)):
        m = measure_image(path, mm_per_pixel, renderer.domain_box)
        rows.append(
            {
                "path": path,
                "style": style,
                "grains_equivalent": f"{m.grains_equivalent:.1f}",
                "mean_area_px": f"{m.mean_area_px:.3f}",
                "mean_area_domain": f"{m.mean_area_px / renderer.pixels_per_unit**2:.6g}",
                "mean_area_mm2": f"{m.mean_area_mm2:.6g}",
                "mean_intercept_domain": f"{m.mean_intercept_px / renderer.pixels_per_unit:.6g}",
                "g_planimetric": f"{m.g_planimetric:.3f}",
                "g_intercept": f"{m.g_intercept:.3f}",
            }
        )
    write_csv(out_path, MEASUREMENT_FIELDS, rows)


def read_measurements(files: Sequence[str | Path]) -> dict[str, float]:
    """Mean grain area (domain units) by image path."""
    areas = {}
    for file in files:
        with open(file, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                areas[row["path"]] = float(row["mean_area_domain"])
    return areas


def _feature(areas: dict[str, float], rows: Sequence[ManifestRow]) -> np.ndarray:
    return np.log10([[areas[r.path]] for r in rows])


def fit_threshold(
    areas: dict[str, float], train: Sequence[ManifestRow], class_names: Sequence[str]
) -> LogisticRegression:
    """Logistic regression on log10(mean grain area) of the training images."""
    model = LogisticRegression(C=1e4, max_iter=1000)  # barely regularised: a pure threshold
    model.fit(_feature(areas, train), [class_names.index(r.label) for r in train])
    return model


def thresholds(model: LogisticRegression, class_names: Sequence[str]) -> dict[str, float]:
    """For two classes, the mean grain area (domain units) where the decision flips."""
    if len(class_names) != 2:
        return {}
    log_area = -float(model.intercept_[0]) / float(model.coef_[0, 0])
    return {
        "mean_grain_area": 10**log_area,
        "equivalent_diameter": math.sqrt(4 * 10**log_area / math.pi),
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
    buffer = io.StringIO()
    write_predictions(buffer, predictions, class_names, {r.path: r for r in test})
    write_text(predictions_path, buffer.getvalue())
    summary = {
        "feature": "log10(mean grain area, planimetric, domain units)",
        "class_names": list(class_names),
        "train_images": len(train),
        "train_accuracy": float(
            model.score(_feature(areas, train), [class_names.index(r.label) for r in train])
        ),
        "threshold": thresholds(model, class_names),
    }
    write_text(model_path, json.dumps(summary, indent=2) + "\n")
