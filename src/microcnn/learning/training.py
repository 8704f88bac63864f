"""Train a CNN from the split manifests with tf.data, seeded: the same manifests and seed give
the same model; outputs are written atomically, so an interrupted run leaves none behind."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from microcnn.atomic import replacing, write_csv, write_text
from microcnn.classes import GrainSizeClasses
from microcnn.data.manifest import ManifestRow, microstructure_id, read_manifest
from microcnn.data.split import n_validation_images, sample_microstructures
from microcnn.imaging.images import stretch_levels
from microcnn.imaging.margin import MARGIN_LEVEL
from microcnn.learning import precision, tf_setup
from microcnn.learning.architectures import build, gaussian_nll, log10_area_error
from microcnn.learning.input_size import MIN_SIDE
from microcnn.learning.model_files import metadata_path
from microcnn.rng import derive_seed
from microcnn.workflow_io import StageError

tf = tf_setup.tf
keras = tf_setup.keras

# Decoded images are cached in memory below this size, and re-read from disk above it.
CACHE_LIMIT_BYTES = 4 * 2**30


@dataclass(frozen=True)
class TrainingSettings:
    architecture: str = "compact"
    width: int = 1
    epochs: int = 12
    batch_size: int = 32
    learning_rate: float = 2e-3
    schedule: str = "cosine"
    validation_fraction: float = 0.15
    early_stopping_patience: int = 3
    min_delta: float = 1e-3
    augment: bool = True
    invert: bool = True
    blur: bool = False
    zoom: bool = False
    halve: bool = False
    tone: bool = False
    precision: str = "auto"
    threads: int = 2
    levels: str = "as-given"

    @classmethod
    def from_config(cls, training: dict[str, Any]) -> TrainingSettings:
        return cls(**{k: training[k] for k in cls.__dataclass_fields__})


def validation_split(
    rows: Sequence[ManifestRow], fraction: float, global_seed: int
) -> tuple[list[ManifestRow], list[ManifestRow]]:
    """Hold out `fraction` of each class's training microstructures (at least one), with all
    their styles, deterministically: no microstructure is on both sides."""
    held = sample_microstructures(
        rows, lambda n: n_validation_images(n, fraction), "validation", global_seed
    )
    train, val = [], []
    for label in sorted({row.label for row in rows}):
        members = [r for r in rows if r.label == label]
        val += [r for r in members if microstructure_id(r.path) in held]
        train += [r for r in members if microstructure_id(r.path) not in held]
    return train, val


def _decode(path: tf.Tensor, height: int, width: int, stretched: bool = False) -> tf.Tensor:
    """The uint8 RGB pixels of a PNG, with `stretched` each image's own levels mapped to 0-255
    (imaging.images.stretch_levels). Through NumPy, the very function prediction uses, so the
    network sees the levels it will be given; it runs once per image, before the cache."""
    image = tf.io.decode_png(tf.io.read_file(path), channels=3)
    if stretched:
        image = tf.numpy_function(stretch_levels, [image], tf.uint8, stateful=False)
    image.set_shape((height, width, 3))
    return image


def _draw_seed(seeds: tf.Tensor, k: int) -> tf.Tensor:
    """The seed of an image's k-th random draw, from its pair of seeds."""
    return tf.stack([seeds[0], seeds[1] + k])


