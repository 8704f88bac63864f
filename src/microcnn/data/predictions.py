"""Predictions CSV: one row per image with its estimated grain size, how sure the estimate is,
and the class that follows from it.

The CNN and the classical measurement write the same format, so the evaluation scores both by
one code path. An estimate is a normal distribution of log10(mean grain area / px^2) in the
image's own pixels; micrometres and the ASTM G number follow where the pixel size is known, and
the class is decided at the image's pixel size (or the reference one, when it is unknown).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from microcnn.atomic import write_text
from microcnn.classes import GrainSizeClasses, astm_g
from microcnn.data.manifest import ManifestRow

Z90 = 1.6448536  # a central 90 % interval of a normal is mean +- 1.645 sd
# true_label: the class of the grain size the image shows (what accuracy is scored against);
# drawn_label: the class its microstructure was drawn from (what the split is stratified by).
TRUTH_COLUMNS = [
    "true_label",
    "drawn_label",
    "style",
    "true_mean_grain_area_px",
    "magnification",
]


@dataclass(frozen=True)
class Prediction:
    path: str
    log10_area_px: float  # estimated log10 mean grain area, image pixels
    log10_sd: float  # its standard deviation
    pixel_size_um: float  # the pixel size the class was decided at
    pixel_size_known: bool  # False: the reference pixel size was assumed
    label: str
    probabilities: dict[str, float]

    @property
    def probability(self) -> float:
        return self.probabilities[self.label]

    @property
    def area_px(self) -> float:
        return 10**self.log10_area_px

    @property
    def area_um2(self) -> float:
        return self.area_px * self.pixel_size_um**2


def classify(
    path: str,
    log10_area_px: float,
    log10_sd: float,
    classes: GrainSizeClasses,
    pixel_size_um: float,
    pixel_size_known: bool = True,
) -> Prediction:
    """A grain-size estimate in pixels turned into class probabilities at a pixel size; the
    label is the most probable class."""
    log10_um2 = log10_area_px + 2 * math.log10(pixel_size_um)
    probabilities = classes.probabilities(log10_um2, log10_sd)
    label = max(classes.names, key=lambda name: probabilities[name])
    return Prediction(
        path, log10_area_px, log10_sd, pixel_size_um, pixel_size_known, label, probabilities
    )


def shown_label(row: ManifestRow, classes: GrainSizeClasses) -> str:
    """The class of the grain size an image shows: its true mean grain area at its pixel size.

    Mostly the class its microstructure was drawn from, but a class's band reaches up to the
    boundary and an image shows a part of the square: near the boundary the grains in view can
    average across it. Grain size is defined by the image as given, so scores use this class.
    Without a known area or pixel size, the drawn class.
    """
    area_um2 = row.mean_grain_area_px * row.pixel_size_um**2
    return classes.label(area_um2) if math.isfinite(area_um2) else row.label


def columns(class_names: Sequence[str], with_truth: bool) -> list[str]:
    """The CSV header: truth (for the workflow's test images), class, then the grain size."""
    truth = TRUTH_COLUMNS if with_truth else []
    return [
        "path",
        *truth,
        "label",
        "probability",
        *(f"p_{c}" for c in class_names),
        "mean_grain_area_px",
        "log10_area_sd",
        "area_px_low90",
        "area_px_high90",
        "pixel_size_um",
        "mean_grain_area_um2",
        "astm_g",
    ]


def write_predictions(
    out: TextIO,
    predictions: Sequence[Prediction],
    classes: GrainSizeClasses,
    truth: Mapping[str, ManifestRow] | None = None,
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """CSV rows in `columns` order; micrometres and G are empty where the pixel size was not
    known (the class was then decided at the reference pixel size). `extra` adds columns per
    image path (the same names for every image), after the others."""
    class_names = classes.names
    extra_names = list(next(iter(extra.values()))) if extra else []
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(class_names, truth is not None) + extra_names)
    for p in predictions:
        known = []
        if truth is not None:
            row = truth[p.path]
            area, magnification = f"{row.mean_grain_area_px:.4f}", f"{row.magnification:.6f}"
            known = [shown_label(row, classes), row.label, row.style, area, magnification]
        low, high = (10 ** (p.log10_area_px + k * Z90 * p.log10_sd) for k in (-1, 1))
        scale = (
            [f"{p.pixel_size_um:.6g}", f"{p.area_um2:.6g}", f"{astm_g(p.area_um2):.3f}"]
            if p.pixel_size_known
            else ["", "", ""]
        )
        writer.writerow(
            [
                p.path,
                *known,
                p.label,
                f"{p.probability:.6f}",
                *(f"{p.probabilities[c]:.6f}" for c in class_names),
                f"{p.area_px:.4f}",
                f"{p.log10_sd:.5f}",
                f"{low:.4f}",
                f"{high:.4f}",
                *scale,
                *(extra[p.path][name] for name in extra_names),
            ]
        )


def save_predictions(
    path: str | Path,
    predictions: Sequence[Prediction],
    classes: GrainSizeClasses,
    truth: Mapping[str, ManifestRow] | None = None,
) -> None:
    """The predictions CSV written to `path` (atomically)."""
    buffer = io.StringIO()
    write_predictions(buffer, predictions, classes, truth)
    write_text(path, buffer.getvalue())
