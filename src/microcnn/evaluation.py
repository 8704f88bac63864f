"""Evaluation of classifiers on the test set: tables per rendering style and figures.

Every classifier's predictions come as the same CSV (path, true_label, style, label,
probability, p_<class>...), so the CNN and the classical baseline are scored by one code path.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import (
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

from microcnn.atomic import write_csv, write_text

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
    accuracy = sum(t == p for t, p in zip(pred.truth, pred.labels, strict=True)) / n
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


def _fmt(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def write_tables(rows: Sequence[Mapping[str, float | str]], csv_path: Path, md_path: Path) -> None:
    fields = list(rows[0])
    write_csv(csv_path, fields, ({k: _fmt(v) for k, v in row.items()} for row in rows))
    lines = ["| " + " | ".join(fields) + " |", "|" + " --- |" * len(fields)]
    lines += ["| " + " | ".join(_fmt(row[f]) for f in fields) + " |" for row in rows]
    write_text(md_path, "\n".join(lines) + "\n")


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def plot_confusion(
    classifiers: Mapping[str, Predictions], class_names: Sequence[str], out: Path
) -> None:
    """Confusion matrices (all styles) of every classifier, counts in the cells."""
    figure = _figure(4.2 * len(classifiers), 3.8)
    for ax, (name, pred) in zip(
        np.atleast_1d(figure.subplots(1, len(classifiers))), classifiers.items(), strict=True
    ):
        matrix = confusion_matrix(pred.truth, pred.labels, labels=list(class_names))
        ax.imshow(matrix, cmap="Blues")
        for (i, j), count in np.ndenumerate(matrix):
            colour = "white" if count > matrix.max() / 2 else "black"
            ax.text(j, i, str(count), ha="center", va="center", color=colour)
        ax.set_xticks(range(len(class_names)), class_names)
        ax.set_yticks(range(len(class_names)), class_names)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        ax.set_title(f"{name}: accuracy {scores(pred, class_names)['accuracy']:.3f}")
    figure.savefig(out, metadata={"Software": None})


def plot_roc(classifiers: Mapping[str, Predictions], class_names: Sequence[str], out: Path) -> None:
    """ROC curves (all styles) for two classes; the positive class is the second one."""
    figure = _figure(5, 4.5)
    ax = figure.subplots()
    for name, pred in classifiers.items():
        positive = [t == class_names[-1] for t in pred.truth]
        if len(class_names) != 2 or len(set(positive)) < 2:
            continue
        fpr, tpr, _ = roc_curve(positive, pred.probabilities[:, 1])
        auc = roc_auc_score(positive, pred.probabilities[:, 1])
        ax.plot(fpr, tpr, label=f"{name} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], ls=":", color="grey", label="chance")
    ax.set_xlabel(f"false positive rate (true {class_names[0]} called {class_names[-1]})")
    ax.set_ylabel(f"true positive rate ({class_names[-1]} found)")
    ax.set_title("ROC, test set, all styles")
    ax.legend(loc="lower right")
    figure.savefig(out, metadata={"Software": None})


def plot_misclassified(pred: Predictions, name: str, out: Path, limit: int = 24) -> None:
    """A grid of the misclassified test images with the predicted class and its probability."""
    from PIL import Image

    wrong = [i for i, (t, p) in enumerate(zip(pred.truth, pred.labels, strict=True)) if t != p]
    shown = wrong[:limit]
    columns = 4
    n_rows = max(1, math.ceil(len(shown) / columns))
    figure = _figure(3.2 * columns, 2.4 * n_rows + 0.4)
    figure.suptitle(f"{name}: {len(wrong)} of {len(pred.truth)} test images misclassified")
    axes = np.atleast_1d(figure.subplots(n_rows, columns)).ravel()
    for ax in axes:
        ax.set_axis_off()
    if not shown:
        axes[0].text(0, 0.5, "none", fontsize=14)
    for ax, i in zip(axes, shown, strict=False):
        with Image.open(pred.paths[i]) as image:
            ax.imshow(image.convert("RGB"))
        probability = pred.probabilities[i].max()
        ax.set_title(
            f"{Path(pred.paths[i]).stem} ({pred.styles[i]})\n"
            f"true {pred.truth[i]}, called {pred.labels[i]} ({probability:.2f})",
            fontsize=8,
        )
    figure.savefig(out, metadata={"Software": None})


def evaluate(
    prediction_files: Mapping[str, str | Path], class_names: Sequence[str], out_dir: str | Path
) -> list[dict[str, float | str]]:
    """Score every classifier's predictions; write the tables and figures to `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    classifiers = {n: read_predictions(p, class_names) for n, p in prediction_files.items()}
    rows = summary_rows(classifiers, class_names)
    write_tables(rows, out_dir / "summary.csv", out_dir / "summary.md")
    class_rows = [
        {"classifier": name, **row}
        for name, pred in classifiers.items()
        for row in per_class(pred, class_names)
    ]
    write_tables(class_rows, out_dir / "per_class.csv", out_dir / "per_class.md")
    plot_confusion(classifiers, class_names, out_dir / "confusion.png")
    plot_roc(classifiers, class_names, out_dir / "roc.png")
    first = next(iter(classifiers))
    plot_misclassified(classifiers[first], first, out_dir / "misclassified.png")
    return rows
