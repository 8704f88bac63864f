"""The CNN architectures."""

from __future__ import annotations

import keras
from keras import layers


def reference_cnn(height: int, width: int, n_classes: int) -> keras.Model:
    """The reference network: four 3x3 convolutions (8/16/32/32) each followed by 2x2 max
    pooling, a 128-unit dense layer and a softmax over the classes.

    Rescaling to [0, 1] is part of the model, so training and prediction cannot disagree on it.
    Keras shapes are (height, width, channels).
    """
    inputs = keras.Input(shape=(height, width, 3), name="image")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for filters in (8, 16, 32, 32):
        x = layers.Conv2D(filters, 3, activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(128, activation="relu")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name="reference_cnn")


def _compact(height: int, width: int, n_classes: int) -> keras.Model:
    from microcnn.architectures import compact_cnn

    return compact_cnn(height, width, n_classes)


# "compact" is the default: as accurate as the reference on every style, 50x fewer parameters,
# faster to train and to run (benchmarks/architectures.py).
ARCHITECTURES = {"reference": reference_cnn, "compact": _compact}


def build(architecture: str, height: int, width: int, n_classes: int) -> keras.Model:
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; allowed: {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[architecture](height, width, n_classes)
