"""The training history: read back from history.csv and drawn as loss and grain-size error
curves."""

from __future__ import annotations

import csv
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from microcnn.atomic import save_figure
from microcnn.classes import G_PER_DECADE


def read_history(path: str | Path) -> dict[str, list[float]]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {key: [float(row[key]) for row in rows] for key in rows[0]}


def plot_history(history_path: str | Path, out_path: str | Path, kept_epoch: int) -> None:
    """Loss (the Gaussian negative log-likelihood) and the mean grain-size error |dG| per epoch,
    training and validation side by side; a line marks the epoch whose weights the saved model
    has."""
    history = read_history(history_path)
    epochs = [int(e) for e in history["epoch"]]
    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    panels = (
        ("loss", "Loss (negative log-likelihood of log10 area)", 1.0),
        # The mean absolute log10 error, times 3.32: the mean |dG| in ASTM grain-size numbers.
        ("log10_area_error", "Mean |dG| (ASTM G numbers)", G_PER_DECADE),
    )
    for ax, (metric, title, factor) in zip(figure.subplots(1, 2), panels, strict=True):
        ax.plot(epochs, [factor * v for v in history[metric]], "o-", label="training")
        ax.plot(epochs, [factor * v for v in history[f"val_{metric}"]], "s--", label="validation")
        ax.axvline(
            kept_epoch, color="grey", lw=0.8, ls=":", label=f"kept model (epoch {kept_epoch})"
        )
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
    save_figure(figure, out_path)
