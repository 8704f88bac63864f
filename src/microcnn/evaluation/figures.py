"""Figures of the evaluation: confusion matrices, ROC curves, the misclassified images,
predicted against true grain size, and the reliability of the class probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve

from microcnn.atomic import save_figure
from microcnn.classes import G_PER_DECADE
from microcnn.evaluation.scores import Predictions, expected_calibration_error, scores


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def plot_confusion(
    classifiers: Mapping[str, Predictions], class_names: Sequence[str], out: str | Path
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
    save_figure(figure, out)


def plot_roc(
    classifiers: Mapping[str, Predictions], class_names: Sequence[str], out: str | Path
) -> None:
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
    save_figure(figure, out)


def plot_misclassified(pred: Predictions, name: str, out: str | Path, limit: int = 24) -> None:
    """A grid of the misclassified test images with the predicted class and its probability."""
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
    save_figure(figure, out)


def plot_scatter(estimators: Mapping[str, Predictions], out: str | Path) -> None:
    """Predicted against true mean grain area (px, log-log) per estimator, coloured by look,
    with the identity line and the +-0.5 G band."""
    figure = _figure(5.0 * len(estimators), 4.6)
    axes = np.atleast_1d(figure.subplots(1, len(estimators), sharey=True))
    for ax, (name, pred) in zip(axes, estimators.items(), strict=True):
        for k, style in enumerate(sorted(set(pred.styles))):
            part = pred.subset(style)
            ax.scatter(part.true_area, part.predicted_area, s=6, color=f"C{k % 10}", label=style)
        low = float(min(pred.true_area.min(), pred.predicted_area.min())) / 1.5
        high = float(max(pred.true_area.max(), pred.predicted_area.max())) * 1.5
        line = np.geomspace(low, high, 50)
        ax.plot(line, line, color="k", lw=0.8)
        for factor in (10 ** (0.5 / G_PER_DECADE), 10 ** (-0.5 / G_PER_DECADE)):
            ax.plot(line, line * factor, color="grey", lw=0.6, ls=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("true mean grain area (px)")
        ax.set_title(f"{name}: median |dG| {np.median(pred.abs_delta_g):.3f}")
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("estimated mean grain area (px)")
    axes[0].legend(fontsize=7, markerscale=2, title="look (dotted: +-0.5 G)", title_fontsize=7)
    save_figure(figure, out)


def plot_reliability(estimators: Mapping[str, Predictions], out: str | Path) -> None:
    """Reliability diagram: accuracy against the predicted class's probability, in bins, with
    each estimator's expected calibration error."""
    figure = _figure(5, 4.5)
    ax = figure.subplots()
    for k, (name, pred) in enumerate(estimators.items()):
        confidence = pred.probabilities.max(axis=1)
        correct = np.array([t == p for t, p in zip(pred.truth, pred.labels, strict=True)], float)
        ece, bins = expected_calibration_error(confidence, correct)
        ax.plot(
            [b["confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            "o-",
            color=f"C{k}",
            label=f"{name} (ECE {ece:.3f}, {len(correct)} images)",
        )
    ax.plot([0, 1], [0, 1], ls=":", color="grey", label="perfect calibration")
    ax.set_xlabel("probability of the predicted class (bin mean)")
    ax.set_ylabel("fraction correct")
    ax.set_xlim(0.45, 1.02)
    ax.set_ylim(0.0, 1.02)
    ax.set_title("Reliability of the class probabilities")
    ax.legend(loc="lower right", fontsize=8)
    save_figure(figure, out)
