"""The evaluation stage: every estimator scored per look and magnification band, as tables and
figures."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from microcnn.atomic import write_csv, write_text
from microcnn.evaluation.figures import (
    plot_confusion,
    plot_misclassified,
    plot_reliability,
    plot_roc,
    plot_scatter,
)
from microcnn.evaluation.scores import per_class, read_predictions, summary_rows


def _fmt(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def write_tables(
    rows: Sequence[Mapping[str, float | str]], csv_path: str | Path, md_path: str | Path
) -> None:
    fields = list(rows[0])
    write_csv(csv_path, fields, ({k: _fmt(v) for k, v in row.items()} for row in rows))
    lines = ["| " + " | ".join(fields) + " |", "|" + " --- |" * len(fields)]
    lines += ["| " + " | ".join(_fmt(row[f]) for f in fields) + " |" for row in rows]
    write_text(md_path, "\n".join(lines) + "\n")


@dataclass(frozen=True)
class EvaluationFiles:
    """Where the evaluation writes: the paths the workflow's evaluate rule declares."""

    summary: str | Path  # CSV, one row per classifier and style
    summary_md: str | Path
    per_class: str | Path
    per_class_md: str | Path
    confusion: str | Path
    roc: str | Path
    misclassified: str | Path
    scatter: str | Path  # predicted against true grain size
    reliability: str | Path  # calibration of the class probabilities


def evaluate(
    prediction_files: Mapping[str, str | Path], class_names: Sequence[str], out: EvaluationFiles
) -> list[dict[str, float | str]]:
    """Score every classifier's predictions; write the tables and figures to `out`."""
    classifiers = {n: read_predictions(p, class_names) for n, p in prediction_files.items()}
    rows = summary_rows(classifiers, class_names)
    write_tables(rows, out.summary, out.summary_md)
    class_rows = [
        {"classifier": name, **row}
        for name, pred in classifiers.items()
        for row in per_class(pred, class_names)
    ]
    write_tables(class_rows, out.per_class, out.per_class_md)
    plot_confusion(classifiers, class_names, out.confusion)
    plot_roc(classifiers, class_names, out.roc)
    first = next(iter(classifiers))
    plot_misclassified(classifiers[first], first, out.misclassified)
    plot_scatter(classifiers, out.scatter)
    plot_reliability(classifiers, out.reliability)
    return rows
