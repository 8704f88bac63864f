"""The networks: the reference CNN of the original scripts and a compact one, and their registry.

Grain size is a texture statistic (how much boundary there is per unit area), so the compact
network looks at local patches and averages over the image instead of flattening a large
feature map into a dense layer.
"""

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


# "compact" is the default: as accurate as the reference on every style, 50x fewer parameters,
# faster to train and to run (benchmarks/architectures.py).
ARCHITECTURES = {"reference": reference_cnn, "compact": compact_cnn}


def build(architecture: str, height: int, width: int, n_classes: int) -> keras.Model:
    """The network `architecture` (a key of ARCHITECTURES) for images of height x width."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; allowed: {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[architecture](height, width, n_classes)
