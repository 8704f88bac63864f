"""Training speed and accuracy: the training set-up before the speed work beside today's, in one
run, on the same images, seed and epochs.

"before" is the compact network with a 3x3 convolution and 2x2 pooling at the patch grid, and
flips, brightness and contrast applied to each image in float32 (kept here, verbatim, as the
baseline); "today" is ``microcnn.learning`` as it is (stride-2 convolution at the patch grid;
uint8 augmentation). Both train through the same ``make_dataset`` caching and shuffling, at
batch 32 on the configured threads, with the final weights kept (no early stopping).

Reported per set-up: training images/s (training images over the median training part of
epochs 2..N; epoch 1 also decodes and caches the PNGs), CPU-ms per training image (process
time, all threads), the input pipeline alone (images/s and CPU-ms per image over one pass
of the augmented, cached dataset), and on the test manifest: class accuracy, median and 90th
percentile |dG| overall and per look. Ratios are today / before. "today" is float32; the
"bfloat16" set-up is today's network with training.precision: bfloat16 (``--setups today
bfloat16`` compares the two); "tone" is today's with training.tone on (``--setups today tone``).

Run: python benchmarks/training.py --train results/split/train.csv --test results/split/test.csv
     [--epochs 6] [--limit 900] [--out training.md]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
from keras import layers
from PIL import Image

from microcnn import rng as seeding
from microcnn.classes import G_PER_DECADE, GrainSizeClasses
from microcnn.config import load_config
from microcnn.data.manifest import ManifestRow, read_manifest
from microcnn.data.predictions import classify, shown_label
from microcnn.learning import architectures, tf_setup, training
from microcnn.learning.architectures import gaussian_nll, log10_area_error
from microcnn.learning.outputs import split_output

tf = tf_setup.tf
DEFAULT_SEED = 42
INFER_BATCH = 64


def before_network(log10_area_mean: float) -> keras.Model:
    """The compact network before the speed work: 3x3 convolutions at the patch grid (32), then
    32 and 64, each followed by 2x2 max pooling."""
    inputs = keras.Input(shape=(None, None, 3), name="image")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    x = layers.Conv2D(16, 4, strides=4, activation="relu", name="patches")(x)
    for i, filters in enumerate((32, 32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    return keras.Model(
        inputs, architectures._head(x, x, log10_area_mean), name="compact_cnn_before"
    )


def before_augment(
    image: tf.Tensor, seeds: tf.Tensor, square: bool, invert: bool = False
) -> tf.Tensor:
    """The augmentation before the speed work: every change in float32, contrast about each
    image's mean; never inverted (`invert` is ignored: inversion came later)."""
    seed = lambda k: tf.stack([seeds[0], seeds[1] + k])  # noqa: E731
    x = tf.cast(image, tf.float32)
    x = tf.image.stateless_random_flip_left_right(x, seed(0))
    x = tf.image.stateless_random_flip_up_down(x, seed(1))
    if square:
        turns = tf.random.stateless_uniform([], seed(2), 0, 4, dtype=tf.int32)
        x = tf.image.rot90(x, turns)
    x = tf.image.stateless_random_brightness(x, 0.15 * 255, seed(3))
    x = tf.image.stateless_random_contrast(x, 0.8, 1.2, seed(4))
    return tf.clip_by_value(x, 0.0, 255.0)


@dataclass(frozen=True)
class SetUp:
    name: str
    network: Callable[[float], keras.Model]
    augment: Callable[[tf.Tensor, tf.Tensor, bool, bool], tf.Tensor]