def augment_image(
    image: tf.Tensor,
    seeds: tf.Tensor,
    square: bool,
    invert: bool = True,
    blur: bool = False,
    zoom: bool = False,
    tone: bool = False,
) -> tf.Tensor:
    """Random changes that keep grain size: flips, 180-degree (and, for square images,
    90-degree) turns, brightness (+-15 % of full scale), contrast (x0.8 to x1.2 about
    mid-grey), with `invert` polarity (half the images inverted) and with `blur` sharpness
    (half the images blurred, `random_blur`) and with `tone` a curved tone (half the images,
    `tone_curve`); uint8 in, uint8 out. With `zoom`, half the images are magnified by
    `zoom_factor(seeds)`, which changes grain size: their target must be moved by
    `zoom_shift(seeds)` (make_dataset does).

    Polarity because micrographs come both ways: dark boundaries on light grains (bright field,
    etched sections) and bright ones on dark (SEM, dark field). A network that never saw the
    second measured SEM images 2.2 G numbers off when SEM was held out of training; inverted
    images teach it boundaries of either sign (see README, leave-one-family-out). The
    inversion is the sign of the contrast factor, so it costs no extra pass over the image.

    Stateless ops with a seed per image, so the map can run in parallel and still repeat
    exactly (Keras' random layers keep one state and had to run serially, at ~170 images/s).
    The turns move bytes rather than floats, and the levels are one affine map back to uint8
    (contrast about mid-grey, not about the image's mean: no reduction pass, and the random
    brightness covers the difference): half the CPU time per image of the same changes in
    float32, and a quarter of the bytes into the network (benchmarks/training.py).
    """
    seed = lambda k: _draw_seed(seeds, k)  # noqa: E731
    x = tf.image.stateless_random_flip_left_right(image, seed(0))
    x = tf.image.stateless_random_flip_up_down(x, seed(1))
    if square:  # a 90-degree turn of a non-square image would change its shape
        turns = tf.random.stateless_uniform([], seed(2), 0, 4, dtype=tf.int32)
        x = tf.image.rot90(x, turns)
    x = tf.cast(x, tf.float32)
    if zoom:
        factor = zoom_factor(seeds)
        x = tf.cond(factor == 1.0, lambda: x, lambda: random_zoom(x, factor, seed(10)))
    if blur:
        blurred = tf.random.stateless_uniform([], seed(6), 0.0, 1.0) < 0.5
        x = tf.cond(blurred, lambda: random_blur(x, seed(7)), lambda: x)
    if tone:
        curved = tf.random.stateless_uniform([], seed(12), 0.0, 1.0) < 0.5
        bend = tf.random.stateless_uniform([], seed(13), -TONE_BEND, TONE_BEND)
        x = tf.cond(curved, lambda: tone_curve(x, bend), lambda: x)
    brightness = tf.random.stateless_uniform([], seed(3), -0.15 * 255, 0.15 * 255)
    contrast = tf.random.stateless_uniform([], seed(4), 0.8, 1.2)
    inverted = tf.random.stateless_uniform([], seed(5), 0.0, 1.0) < 0.5
    gain = tf.where(inverted, -contrast, contrast) if invert else contrast
    levels = x * gain + (127.5 * (1.0 - gain) + brightness)
    return tf.cast(tf.round(tf.clip_by_value(levels, 0.0, 255.0)), tf.uint8)


# The largest bend of `tone_curve`: 1 takes mid-grey to a quarter or three quarters of full
# scale, as a gamma of 2 or 0.42 would, and keeps the curve rising everywhere.
TONE_BEND = 1.0


def tone_curve(x: tf.Tensor, bend: tf.Tensor) -> tf.Tensor:
    """Levels of a float 0-255 image through v + bend * v * (255 - v) / 255: black and white
    stay, mid-tones move (bend > 0 lighter, < 0 darker), order is kept for |bend| <= 1.

    A camera's or a scanner's tone curve is not undone by stretching levels (linear); a gamma
    of 2 cost the default model 0.06 G numbers in median (README, "Dim or flat images"). This
    quadratic stands in for a gamma: it bends the mid-tones as far (gamma 0.42 to 2 at
    mid-grey) with three multiply-adds per pixel, against 4.6 ms more per 432x288 image for a
    power on a core here (a lookup table: 1.6 ms), in a map that shares the two cores with
    training.
    """
    return x + bend * x * (255.0 - x) * (1.0 / 255.0)


# Blur sigmas, in pixels: from barely softer to a one-pixel line at a third of its contrast,
# about three pixels wide at half its height (a 2x downscale leaves a line about half as dark).
BLUR_SIGMA_PX = (0.3, 1.2)
_BLUR_RADIUS = 3  # taps each side: 2.5 sigma at the widest


