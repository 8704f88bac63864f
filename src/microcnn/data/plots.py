"""Figures of a generated dataset: grain size and grain count per image, by class.

Both read the dataset's records.csv (one row per image, see
``microcnn.geometry.generate.RECORD_FIELDS``) and draw one histogram per class on shared
logarithmic bins, since the classes differ by factors rather than by offsets.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from microcnn.atomic import save_figure

__all__ = ["plot_dataset", "read_records"]


def read_records(records_csv: str | Path) -> dict[str, dict[str, np.ndarray]]:
    """Per class (in order of first appearance): mean grain area and grains placed per image."""
    columns: dict[str, dict[str, list[float]]] = {}
    with open(records_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            per_class = columns.setdefault(row["class"], {"area": [], "grains": []})
            per_class["area"].append(float(row["mean_grain_area"]))
            per_class["grains"].append(float(row["grains_placed"]))
    if not columns:
        raise ValueError(f"no records in {records_csv}")
    return {
        name: {key: np.asarray(values, dtype=float) for key, values in data.items()}
        for name, data in columns.items()
    }


def _log_bins(values: list[np.ndarray], per_decade: int = 12) -> np.ndarray:
    """Shared log-spaced bin edges over all classes' (positive) values."""
    pooled = np.concatenate(values)
    low, high = float(pooled.min()), float(pooled.max())
    # Widen a degenerate or narrow range so that a single value still gets a visible bar.
    low, high = low / 1.05, high * 1.05
    count = max(10, math.ceil(per_decade * math.log10(high / low)))
    return np.geomspace(low, high, count + 1)


def _positive(values: np.ndarray) -> np.ndarray:
    # A log axis cannot show zero or negative values; records never hold them, but a
    # hand-edited file might.
    return values[np.isfinite(values) & (values > 0)]


def _histograms(ax: Axes, data: dict[str, np.ndarray], describe: Callable[[float], str]) -> None:
    """One step-filled histogram per class on shared log bins, with each class's median."""
    kept = {name: _positive(values) for name, values in data.items()}
    kept = {name: values for name, values in kept.items() if values.size}
    if not kept:
        raise ValueError("no positive values to plot")
    bins = _log_bins(list(kept.values()))
    for k, (name, values) in enumerate(kept.items()):
        color = f"C{k % 10}"
        median = float(np.median(values))
        label = f"{name} ({values.size} images, median {describe(median)})"
        skipped = data[name].size - values.size
        if skipped:
            label += f", {skipped} not shown"
        ax.hist(values, bins=bins, histtype="stepfilled", alpha=0.35, color=color, edgecolor=color)
        # The filled patch has no line; a separate step outline keeps overlaps readable.
        ax.hist(values, bins=bins, histtype="step", color=color, linewidth=1.2, label=label)
        ax.axvline(median, color=color, linestyle="--", linewidth=1.0)
    ax.set_xscale("log")
    ax.set_ylabel("images")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, title="class", title_fontsize=8)


def _figure() -> Figure:
    figure = Figure(figsize=(7, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def plot_dataset(
    records_csv: str | Path,
    areas_png: str | Path,
    grains_png: str | Path,
    pixels_per_unit: float,
) -> None:
    """Draw a dataset's records.csv: mean grain area per image into `areas_png`, grains per
    image into `grains_png`.

    `pixels_per_unit` is the side of the unit square in image pixels (``Renderer.pixels_per_unit``
    of the reference style), used for the pixel scale of the grain areas.
    """
    if not (math.isfinite(pixels_per_unit) and pixels_per_unit > 0):
        raise ValueError(f"pixels_per_unit must be positive, got {pixels_per_unit!r}")
    records = read_records(records_csv)
    scale = pixels_per_unit**2

    figure = _figure()
    ax = figure.add_subplot()
    _histograms(
        ax,
        {name: data["area"] for name, data in records.items()},
        lambda a: f"{a:.3g} = {a * scale:,.0f} px²",
    )
    ax.set_xlabel("mean grain area per image (domain units; the square domain has area 1)")
    ax.set_title("Mean grain area per image, by class (dashed: median)")
    top = ax.secondary_xaxis("top", functions=(lambda a: a * scale, lambda p: p / scale))
    top.set_xlabel(f"mean grain area per image (pixels², {pixels_per_unit:.4g} px per unit)")
    save_figure(figure, areas_png)

    figure = _figure()
    ax = figure.add_subplot()
    _histograms(
        ax, {name: data["grains"] for name, data in records.items()}, lambda n: f"{n:.0f} grains"
    )
    ax.set_xlabel("grains placed per image")
    ax.set_title("Grains per image, by class (dashed: median)")
    save_figure(figure, grains_png)
