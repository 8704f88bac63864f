"""The training history: read back from history.csv and drawn as loss and accuracy curves."""

from __future__ import annotations

import csv
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from microcnn.atomic import save_figure


def read_history(path: str | Path) -> dict[str, list[float]]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {key: [float(row[key]) for row in rows] for key in rows[0]}


def plot_history(history_path: str | Path, out_path: str | Path, kept_epoch: int) -> None:
    """Loss and accuracy per epoch, training and validation side by side; a line marks the
    epoch whose weights the saved model has."""
    history = read_history(history_path)
    epochs = [int(e) for e in history["epoch"]]
    best = kept_epoch
    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    for ax, metric, title in zip(
        figure.subplots(1, 2),
        ("loss", "accuracy"),
        ("Loss (cross-entropy)", "Accuracy"),
        strict=True,
    ):
        ax.plot(epochs, history[metric], "o-", label="training")
        ax.plot(epochs, history[f"val_{metric}"], "s--", label="validation")
        ax.axvline(best, color="grey", lw=0.8, ls=":", label=f"kept model (epoch {best})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
        if metric == "loss":
            ax.set_yscale("log")  # the late epochs differ by orders of magnitude
        if metric == "accuracy":
            ax.set_ylim(min(0.4, *history[metric], *history["val_accuracy"]) - 0.02, 1.02)
    save_figure(figure, out_path)
