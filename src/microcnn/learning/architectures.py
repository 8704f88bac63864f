"""The networks: each measures an image's mean grain area, in its own pixels, with an uncertainty.

Every network is fully convolutional and ends in a weighted average over the image, so it runs
on any image size at native pixels: grain size is a texture statistic (how much boundary there
is per unit area), and resizing an image would change it. The output is two numbers per image:
the mean and the log standard deviation of a normal estimate of log10(mean grain area / px^2),
trained by its negative log-likelihood (`gaussian_nll`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import keras
from keras import layers, ops

from microcnn.imaging.margin import MARGIN_LEVEL
from microcnn.learning.outputs import MAX_LOG10_SD, MIN_LOG10_SD
from microcnn.learning.precision import TRUNK_POLICY


@keras.saving.register_keras_serializable(package="microcnn")
class SpecimenAverage(layers.Layer):
    """The average of features over the specimen, on a log scale.

    Takes (features, weights): features >= 0 (B, H, W, C) and a weight per position in [0, 1)
    (B, H, W, 1) that the network learns to put on microstructure rather than on a white margin
    or a frame (0 where `margin_mask` leaves a position out). Returns log(sum(w f) / sum(w) +
    eps): boundary density per specimen area, whose log is linear in log grain area for
    boundary-detecting features.
    """

    def call(self, inputs):
        features, weights = inputs
        total = ops.sum(features * weights, axis=(1, 2))
        norm = ops.sum(weights, axis=(1, 2)) + 1e-6
        return ops.log(total / norm + 1e-3)


def margin_mask(inputs: keras.KerasTensor) -> keras.KerasTensor:
    """1 at each position of the compact network's last feature map (1/32 of the image) whose
    own cell or a neighbouring one holds a pixel that is not pure white, 0 elsewhere: the
    positions deep in a white margin, which hold no microstructure.

    Why a fixed rule where the network learns its own specimen weights: the learnt weights are
    small but not zero in a wide margin, and what the features there add pulled squares centred
    in a large white frame toward smaller grains, by up to 0.4 G numbers at 1024x768 (README,
    "Deep white is not microstructure"). Near the specimen (within a cell of it) the learnt
    weights still decide. The pooling repeats the trunk's: a 4x4 grid, a "same" stride 2, two
    2x2, so the mask has the feature map's shape at any image size.
    """
    # Each 4x4 block's sum over its pixels and channels, as a convolution with a fixed kernel of
    # ones (exact: integer sums below 2**24): a block is white only if the sum is that of 48
    # white values. One pass over the pixels instead of a comparison per pixel and a max-pool.
    sums = layers.Conv2D(
        1, 4, strides=4, use_bias=False, kernel_initializer="ones", trainable=False,
        name="margin_blocks", dtype="float32",
    )(inputs)  # fmt: skip
    m = ops.cast(sums < 48 * MARGIN_LEVEL - 0.5, "float32")
    m = layers.MaxPooling2D(2, 2, padding="same", name="margin_half", dtype="float32")(m)
    m = layers.MaxPooling2D(2, name="margin_quarter", dtype="float32")(m)
    m = layers.MaxPooling2D(2, name="margin_eighth", dtype="float32")(m)
    near = layers.MaxPooling2D(3, 1, padding="same", name="margin_near", dtype="float32")(m)
    return ops.stop_gradient(near)


def _head(
    x, features, log10_area_mean: float, mask: keras.KerasTensor | None = None
) -> keras.KerasTensor:
    """Specimen weights, the weighted log-average and a small dense head giving (mean, log sd).

    Always float32, whatever the trunk computes in: the average sums thousands of positions,
    and in bfloat16 (an 8-bit mantissa) such a sum would lose the digits the log area needs.
    """
    weights = layers.Conv2D(1, 1, activation="sigmoid", name="specimen_weight", dtype="float32")(x)
    if mask is not None:
        masked = layers.Multiply(name="specimen_weight_in_margin", dtype="float32")
        weights = masked([weights, mask])
    pooled = SpecimenAverage(name="specimen_average", dtype="float32")([features, weights])
    hidden = layers.Dense(32, activation="relu", name="hidden", dtype="float32")(pooled)
    return layers.Dense(
        2,
        name="log10_area",
        dtype="float32",
        # Start every image at the training set's mean log area with a wide sd (zero weights):
        # random weights on the log features put the first estimates decades off, and the
        # likelihood's gradients there are large enough to derail training.
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant([log10_area_mean, math.log(0.3)]),
    )(hidden)


def reference_cnn(log10_area_mean: float = 3.0, width: int = 1) -> keras.Model:
    """The reference network's convolutions: four 3x3 convolutions (8/16/32/32, times `width`)
    each followed by 2x2 max pooling, with the grain-size head. Rescaling to [0, 1] is part of
    the model, so training and prediction cannot disagree on it."""
    inputs = keras.Input(shape=(None, None, 3), name="image")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for i, filters in enumerate((8, 16, 32, 32), start=1):
        x = layers.Conv2D(filters * width, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    return keras.Model(inputs, _head(x, x, log10_area_mean), name="reference_cnn")


def compact_cnn(
    log10_area_mean: float = 3.0, mask_margin: bool = True, width: int = 1
) -> keras.Model:
    """A 4x4 stride-4 patch convolution (16 filters), a 3x3 stride-2 convolution (32), two 3x3
    convolutions (32/64) each followed by 2x2 max pooling, a 3x3 context convolution (128) at
    1/32 of the image, and the grain-size head, whose average leaves out the positions deep in
    a pure white margin (`margin_mask`; `mask_margin=False` is the network before it, for
    benchmarks/margin_mask.py). `width` multiplies every convolution's filters.

    Rescaling (to [-1, 1]) is part of the model. Keras shapes are (height, width, channels).
    """
    inputs = keras.Input(shape=(None, None, 3), name="image")
    # Centred rather than [0, 1]: the images are mostly light, and with all-positive inputs a
    # small network needs more epochs to start.
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    # Non-overlapping 4x4 patches see every pixel once (one-pixel boundaries are not skipped)
    # while the costliest full-resolution layers shrink to 1/16 of the positions.
    x = layers.Conv2D(16 * width, 4, strides=4, activation="relu", name="patches")(x)
    # A stride-2 convolution where a convolution at the patch grid and a 2x2 pooling were: the
    # same feature-map sizes downstream, every patch still seen (3x3 windows overlap at stride
    # 2), at a quarter of that layer's cost; the network trains about twice as fast
    # (benchmarks/training.py).
    x = layers.Conv2D(32 * width, 3, strides=2, padding="same", activation="relu", name="conv1")(x)
    # No BatchNorm: in training mode it cost about as much as the convolutions themselves.
    x = layers.Conv2D(32 * width, 3, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Conv2D(64 * width, 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.MaxPooling2D(2, name="pool3")(x)
    # Context: widens what each feature sees from 84 px to 148 px square, so that more of
    # a large grain's outline, a twin band and the grain it crosses, or a grain's shading and
    # its neighbour's fall inside one view. At 1/32 of the image it costs a few per cent of the
    # training time; over three training seeds it lowered the test images' median and
    # 90th-percentile |dG| (README, "Context layer"). A second such layer cost a third of the
    # training speed for no clear further gain.
    x = layers.Conv2D(128 * width, 3, padding="same", activation="relu", name="conv4")(x)
    head = _head(x, x, log10_area_mean, margin_mask(inputs) if mask_margin else None)
    return keras.Model(inputs, head, name="compact_cnn")


# "compact" is the default: 50x fewer parameters than the reference and faster to train and
# to run (benchmarks/architectures.py).
ARCHITECTURES = {"reference": reference_cnn, "compact": compact_cnn}


@contextmanager
def _layers_default_to(policy: str) -> Iterator[None]:
    """Layers made inside take the dtype `policy` unless they name their own (the head does)."""
    saved = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(saved)


def build(
    architecture: str, log10_area_mean: float = 3.0, precision: str = "float32", width: int = 1
) -> keras.Model:
    """The network `architecture` (a key of ARCHITECTURES), for images of any size, its
    convolutional trunk computing in `precision` ("float32" or "bfloat16"; learning.precision)
    with `width` times its filters in every convolution (the head stays as it is).
    Weights are float32 either way: a bfloat16-trained model's weights load into a float32 one.
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; allowed: {sorted(ARCHITECTURES)}")
    if width < 1:
        raise ValueError(f"width must be a whole number of at least 1, not {width!r}")
    with _layers_default_to(TRUNK_POLICY[precision]):
        return ARCHITECTURES[architecture](log10_area_mean, width=width)


