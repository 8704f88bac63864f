"""A compact CNN for the grain-size task, a text summary of any model and a diagram of its layers.

Grain size is a texture statistic (how much boundary there is per unit area), so the compact
network looks at local patches and averages over the image instead of flattening a large
feature map into a dense layer.
"""

from __future__ import annotations

from pathlib import Path

import keras
from keras import layers
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch


def compact_cnn(height: int, width: int, n_classes: int) -> keras.Model:
    """A 4x4 stride-4 patch convolution (16 filters), three 3x3 convolutions (32/32/64) each
    followed by 2x2 max pooling, global average pooling and a softmax over the classes.

    Rescaling (to [-1, 1]) is part of the model, as in the reference. Keras shapes are
    (height, width, channels).
    """
    inputs = keras.Input(shape=(height, width, 3), name="image")
    # Centred rather than [0, 1]: the images are mostly white, and with all-positive inputs this
    # small network needed several more epochs to start separating the classes.
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    # Non-overlapping 4x4 patches see every pixel once (one-pixel boundaries are not skipped)
    # while the full-resolution convolution and pooling of the reference, the costliest layers
    # on the CPU, shrink to 1/16 of the positions.
    x = layers.Conv2D(16, 4, strides=4, activation="relu", name="patches")(x)
    # No BatchNorm: in training mode it cost about as much as the convolutions themselves.
    for i, filters in enumerate((32, 32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    # Averaging boundary detectors over the image measures boundary density, whatever the frame.
    x = layers.GlobalAveragePooling2D(name="average")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name="compact_cnn")


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
    fig.savefig(out_png, dpi=110, metadata={"Software": None})
    return boxes
