"""Predictions CSV: one row per image with the predicted class and every class's probability.

The CNN and the grain-size threshold write the same format, so the evaluation scores both by one
code path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from microcnn.atomic import write_text
from microcnn.data.manifest import ManifestRow


@dataclass
class Prediction:
    path: str
    label: str
    probabilities: dict[str, float]

    @property
    def probability(self) -> float:
        return self.probabilities[self.label]


def write_predictions(
    out: TextIO,
    predictions: Sequence[Prediction],
    class_names: Sequence[str],
    truth: Mapping[str, ManifestRow] | None = None,
) -> None:
    """CSV: path, [true_label, style,] label, probability, then p_<class> for every class."""
    writer = csv.writer(out, lineterminator="\n")
    head = ["path"] + (["true_label", "style"] if truth is not None else [])
    writer.writerow(head + ["label", "probability"] + [f"p_{c}" for c in class_names])
    for p in predictions:
        known = [truth[p.path].label, truth[p.path].style] if truth is not None else []
        probs = [f"{p.probabilities[c]:.6f}" for c in class_names]
        writer.writerow([p.path, *known, p.label, f"{p.probability:.6f}", *probs])


def save_predictions(
    path: str | Path,
    predictions: Sequence[Prediction],
    class_names: Sequence[str],
    truth: Mapping[str, ManifestRow] | None = None,
) -> None:
    """The predictions CSV written to `path` (atomically)."""
    buffer = io.StringIO()
    write_predictions(buffer, predictions, class_names, truth)
    write_text(path, buffer.getvalue())