def pooled_patches_network(log10_area_mean: float) -> keras.Model:
    """A candidate: 2x2 max pooling straight after the patch convolution, then 3x3 convolutions
    of 32, 32 (each followed by pooling) and 64: the cost of the stride-2 variant, with a max
    over neighbouring patches instead of a strided sum."""
    inputs = keras.Input(shape=(None, None, 3), name="image")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    x = layers.Conv2D(16, 4, strides=4, activation="relu", name="patches")(x)
    x = layers.MaxPooling2D(2, name="pool0")(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1")(x)
    for i, filters in enumerate((32, 64), start=2):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    return keras.Model(inputs, architectures._head(x, x, log10_area_mean), name="pooled_patches")


def patches_only_network(log10_area_mean: float) -> keras.Model:
    """The floor, not a candidate: the input rescaling and the 4x4 stride-4 patch convolution
    that the compact networks start with, straight into the head. Any network that reads every
    pixel of the image at native resolution pays at least this much per training image."""
    inputs = keras.Input(shape=(None, None, 3), name="image")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    x = layers.Conv2D(16, 4, strides=4, activation="relu", name="patches")(x)
    return keras.Model(inputs, architectures._head(x, x, log10_area_mean), name="patches_only")


def today_network(log10_area_mean: float) -> keras.Model:
    return architectures.build("compact", log10_area_mean)


def bfloat16_network(log10_area_mean: float) -> keras.Model:
    """Today's network with its convolutions in bfloat16 (training.precision: bfloat16)."""
    return architectures.build("compact", log10_area_mean, precision="bfloat16")


# dataset() swaps training.augment_image for a set-up's: the tone set-up keeps today's own.
_TODAYS_AUGMENT = training.augment_image


def tone_augment(image, seeds, square, invert=True, blur=False, zoom=False, tone=False):
    """Today's augmentation with training.tone on (half the images tone-curved), whatever
    `tone` make_dataset passes: the signature is augment_image's, so it can stand in for it."""
    return _TODAYS_AUGMENT(image, seeds, square, invert, blur, zoom, True)


# "before" and "today" are the comparison; the others split today's change into its parts.
SETUPS = {
    "before": SetUp("before", before_network, before_augment),
    "today": SetUp("today", today_network, training.augment_image),
    "bfloat16": SetUp("bfloat16", bfloat16_network, training.augment_image),
    "tone": SetUp("tone", today_network, tone_augment),
    "network-only": SetUp("network-only", today_network, before_augment),
    "augmentation-only": SetUp("augmentation-only", before_network, training.augment_image),
    "pooled-patches": SetUp("pooled-patches", pooled_patches_network, training.augment_image),
    "patches-only": SetUp("patches-only", patches_only_network, training.augment_image),
}


@dataclass
class Result:
    name: str
    params: int
    train_rate: float
    train_cpu_ms: float
    input_rate: float
    input_cpu_ms: float
    accuracy: float
    delta_g: dict[str, tuple[float, float]] = field(default_factory=dict)  # look -> (p50, p90)


class EpochTimer(keras.callbacks.Callback):
    """Wall and process seconds of each epoch's training part (up to validation)."""

    def __init__(self) -> None:
        super().__init__()
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self._start: tuple[float, float] | None = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = (time.perf_counter(), time.process_time())

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self._start is not None:
            self.wall.append(time.perf_counter() - self._start[0])
            self.cpu.append(time.process_time() - self._start[1])
            self._start = None


def dataset(setup: SetUp, rows: Sequence[ManifestRow], h: int, w: int, seed: int | None, aug: bool):
    """The project's make_dataset with this set-up's augmentation swapped in."""
    saved = training.augment_image
    training.augment_image = setup.augment
    try:
        return training.make_dataset(rows, h, w, 32, seed, aug)
    finally:
        training.augment_image = saved


def input_speed(ds) -> tuple[float, float]:
    """(images/s, CPU-ms per image) of one pass over a dataset that is already cached."""
    n, wall, cpu = 0, time.perf_counter(), time.process_time()
    for _, y in ds:
        n += len(y)
    return n / (time.perf_counter() - wall), 1000 * (time.process_time() - cpu) / n


def run(
    setup: SetUp,
    split: tuple[list[ManifestRow], list[ManifestRow], list[ManifestRow]],
    size: tuple[int, int],
    epochs: int,
    global_seed: int,
    classes: GrainSizeClasses,
) -> Result:
    train_rows, val_rows, test_rows = split
    h, w = size
    seed = seeding.derive_seed(global_seed, "training")
    keras.backend.clear_session()
    tf_setup.configure(training.TrainingSettings().threads, seed)
    train_ds = dataset(setup, train_rows, h, w, seed, True)
    val_ds = dataset(setup, val_rows, h, w, None, False)
    model = setup.network(float(np.mean(training.targets(train_rows))))
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3), loss=gaussian_nll, metrics=[log10_area_error]
    )
    timer = EpochTimer()
    model.fit(train_ds, validation_data=val_ds, epochs=epochs, callbacks=[timer], verbose=0)
    steady = range(1, len(timer.wall)) if len(timer.wall) > 1 else range(1)
    wall = statistics.median(timer.wall[i] for i in steady)
    cpu = statistics.median(timer.cpu[i] for i in steady)
    input_rate, input_cpu = input_speed(train_ds)

    test_ds = training.make_dataset(test_rows, h, w, INFER_BATCH)
    out = np.concatenate([np.asarray(model.predict_on_batch(x)) for x, _ in test_ds])
    truth = training.targets(test_rows)
    mean, sd = split_output(out)
    predicted = [
        classify(r.path, float(m), float(s), classes, r.pixel_size_um, True).label
        for r, m, s in zip(test_rows, mean, sd, strict=True)
    ]
    shown = [shown_label(r, classes) for r in test_rows]
    accuracy = float(np.mean([p == t for p, t in zip(predicted, shown, strict=True)]))
    dg = G_PER_DECADE * np.abs(mean - truth)
    looks = [r.style for r in test_rows]
    by_look = {
        look: np.array([d for d, s in zip(dg, looks, strict=True) if s == look])
        for look in dict.fromkeys(looks)
    }
    by_look["all"] = dg
    return Result(
        setup.name,
        model.count_params(),
        len(train_rows) / wall,
        1000 * cpu / len(train_rows),
        input_rate,
        input_cpu,
        accuracy,
        {k: (float(np.median(v)), float(np.percentile(v, 90))) for k, v in by_look.items()},
    )


