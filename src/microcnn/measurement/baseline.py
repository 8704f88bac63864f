"""The classical baseline: each image's grain size as ASTM E112's planimetric count measures it
(`microcnn.measurement.measure`), its class decided by the same class boundaries as the CNN's.

The measurement itself is not fitted. Only its spread is estimated from the training images that
were measured (the root-mean-square log10 error against the truth; the measure stage measures a
sample of them, `selection`), so that its class probabilities say how sure a measurement of that
quality is, and the two are scored alike, calibration included.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from microcnn.atomic import write_text
from microcnn.classes import G_PER_DECADE, GrainSizeClasses
from microcnn.data.manifest import ManifestRow, read_manifest
from microcnn.data.predictions import Prediction, classify, save_predictions, shown_label
from microcnn.measurement.measure import read_measurements
from microcnn.workflow_io import StageError


def log10_errors(areas: dict[str, float], rows: Sequence[ManifestRow]) -> np.ndarray:
    """log10(measured / true mean grain area) of each image."""
    return np.log10([areas[r.path] / r.mean_grain_area_px for r in rows])


def predict(
    areas: dict[str, float], rows: Sequence[ManifestRow], classes: GrainSizeClasses, sd: float
) -> list[Prediction]:
    """Each image's measured area as an estimate with spread `sd`, classified at its pixel
    size; an image where no grain was found gets the widest estimate at the median area."""
    fallback = float(np.median(np.log10(list(areas.values()))))
    out = []
    for row in rows:
        area = areas[row.path]
        found = math.isfinite(area) and area > 0
        log_area, spread = (math.log10(area), sd) if found else (fallback, 3.0)
        out.append(classify(row.path, log_area, spread, classes, row.pixel_size_um))
    return out


def run_baseline(
    measurement_files: Sequence[str | Path],
    train_manifest: str | Path,
    test_manifest: str | Path,
    classes: GrainSizeClasses,
    predictions_path: str | Path,
    summary_path: str | Path,
) -> None:
    """Estimate the measurement's spread on the measured training images; classify the test
    images (same CSV as the CNN's; every one must be measured); write the spread and the
    training scores to `summary_path`."""
    areas = read_measurements(measurement_files)
    test = read_manifest(test_manifest)
    train_all = read_manifest(train_manifest)
    train = [r for r in train_all if r.path in areas]
    if not train:
        # A StageError: the stage reports it as one line, not a traceback.
        raise StageError(
            "no training image was measured: the measurement's spread is unknown "
            "(measurement.train_fraction must leave at least one training microstructure)"
        )
    errors = log10_errors(areas, train)
    errors = errors[np.isfinite(errors)]
    sd = float(np.sqrt(np.mean(errors**2)))
    save_predictions(
        predictions_path,
        predict(areas, test, classes, sd),
        classes,
        {r.path: r for r in test},
    )
    train_predictions = predict(areas, train, classes, sd)
    summary = {
        "estimate": "ASTM E112 planimetric mean grain area, px, of each image's specimen box",
        "classes": classes.to_json(),
        "train_images": len(train_all),
        "train_images_measured": len(train),
        "log10_error_rms": sd,
        "log10_error_mean": float(np.mean(errors)),
        "median_abs_delta_g_train": float(G_PER_DECADE * np.median(np.abs(errors))),
        "train_accuracy": float(
            np.mean(
                [
                    p.label == shown_label(r, classes)
                    for p, r in zip(train_predictions, train, strict=True)
                ]
            )
        ),
    }
    write_text(summary_path, json.dumps(summary, indent=2) + "\n")
