"""What a trained model is: the text of `model.summary()` and a drawing of its layers."""

from __future__ import annotations

from pathlib import Path

import keras
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from microcnn.atomic import save_figure


def describe(model: keras.Model) -> str:
    """The text of `model.summary()`."""
    lines: list[str] = []
    # Keras captures the table through a rich console 80 columns wide when it is not writing to
    # a terminal; a wider table would lose its parameter column.
    model.summary(line_length=78, print_fn=lambda line, *args, **kwargs: lines.append(line))
    return "\n".join(lines)


def _shape_text(layer: keras.layers.Layer) -> str:
    # The batch dimension is always None here: show height x width x channels.
    return " x ".join(str(d) for d in tuple(layer.output.shape)[1:])


def draw_diagram(model: keras.Model, out_png: str | Path) -> int:
    """Draw the model's layers top to bottom, one box each (name, type, output shape,
    parameters) joined by arrows, into a PNG. Returns the number of boxes drawn.

    The models here are chains, so each layer is joined to the next one in `model.layers`.
    """
    stack = model.layers
    box_h, gap = 0.62, 0.38
    height_in = 1.0 + len(stack) * (box_h + gap) * 0.85
    fig = Figure(figsize=(6.4, height_in))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.01, 0.96, 0.93))
    total = len(stack) * (box_h + gap)
    ax.set_xlim(0, 1)
    ax.set_ylim(-total, 0)
    ax.axis("off")
    boxes = 0
    for i, layer in enumerate(stack):
        top = -i * (box_h + gap) - gap / 2
        params = layer.count_params()
        ax.add_patch(
            FancyBboxPatch(
                (0.08, top - box_h),
                0.84,
                box_h,
                boxstyle="round,pad=0.01,rounding_size=0.05",
                facecolor="#dbe9f6" if params else "#f2f2f2",
                edgecolor="#1f4e79",
                linewidth=1.0,
            )
        )
        boxes += 1
        ax.text(
            0.5,
            top - box_h * 0.32,
            f"{layer.name}  ({type(layer).__name__})",
            ha="center",
            va="center",
            fontsize=9,
            fontweight="bold",
        )
        ax.text(
            0.5,
            top - box_h * 0.72,
            f"output {_shape_text(layer)}   |   {params:,} parameters",
            ha="center",
            va="center",
            fontsize=8,
        )
        if i + 1 < len(stack):
            ax.annotate(
                "",
                xy=(0.5, top - box_h - gap + 0.02),
                xytext=(0.5, top - box_h - 0.02),
                arrowprops={"arrowstyle": "->", "color": "#1f4e79", "lw": 1.2},
            )
    fig.suptitle(f"{model.name}: {model.count_params():,} parameters", fontsize=11)
    save_figure(fig, out_png, dpi=110)
    return boxes
