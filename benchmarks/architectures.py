"""Reference vs compact CNN: parameters, training and inference speed, grain-size error per style.

Every architecture trains from the same seed on the same manifests, through the project's
``make_dataset`` (shuffling and augmentation as in ``microcnn.learning.training.train``), for a
fixed number of epochs with the final weights kept (no early stopping), on 2 threads at batch 32.
Training speed is the training images divided by the median time of the training part of
epochs 2..N (the first epoch also decodes and caches the PNGs; validation is not counted).
Inference speed is the median of three passes of ``predict_on_batch`` over the decoded test
images in batches of 64. The median |dG| (3.32 |log10 estimated / true area|) is over the test
manifest, per rendering style and overall.

Run: python benchmarks/architectures.py --train results/split/train.csv
     --test results/split/test.csv --epochs 3 [--limit 600] [--out architectures.md]
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
from PIL import Image

from microcnn import rng as seeding
from microcnn.classes import G_PER_DECADE
from microcnn.data.manifest import ManifestRow, microstructure_id, read_manifest
from microcnn.learning import tf_setup
from microcnn.learning.architectures import ARCHITECTURES, gaussian_nll, log10_area_error
from microcnn.learning.training import TrainingSettings, make_dataset, targets, validation_split

CANDIDATES: dict[str, Callable[[int, int, int], keras.Model]] = dict(ARCHITECTURES)
DEFAULT_SEED = 42
INFER_BATCH = 64
INFER_PASSES = 3


@dataclass
class Result:
    name: str
    params: int
    train_rate: float  # images/s
    infer_rate: float  # images/s
    train_seconds: float  # wall time of fit, first epoch and validation included
    delta_g: dict[str, float] = field(default_factory=dict)  # style (and "overall") -> median |dG|
    epoch_lines: list[str] = field(default_factory=list)


class TrainTimer(keras.callbacks.Callback):
    """Seconds of each epoch's training part: from its start to the start of validation."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start: float | None = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self._start is not None:  # only the first evaluation of an epoch ends its training
            self.seconds.append(time.perf_counter() - self._start)
            self._start = None


def subsample(rows: Sequence[ManifestRow], n_images: int, seed: int) -> list[ManifestRow]:
    """About `n_images` rows: the same number of microstructures per class, drawn with a seed,
    each with all its styles (so styles and classes stay balanced)."""
    labels = sorted({r.label for r in rows})
    n_styles = len({r.style for r in rows})
    per_label = max(1, round(n_images / (len(labels) * n_styles)))
    keep: set[str] = set()
    for label in labels:
        ids = sorted({microstructure_id(r.path) for r in rows if r.label == label})
        order = seeding.random_generator(seeding.derive_seed(seed, "benchmark", label)).permutation(
            len(ids)
        )
        keep |= {ids[i] for i in order[:per_label]}
    return [r for r in rows if microstructure_id(r.path) in keep]


def decoded(rows: Sequence[ManifestRow], height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """All images (uint8) and their true log10 areas, decoded once by the training pipeline."""
    images, labels = [], []
    for x, y in make_dataset(rows, height, width, INFER_BATCH):
        images.append(x.numpy())
        labels.append(y.numpy())
    return np.concatenate(images), np.concatenate(labels)


def predict(model: keras.Model, images: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [
            np.asarray(model.predict_on_batch(images[i : i + INFER_BATCH]))
            for i in range(0, len(images), INFER_BATCH)
        ]
    )


def run(
    name: str,
    train_rows: Sequence[ManifestRow],
    val_rows: Sequence[ManifestRow],
    test: tuple[np.ndarray, np.ndarray, list[str]],
    height: int,
    width: int,
    epochs: int,
    global_seed: int,
) -> Result:
    settings = TrainingSettings()
    seed = seeding.derive_seed(global_seed, "training")
    keras.backend.clear_session()
    # Same seed before each model: same initial random stream, shuffling and augmentation.
    tf_setup.configure(settings.threads, seed)
    train_ds = make_dataset(
        train_rows, height, width, settings.batch_size, seed, settings.augment, settings.invert
    )
    val_ds = make_dataset(val_rows, height, width, settings.batch_size)
    model = CANDIDATES[name](float(np.mean(targets(train_rows))))
    model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate),
        loss=gaussian_nll,
        metrics=[log10_area_error],
    )
    timer = TrainTimer()
    start = time.perf_counter()
    history = model.fit(
        train_ds, validation_data=val_ds, epochs=epochs, callbacks=[timer], verbose=0
    ).history
    train_seconds = time.perf_counter() - start
    lines = [
        f"  {name} epoch {e + 1}: train {timer.seconds[e]:.1f} s, loss {history['loss'][e]:.4f},"
        f" val_loss {history['val_loss'][e]:.4f},"
        f" val mean |dG| {G_PER_DECADE * history['val_log10_area_error'][e]:.3f}"
        for e in range(len(timer.seconds))
    ]
    # Epoch 1 also decodes and caches the images; with one epoch there is nothing else.
    steady = timer.seconds[1:] or timer.seconds
    train_rate = len(train_rows) / statistics.median(steady)

    images, log_areas, styles = test
    model.predict_on_batch(images[:INFER_BATCH])  # trace the function outside the timing
    passes = []
    for _ in range(INFER_PASSES):
        t0 = time.perf_counter()
        outputs = predict(model, images)
        passes.append(time.perf_counter() - t0)
    delta_g = G_PER_DECADE * np.abs(outputs[:, 0] - log_areas)
    # Median |dG| per style and overall: the grain-size error in ASTM G numbers.
    delta_g_by_style = {
        style: float(np.median([d for d, s in zip(delta_g, styles, strict=True) if s == style]))
        for style in dict.fromkeys(styles)
    }
    delta_g_by_style["overall"] = float(np.median(delta_g))
    return Result(
        name,
        model.count_params(),
        train_rate,
        len(images) / statistics.median(passes),
        train_seconds,
        delta_g_by_style,
        lines,
    )