def random_blur(x: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    """A Gaussian blur of a float (H, W, C) image with a random sigma in BLUR_SIGMA_PX.

    Lines come out wider and fainter, as in an image taken at a lower resolution or slightly
    out of focus, while every grain keeps its area in pixels. Separable (a row and a column
    pass), with mirrored edges so that the border does not darken.
    """
    low, high = BLUR_SIGMA_PX
    sigma = tf.random.stateless_uniform([], seed, low, high)
    taps = tf.range(-_BLUR_RADIUS, _BLUR_RADIUS + 1, dtype=tf.float32)
    kernel = tf.exp(-0.5 * tf.square(taps / sigma))
    kernel /= tf.reduce_sum(kernel)
    size = 2 * _BLUR_RADIUS + 1
    channels = tf.shape(x)[-1]
    down = tf.tile(tf.reshape(kernel, [size, 1, 1, 1]), [1, 1, channels, 1])
    across = tf.tile(tf.reshape(kernel, [1, size, 1, 1]), [1, 1, channels, 1])
    r = _BLUR_RADIUS
    padded = tf.pad(x[None], [[0, 0], [r, r], [r, r], [0, 0]], mode="REFLECT")
    out = tf.nn.depthwise_conv2d(padded, down, [1, 1, 1, 1], "VALID")
    return tf.nn.depthwise_conv2d(out, across, [1, 1, 1, 1], "VALID")[0]


# Zoom factors (lengths), for half the images when `zoom` is on: grain areas x0.64 to x1.56, so
# that the training areas reach about 0.2 decades beyond the rendered ones at both ends. Why:
# an estimate near the end of the areas trained on is pulled toward the middle (the default
# test images' smallest tenth of areas came out +0.13 G numbers large, the largest -0.12).
ZOOM_RANGE = (0.8, 1.25)


def zoom_factor(seeds: tf.Tensor) -> tf.Tensor:
    """The image's zoom (1 for the unzoomed half, else log-uniform in ZOOM_RANGE), from the
    seeds of augment_image: the image and its target draw the same one."""
    low, high = ZOOM_RANGE
    log_factor = tf.random.stateless_uniform(
        [], _draw_seed(seeds, 8), math.log(low), math.log(high)
    )
    zoomed = tf.random.stateless_uniform([], _draw_seed(seeds, 9), 0.0, 1.0) < 0.5
    factor = tf.exp(log_factor)
    return tf.where(zoomed, factor, 1.0)


def zoom_shift(seeds: tf.Tensor) -> tf.Tensor:
    """What the zoom adds to the target, log10 of the mean grain area: the area in pixels
    grows with the square of the zoom."""
    return 2.0 * tf.math.log(zoom_factor(seeds)) / math.log(10.0)


def random_zoom(x: tf.Tensor, factor: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    """A float (H, W, C) image magnified by `factor` about a random point, same size: above 1 a
    part of it fills the frame, below 1 all of it sits at a random place in a white margin (as
    a drawn specimen does; the margin holds no grains, so the mean grain area scales with the
    square of the factor like the rest). Bilinear, so lines are resampled as in a photograph
    taken at another magnification."""
    side = 1.0 / factor  # the sampled box, as a share of the image's height and width
    ends = tf.sort(tf.stack([side / 2, 1.0 - side / 2]))
    centre = tf.random.stateless_uniform([2], seed, 0.0, 1.0) * (ends[1] - ends[0]) + ends[0]
    box = tf.concat([centre - side / 2, centre + side / 2], axis=0)[None]
    size = tf.shape(x)[:2]
    return tf.image.crop_and_resize(
        x[None], box, [0], size, method="bilinear", extrapolation_value=float(MARGIN_LEVEL)
    )[0]


# With `halve`: the share of the training images taken at half size, of those whose grains keep
# at least HALVE_MIN_AREA_PX there (a grain's area in pixels falls to a quarter).
HALVE_SHARE = 0.25
HALVE_MIN_AREA_PX = 100.0
_HALVE_SHIFT = math.log10(4.0)


def halve_chosen(target: tf.Tensor, seeds: tf.Tensor) -> tf.Tensor:
    """Whether an image of log10 area `target` is halved (HALVE_SHARE of those whose halved
    grains keep HALVE_MIN_AREA_PX): smaller grains halved are a few pixels across and are not
    measured even by eye."""
    big_enough = target - _HALVE_SHIFT >= math.log10(HALVE_MIN_AREA_PX)
    drawn = tf.random.stateless_uniform([], _draw_seed(seeds, 11), 0.0, 1.0) < HALVE_SHARE
    return tf.logical_and(big_enough, drawn)


def halve(image: tf.Tensor) -> tf.Tensor:
    """A uint8 (H, W, C) image at half its width and height, each pixel the mean of a 2x2 block
    (an odd last row or column dropped): the same specimen taken at half the resolution, its
    lines half as wide and fainter, every grain a quarter of its area in pixels."""
    x = tf.nn.avg_pool2d(tf.cast(image, tf.float32)[None], 2, 2, "VALID")[0]
    return tf.cast(tf.round(x), tf.uint8)


def _batched_by_size(ds: tf.data.Dataset, batch_size: int) -> tf.data.Dataset:
    """Batches of `ds`'s (image, target, halved) elements, full-size and halved images in
    batches of their own (a batch holds one image size); the flag is dropped."""

    def batches(_key: tf.Tensor, window: tf.data.Dataset) -> tf.data.Dataset:
        return window.batch(batch_size).map(lambda x, y, _: (x, y))

    return ds.group_by_window(
        key_func=lambda x, y, halved: tf.cast(halved, tf.int64),
        reduce_func=batches,
        window_size=batch_size,
    )


def targets(rows: Sequence[ManifestRow]) -> np.ndarray:
    """log10 of each image's true mean grain area in its own pixels: what the network learns."""
    areas = np.array([r.mean_grain_area_px for r in rows], dtype=np.float64)
    if not np.all(np.isfinite(areas) & (areas > 0)):
        bad = [r.path for r, a in zip(rows, areas, strict=True) if not (np.isfinite(a) and a > 0)]
        raise ValueError(f"{len(bad)} training images have no true grain area, e.g. {bad[0]}")
    return np.log10(areas).astype(np.float32)


def make_dataset(
    rows: Sequence[ManifestRow],
    height: int,
    width: int,
    batch_size: int,
    shuffle_seed: int | None = None,
    augment: bool = False,
    invert: bool = True,
    blur: bool = False,
    zoom: bool = False,
    halve: bool = False,
    stretched: bool = False,
    tone: bool = False,
) -> tf.data.Dataset:
    """Batches of (image, log10 true mean grain area in px); shuffled every epoch when given a
    seed, augmented after the cache when asked (so every epoch sees new variants; half of them
    inverted with `invert`, half blurred with `blur`, half tone-curved with `tone`, half zoomed
    with `zoom`, a quarter of those whose grains are large enough taken at half size with
    `halve`, their targets moved with them); with `stretched`, each image's levels are
    stretched as it is read (`_decode`)."""
    paths = [r.path for r in rows]
    ds = tf.data.Dataset.from_tensor_slices((paths, targets(rows)))
    ds = ds.map(
        lambda p, y: (_decode(p, height, width, stretched), y),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
    if len(rows) * height * width * 3 <= CACHE_LIMIT_BYTES:
        ds = ds.cache()
    if shuffle_seed is not None:
        ds = ds.shuffle(len(rows), seed=shuffle_seed, reshuffle_each_iteration=True)
    if augment:
        # Two random int64 per image, new ones every epoch, the same ones every run.
        seeds = tf.data.Dataset.random(
            seed=shuffle_seed or 0, rerandomize_each_iteration=True
        ).batch(2)
        square = height == width

        def augmented(xy, s):
            x = augment_image(xy[0], s, square, invert, blur, zoom, tone)
            y = xy[1] + zoom_shift(s) if zoom else xy[1]
            return _halve_some(x, y, s) if halve else (x, y)

        ds = tf.data.Dataset.zip(ds, seeds).map(
            augmented, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
        )
    batched = _batched_by_size(ds, batch_size) if augment and halve else ds.batch(batch_size)
    return _fixed_threads(batched.prefetch(tf.data.AUTOTUNE))


def _fixed_threads(ds: tf.data.Dataset) -> tf.data.Dataset:
    """`ds` with tf.data's autotuner off: AUTOTUNE then means one parallel call per core.

    Why: with the autotuner on, about half of the training runs on 2 cores spent whole epochs
    at one core's pace (310 images/s, against 420-480 in the others); with it off, none did in
    seven runs, and the weights came out the same to the last bit (benchmarks/data_threads.py).
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


def _halve_some(image: tf.Tensor, target: tf.Tensor, seeds: tf.Tensor):
    """(image, target, halved): the image halved and its target moved when `halve_chosen`."""
    chosen = halve_chosen(target, seeds)
    x = tf.cond(chosen, lambda: halve(image), lambda: image)
    x.set_shape([None, None, image.shape[-1]])
    return x, tf.where(chosen, target - _HALVE_SHIFT, target), chosen


# The line each epoch's training speed is logged with (benchmarks/pipeline.py reads it back).
RATE_LINE = "epoch {epoch}: {images} training images in {seconds:.2f} s ({rate:.0f} images/s)"


class TrainingClock(keras.callbacks.Callback):
    """Logs each epoch's training speed (up to its validation), so a run shows it; kept out of
    the history, which a seeded run repeats to the byte."""

    def __init__(self, images: int) -> None:
        super().__init__()
        self.images = images
        self.seconds: list[float] = []
        self._start: float | None = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self._start is None:  # only the first evaluation of an epoch ends its training
            return
        seconds = time.perf_counter() - self._start
        self._start = None
        self.seconds.append(seconds)
        line = RATE_LINE.format(
            epoch=len(self.seconds), images=self.images, seconds=seconds, rate=self.images / seconds
        )
        print(line, flush=True)


# The cosine schedule ends at this share of training.learning_rate.
FINAL_RATE_SHARE = 0.01


def optimiser_and_callbacks(
    settings: TrainingSettings, steps_per_epoch: int
) -> tuple[keras.optimizers.Optimizer, list[keras.callbacks.Callback]]:
    """Adam at the configured schedule, and the callbacks that schedule needs.

    "cosine": the rate falls from learning_rate to 1 % of it along a half cosine over all
    epochs' steps, so the last epochs take the small steps a measurement's last digits come
    from; against "plateau" at the same 25 default epochs it lowered the median test error at
    two training seeds (benchmarks/schedules.py), while 12 epochs did not keep the accuracy.
    "plateau": constant, halved after 2 epochs without a lower validation loss.
    """
    if settings.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(
            settings.learning_rate, settings.epochs * steps_per_epoch, alpha=FINAL_RATE_SHARE
        )
        return keras.optimizers.Adam(rate), []
    if settings.schedule == "plateau":
        slower = keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=2, min_delta=settings.min_delta, min_lr=1e-5
        )
        return keras.optimizers.Adam(settings.learning_rate), [slower]
    raise ValueError(f"unknown schedule {settings.schedule!r}; allowed: cosine, plateau")


class TrainingDivergedError(StageError):
    """The loss became NaN or infinite: the weights are garbage, so no model is written."""


def check_finite(history: dict[str, list[float]], weights: Sequence[Any], rate: float) -> None:
    """Raise TrainingDivergedError if a recorded loss or a weight is not finite.

    keras.callbacks.TerminateOnNaN only stops the epoch loop and Keras returns as if training
    had finished; early stopping may even restore the weights of an epoch before the blow-up.
    """
    for key in ("loss", "val_loss"):
        for epoch, value in enumerate(history.get(key, []), start=1):
            if not math.isfinite(value):
                raise TrainingDivergedError(
                    f"training diverged: {key} is {value} in epoch {epoch}; no model was "
                    f"written (lower training.learning_rate, now {rate:g})"
                )
    if not all(np.isfinite(w).all() for w in weights):
        raise TrainingDivergedError(
            "training diverged: the weights are not finite; no model was written "
            f"(lower training.learning_rate, now {rate:g})"
        )


def write_history(path: str | Path, history: dict[str, list[float]]) -> None:
    keys = sorted(history)
    rows = (
        [epoch + 1, *(f"{history[k][epoch]:.6f}" for k in keys)]
        for epoch in range(len(history[keys[0]]))
    )
    write_csv(path, ["epoch", *keys], rows)


def train(
    train_manifest: str | Path,
    classes: GrainSizeClasses,
    height: int,
    width: int,
    settings: TrainingSettings,
    global_seed: int,
    model_path: str | Path,
    history_path: str | Path,
    reference_pixel_size_um: float,
    replicate: int = 0,
) -> dict[str, Any]:
    """Train, then save the model (.keras), its metadata (.json) and the per-epoch history.

    The network learns each image's log10 mean grain area in its own pixels; the classes travel
    in the metadata, so a prediction's class follows from its area and the image's pixel size.
    A `replicate` other than 0 trains again from another TensorFlow seed (weights, shuffling,
    augmentation) on the same images, validation hold-out and split: the seed-to-seed spread.
    """
    key = ("training",) if replicate == 0 else ("training", replicate)
    seed = derive_seed(global_seed, *key)
    tf_setup.configure(settings.threads, seed)
    rows = read_manifest(train_manifest)
    train_rows, val_rows = validation_split(rows, settings.validation_fraction, global_seed)
    halve = settings.halve and min(height, width) // 2 >= MIN_SIDE[settings.architecture]
    stretched = settings.levels == "stretched"
    if settings.halve and not halve:
        print(
            f"training.halve: {width}x{height} images at half size would be smaller than the "
            f"network's least side ({MIN_SIDE[settings.architecture]} px); none is halved"
        )
    train_ds = make_dataset(
        train_rows,
        height,
        width,
        settings.batch_size,
        shuffle_seed=seed,
        augment=settings.augment,
        invert=settings.invert,
        blur=settings.blur,
        zoom=settings.zoom,
        halve=halve,
        stretched=stretched,
        tone=settings.tone,
    )
    val_ds = make_dataset(val_rows, height, width, settings.batch_size, stretched=stretched)

    gpu = bool(tf.config.list_physical_devices("GPU"))
    arithmetic = precision.resolve(settings.precision, precision.cpu_flags(), gpu)
    print(precision.why(settings.precision, arithmetic, gpu))
    log10_area_mean = float(np.mean(targets(train_rows)))
    model = build(settings.architecture, log10_area_mean, arithmetic, settings.width)
    optimiser, scheduling = optimiser_and_callbacks(
        settings, math.ceil(len(train_rows) / settings.batch_size)
    )
    model.compile(
        optimizer=optimiser,
        loss=gaussian_nll,
        metrics=[log10_area_error],
    )
    # The weights of the epoch with the lowest validation loss are kept (patience 0: never stop
    # early, but still keep the best epoch), so the plot's "kept model" is the saved model.
    patience = settings.early_stopping_patience or settings.epochs
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_loss",
        patience=patience,
        min_delta=settings.min_delta,
        restore_best_weights=True,
    )
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=settings.epochs,
        callbacks=[
            keras.callbacks.TerminateOnNaN(),
            stopper,
            *scheduling,
            TrainingClock(len(train_rows)),
        ],
        verbose=2,
        # make_dataset shuffles, seeded; Keras cannot shuffle a Dataset and warns if asked to.
        shuffle=False,
    ).history
    history.pop("learning_rate", None)
    check_finite(history, model.get_weights(), settings.learning_rate)

    if arithmetic != "float32":
        # The saved model computes in float32 with the trained weights: prediction and export
        # do not depend on the CPU that trained it.
        trained = model.get_weights()
        model = build(settings.architecture, log10_area_mean, width=settings.width)
        model.set_weights(trained)
    with replacing(model_path, suffix=".keras") as partial:  # Keras insists on the suffix
        model.save(partial)
    metadata = {
        "output": "mean and log sd of log10(mean grain area / px^2), at native pixels",
        "classes": classes.to_json(),
        "reference_pixel_size_um": reference_pixel_size_um,
        "training_image_size": [height, width],
        "architecture": settings.architecture,
        "width": settings.width,
        # How images' levels reach the network; prediction reads them the same way.
        "levels": settings.levels,
        "training_precision": arithmetic,
        "seed": global_seed,
        "replicate": replicate,
        "epochs_run": len(history["val_loss"]),
        # The epoch whose weights were restored (falls below min_delta do not count).
        "best_epoch": int(stopper.best_epoch) + 1,
        "train_images": len(train_rows),
        "validation_images": len(val_rows),
        "train_styles": sorted({r.style for r in train_rows}),
    }
    write_text(metadata_path(model_path), json.dumps(metadata, indent=2) + "\n")
    write_history(history_path, history)
    return metadata