def speed_ratios(new: Result, base: Result) -> str:
    """The training speed of one set-up against another, as ratios new / base."""
    return (
        f"training images/s {new.train_rate / base.train_rate:.2f}x,"
        f" training CPU per image {new.train_cpu_ms / base.train_cpu_ms:.2f}x"
    )


def comparison(new: Result, base: Result, label: str) -> str:
    """One line: speed and input-pipeline ratios new / base, and both set-ups' figures."""
    return (
        f"{label}: {speed_ratios(new, base)}, input pipeline CPU per image"
        f" {new.input_cpu_ms / base.input_cpu_ms:.2f}x; accuracy {new.accuracy:.3f} vs"
        f" {base.accuracy:.3f}; median |dG| {new.delta_g['all'][0]:.3f}"
        f" vs {base.delta_g['all'][0]:.3f}."
    )


def table(results: Sequence[Result]) -> list[str]:
    looks = list(results[0].delta_g)
    head = ["set-up", "params", "train img/s", "train CPU-ms/img", "input img/s",
            "input CPU-ms/img", "accuracy", *(f"{k} |dG| p50/p90" for k in looks)]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r.name, f"{r.params:,}", f"{r.train_rate:.0f}", f"{r.train_cpu_ms:.2f}",
                 f"{r.input_rate:.0f}", f"{r.input_cpu_ms:.2f}", f"{r.accuracy:.3f}"]  # fmt: skip
        cells += [f"{r.delta_g[k][0]:.3f}/{r.delta_g[k][1]:.3f}" for k in looks]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True, help="training manifest (CSV)")
    parser.add_argument("--test", type=Path, required=True, help="test manifest (CSV)")
    parser.add_argument("--config", type=Path, default=Path("config.yaml"), help="for classes")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--limit", type=int, help="about this many training images")
    parser.add_argument("--setups", nargs="+", default=["before", "today"], choices=list(SETUPS))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="also write the table as Markdown here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed")

    from architectures import subsample  # benchmarks/architectures.py, beside this file

    config = load_config(args.config)
    classes = GrainSizeClasses.from_config(config)
    rows = read_manifest(args.train)
    if args.limit:
        rows = subsample(rows, args.limit, args.seed)
    train_rows, val_rows = training.validation_split(
        rows, training.TrainingSettings().validation_fraction, args.seed
    )
    test_rows = read_manifest(args.test)
    with Image.open(rows[0].path) as first:
        width, height = first.size
    load = os.getloadavg()[0]
    results = []
    for name in args.setups:
        result = run(
            SETUPS[name],
            (train_rows, val_rows, test_rows),
            (height, width),
            args.epochs,
            args.seed,
            classes,
        )
        print(f"{name}: {result.train_rate:.0f} training images/s", flush=True)
        results.append(result)
    notes = [
        f"{len(train_rows)} training + {len(val_rows)} validation images, {len(test_rows)} test"
        f" images, {height}x{width}, {args.epochs} epochs, seed {args.seed}, {os.cpu_count()}"
        f" cores; load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end.",
    ]
    by_name = {r.name: r for r in results}
    for new, base, label in [
        ("today", "before", "today / before"),
        ("bfloat16", "today", "bfloat16 / today (float32)"),
    ]:
        if {new, base} <= by_name.keys():
            notes.append(comparison(by_name[new], by_name[base], label))
    if {"patches-only", "today"} <= by_name.keys():
        f, t = by_name["patches-only"], by_name["today"]
        notes.append(
            f"patches-only (the floor of reading the image) / today: {speed_ratios(f, t)}"
            f" ({f.train_rate:.0f} vs {t.train_rate:.0f} images/s)."
        )
    text = "\n".join([*table(results), "", *notes])
    print("\n" + text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