def markdown(results: Sequence[Result], styles: Sequence[str]) -> list[str]:
    columns = ["architecture", "params", "train img/s", "infer img/s", *styles, "overall"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in results:
        cells = [r.name, f"{r.params:,}", f"{r.train_rate:.1f}", f"{r.infer_rate:.1f}"]
        cells += [f"{r.delta_g[s]:.3f}" for s in [*styles, "overall"]]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def ratios(results: Sequence[Result]) -> list[str]:
    by_name = {r.name: r for r in results}
    if not {"compact", "reference"} <= by_name.keys():
        return []
    c, r = by_name["compact"], by_name["reference"]
    return [
        "Compact / reference: "
        f"params {c.params / r.params:.3f}, "
        f"train img/s {c.train_rate / r.train_rate:.2f}x, "
        f"infer img/s {c.infer_rate / r.infer_rate:.2f}x, "
        f"overall median |dG| {c.delta_g['overall']:.3f} vs {r.delta_g['overall']:.3f}."
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True, help="training manifest (CSV)")
    parser.add_argument("--test", type=Path, required=True, help="test manifest (CSV)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument(
        "--limit",
        type=int,
        help="train on about this many images of the training manifest (whole microstructures,"
        " balanced over classes); validation is then held out of these",
    )
    parser.add_argument(
        "--architectures", nargs="+", default=["reference", "compact"], choices=sorted(CANDIDATES)
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="global seed")
    parser.add_argument("--out", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args()
    # Keras warns on every fit that a tf.data input is not shuffled by fit (make_dataset does it).
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed")

    rows = read_manifest(args.train)
    if args.limit:
        rows = subsample(rows, args.limit, args.seed)
    settings = TrainingSettings()
    train_rows, val_rows = validation_split(rows, settings.validation_fraction, args.seed)
    test_rows = read_manifest(args.test)
    with Image.open(rows[0].path) as first:
        width, height = first.size
    styles = list(dict.fromkeys(r.style for r in test_rows))

    tf_setup.configure(settings.threads, args.seed)
    images, labels = decoded(test_rows, height, width)
    test = (images, labels, [r.style for r in test_rows])
    load = os.getloadavg()[0]
    data = (
        f"Data: {len(train_rows)} training + {len(val_rows)} validation images"
        f" ({args.train}{f', limit {args.limit}' if args.limit else ''}),"
        f" {len(test_rows)} test images ({args.test}, {len(test_rows) // len(styles)} per style);"
        f" {height}x{width}; {args.epochs} epochs, batch"
        f" {settings.batch_size}, augment {settings.augment}, seed {args.seed},"
        f" {settings.threads} threads."
    )
    print(data, flush=True)

    results = []
    for name in args.architectures:
        result = run(name, train_rows, val_rows, test, height, width, args.epochs, args.seed)
        print("\n".join(result.epoch_lines), flush=True)
        print(f"  {name}: fit {result.train_seconds:.0f} s", flush=True)
        results.append(result)

    notes = [
        data,
        f"Load average (1 min) at the start {load:.2f}, at the end {os.getloadavg()[0]:.2f}.",
        "Fit wall time (all epochs, validation included): "
        + ", ".join(f"{r.name} {r.train_seconds:.0f} s" for r in results)
        + ".",
        *ratios(results),
    ]
    table = markdown(results, styles)
    print("\n".join(["", *table, "", *notes]))
    if args.out:
        args.out.write_text("\n".join([*table, "", *notes]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