def split_output(output):
    """(mean, sd) of log10 area from a network's raw output (..., 2), sd kept in range (in
    Keras ops, for the loss; outputs.split_output is the same in NumPy)."""
    mean = output[..., 0]
    sd = ops.clip(ops.exp(output[..., 1]), MIN_LOG10_SD, MAX_LOG10_SD)
    return mean, sd


@keras.saving.register_keras_serializable(package="microcnn")
def gaussian_nll(y_true, y_pred):
    """Negative log-likelihood of the true log10 area under the predicted normal (constant
    dropped): it fits the mean and makes the sd say how far off the mean tends to be."""
    mean, sd = split_output(y_pred)
    z = (ops.reshape(y_true, ops.shape(mean)) - mean) / sd
    return ops.mean(0.5 * z * z + ops.log(sd))


@keras.saving.register_keras_serializable(package="microcnn")
def log10_area_error(y_true, y_pred):
    """Mean absolute error of the log10 area: times 3.32 it is the mean |dG|."""
    mean, _ = split_output(y_pred)
    return ops.mean(ops.abs(ops.reshape(y_true, ops.shape(mean)) - mean))


def load(path) -> keras.Model:
    """A saved network, for inference or description (this module registers its own layers;
    the training loss is not needed)."""
    return keras.models.load_model(path, compile=False)
