"""A grid of sample images, rows by class and columns by rendering style."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from microcnn.atomic import save_figure


def plot_samples(
    images: dict[tuple[str, str], list[str]],
    classes: list[str],
    styles: list[str],
    out_path: str | Path,
    per_class: int = 2,
) -> None:
    """A grid of sample images: `per_class` rows per class, one column per rendering style."""
    rows = [(cls, k) for cls in classes for k in range(per_class)]
    figure = Figure(figsize=(2.6 * len(styles), 1.9 * len(rows)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(rows), len(styles), squeeze=False)
    for (cls, k), row in zip(rows, axes, strict=True):
        for style, ax in zip(styles, row, strict=True):
            paths = sorted(images.get((style, cls), []))
            ax.set_xticks([])
            ax.set_yticks([])
            if k >= len(paths):
                ax.set_axis_off()
                continue
            with Image.open(paths[k]) as image:
                ax.imshow(image.convert("RGB"))
            # Keep a grey frame so the image's white margin stays visible.
            for spine in ax.spines.values():
                spine.set_color("0.7")
            ax.set_title(f"{style}: {Path(paths[k]).stem}", fontsize=8)
    save_figure(figure, out_path)
