"""Measure grain size with a trained network: the one code path behind `microcnn predict` and the
workflow's predict rule.

The network runs on LiteRT from the artefact beside the .keras file when that artefact is
current (learning/runtime.py: no TensorFlow, start-up well under a second), and on Keras
otherwise. Images are read at their native pixels, never resized (resizing changes grain size),
decoded on several threads (Pillow decodes without holding Python's lock) a few images ahead of
the network. Images of the same size go through the network together; a very large image is
cut into tiles, each measured, and their estimates averaged (the network's own output is an
average over the image, so tiles of one microstructure agree). Each image (or tile) is measured
as given and mirrored (`views`), and the estimates averaged.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from microcnn.atomic import write_text
from microcnn.classes import GrainSizeClasses
from microcnn.data.manifest import read_manifest
from microcnn.data.predictions import Prediction, classify, save_predictions
from microcnn.imaging.images import ImageError, narrow_levels, read_images
from microcnn.imaging.margin import MARGIN_LEVEL
from microcnn.learning import runtime
from microcnn.learning.input_size import MIN_SIDE
from microcnn.learning.model_files import (
    DEFAULT_VIEWS,
    RUNTIMES,
    VIEWS,
    ModelError,
    inference_path,
    read_metadata,
)
from microcnn.learning.outputs import split_output

PREDICT_BATCH = 64  # batched inference is ~25x faster than one predict() call per image
# A batch holds at most this many pixels (64 images of 432x288): larger images go in smaller
# batches, so that a batch's pixels (and the network's activations) stay bounded.
BATCH_PIXELS = PREDICT_BATCH * 432 * 288
# The batches being filled (one per image size) hold at most this many pixels together; above
# it, the fullest runs early. With the images read ahead, memory stays a few batches' worth
# however many images there are.
PENDING_PIXELS = 4 * BATCH_PIXELS
# Above this many pixels an image is measured in tiles of TILE x TILE (bounded memory).
MAX_WHOLE_PIXELS = 4096 * 4096
TILE = 2048
# Views of an image that the network measures, averaged: as given, turned 180 degrees, mirrored
# left-right and up-down. Training augments with exactly these, so each view is an image like
# those trained on (90-degree turns are not: as views they measured worse, 0.17-0.19 median
# |dG| each, and the mean of all 8 worse than of these 4). On the default run's 522 test images,
# median / 90th-percentile |dG| with 1, 2 and 4 views: 0.160 / 0.522, 0.138 / 0.472,
# 0.132 / 0.474; models trained with blur, or with mosaic and blur, gained as much (median
# 0.165 to 0.119, 0.168 to 0.131 with 4 views).


def _check_views(count: int) -> None:
    if count not in VIEWS:
        raise ValueError(f"views must be one of {VIEWS}, not {count!r}")


def flipped_views(batch: np.ndarray, count: int) -> list[np.ndarray]:
    """The first `count` of (as given, turned 180 degrees, mirrored left-right, mirrored
    up-down) of a batch (n, height, width, channels), each contiguous as a network needs."""
    _check_views(count)
    flips = (batch, batch[:, ::-1, ::-1], batch[:, :, ::-1], batch[:, ::-1, :])
    return [np.ascontiguousarray(view) for view in flips[:count]]


@dataclass(frozen=True)
class Estimate:
    """The network's answer for one image: a normal estimate of log10(mean grain area / px^2)."""

    path: str
    log10_area_px: float
    log10_sd: float


def tiles(height: int, width: int, size: int = TILE) -> list[tuple[int, int, int, int]]:
    """(row0, row1, col0, col1) of tiles covering an image; the last row and column of tiles
    are moved in to end at the edge, so every tile is whole."""

    def starts(extent: int) -> list[int]:
        if extent <= size:
            return [0]
        return sorted({*range(0, extent - size, size), extent - size})

    return [
        (r, min(r + size, height), c, min(c + size, width))
        for r in starts(height)
        for c in starts(width)
    ]


def unmeasurable(pixels: np.ndarray, min_side: int) -> str | None:
    """Why the network cannot measure an image ((height, width, 3) uint8), or None if it can.

    Below `min_side` pixels in height or width the network's last feature map is empty, and
    an image of one colour throughout holds no boundary: either way its output would be a
    number computed from nothing (a pure white one, all margin, gives the widest sd; a grey
    one was called coarse with probability 0.9998). Enlarging a small image is no way out: it
    would change its grain size.
    """
    height, width = pixels.shape[:2]
    if min(height, width) < min_side:
        return (
            f"image {width}x{height} is smaller than the network measures ({min_side} pixels "
            "a side at least; enlarging it would change its grain size)"
        )
    first = pixels[0, 0]
    if (pixels.min(axis=(0, 1)) == first).all() and (pixels.max(axis=(0, 1)) == first).all():
        colour = ", ".join(str(int(v)) for v in first)
        return f"uniform image (every pixel {colour}): no grain boundaries to measure"
    return None


def _load_keras(model_path: Path, threads: int | None) -> Callable[[np.ndarray], np.ndarray]:
    """The network in `model_path` as a function of a batch (raw output), or ModelError naming
    the file.

    Keras says "File not found" for any file that is not a readable zip, so a corrupt or
    truncated model is recognised here first.
    """
    if not zipfile.is_zipfile(model_path):
        raise ModelError(
            f"{model_path}: not a Keras model file (not a zip archive: corrupt, truncated or "
            "another format)"
        )
    from microcnn.learning import tf_setup  # imports TensorFlow: only once a model is there

    tf_setup.configure(threads)
    from microcnn.learning import architectures

    try:
        model = architectures.load(model_path)
    except Exception as error:  # Keras raises many types for a damaged archive
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise ModelError(
            f"{model_path}: cannot be loaded as a Keras model ({type(error).__name__}: {reason})"
        ) from None
    if tuple(model.output_shape) != (None, 2):
        raise ModelError(
            f"{model_path}: outputs {model.output_shape[1:]}, not a grain-size estimate (mean "
            "and log sd of log10 area): a model of another kind"
        )
    return lambda batch: np.asarray(model.predict_on_batch(batch))


class _Batch:
    """Images of one size gathered for the network, copied into one array as they come."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        capacity = max(1, min(PREDICT_BATCH, BATCH_PIXELS // (shape[0] * shape[1])))
        self.names: list[str] = []
        self.pixels = np.empty((capacity, *shape), dtype=np.uint8)

    def add(self, name: str, pixels: np.ndarray) -> None:
        self.pixels[len(self.names)] = pixels
        self.names.append(name)

    @property
    def full(self) -> bool:
        return len(self.names) == len(self.pixels)

    @property
    def size(self) -> int:
        """Pixels held."""
        return len(self.names) * self.pixels.shape[1] * self.pixels.shape[2]


class GrainSizeModel:
    """A trained network with its classes, loaded from a .keras file and the .json beside it,
    run on LiteRT when the artefact beside it is current (`runtime_name` "auto"), else on Keras.

    `runtime_used` says which ran, and `fallback_reason` why Keras did in "auto" (None when
    LiteRT did, or when Keras was asked for).
    """

    def __init__(
        self,
        model_path: str | Path,
        threads: int | None = None,
        runtime_name: str = "auto",
        views: int = DEFAULT_VIEWS,
    ) -> None:
        if runtime_name not in RUNTIMES:
            raise ValueError(f"unknown runtime {runtime_name!r}; allowed: {RUNTIMES}")
        _check_views(views)  # before loading: a bad count costs no start-up
        self.views = views
        model_path = Path(model_path)
        meta = read_metadata(model_path)
        self.threads = threads or runtime.default_threads()
        self.fallback_reason: str | None = None
        reason = "asked for" if runtime_name == "keras" else runtime.why_not_current(model_path)
        if reason is None:
            self._network = runtime.LiteRTNetwork(inference_path(model_path), self.threads)
            self.runtime_used = "litert"
        elif runtime_name == "litert":
            raise ModelError(f"cannot run {model_path} on LiteRT: {reason}")
        else:
            self._network = _load_keras(model_path, threads)
            self.runtime_used = "keras"
            self.fallback_reason = None if runtime_name == "keras" else reason
        self.classes = GrainSizeClasses.from_json(meta["classes"])
        self.reference_pixel_size_um: float = meta["reference_pixel_size_um"]
        # The train stage names the architecture; for metadata without it, the larger minimum.
        self.min_side = MIN_SIDE.get(meta.get("architecture"), max(MIN_SIDE.values()))
        # Images reach the network with the levels it was trained on (models trained before
        # the train stage named them took images as given).
        self.levels: str = meta.get("levels", "as-given")

    def estimate_arrays(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean, sd) of log10 area for a batch of same-sized uint8 RGB images: the mean over
        the model's views, with their root-mean-square sd."""
        outputs = [split_output(self._network(view)) for view in flipped_views(batch, self.views)]
        means = np.mean([mean.astype(float) for mean, _ in outputs], axis=0)
        # The views' errors are correlated (0.67 between two of them on the default test
        # images), so averaging shrinks the error less than independent views would: the sd is
        # kept, not divided. The 90 % interval then held 94 % of the default test images'
        # true areas (91 % with one view).
        sds = np.sqrt(np.mean([sd.astype(float) ** 2 for _, sd in outputs], axis=0))
        return means, sds

    def _estimate_large(self, pixels: np.ndarray) -> tuple[float, float] | None:
        """(mean, sd) of log10 area of an image measured in tiles, or None if no tile holds
        anything to measure.

        Each tile's estimate counts by the pixels of it that are not pure white: a tile wholly
        in a white margin (or of one colour) is left out, and one half in it counts half. Why:
        the network leaves the margin out within a tile, but an all-white tile's output is
        computed from nothing, and averaged in with the others it took a 4400x4400 scan whose
        specimen filled a corner from 255 px (the specimen alone) to 1,320 px.
        """
        parts = [pixels[r0:r1, c0:c1] for r0, r1, c0, c1 in tiles(*pixels.shape[:2], TILE)]
        parts = [part for part in parts if unmeasurable(part, self.min_side) is None]
        shown = np.array([np.count_nonzero((p != MARGIN_LEVEL).any(axis=2)) for p in parts])
        if not shown.sum():
            return None
        estimates = [self.estimate_arrays(part[None]) for part in parts]
        means = np.array([m[0] for m, _ in estimates])
        sds = np.array([s[0] for _, s in estimates])
        # Tiles of one image are not independent: keep the typical sd, do not shrink it.
        return float(np.average(means, weights=shown)), float(
            np.sqrt(np.average(sds**2, weights=shown))
        )

    def estimate_files(
        self,
        paths: Sequence[str | Path],
        on_error: Callable[[str, str], None],
        stretched: bool | None = None,
        narrow: list[str] | None = None,
    ) -> list[Estimate]:
        """Estimates for every readable image, in the given order; the others are reported
        through `on_error`. With `stretched`, each image's levels are stretched first
        (imaging.images.stretch_levels); None reads them as the model was trained (`levels`).
        A list given as `narrow` collects the images read as given whose levels span less than
        NARROW_LEVELS.

        Images are decoded on `threads` threads, a few ahead of the network, and gathered by
        size into batches; memory holds a few batches of pixels, however many paths there are.
        """
        if stretched is None:
            stretched = self.levels == "stretched"
        found: dict[str, Estimate] = {}
        batches: dict[tuple[int, ...], _Batch] = {}

        def run(shape: tuple[int, ...]) -> None:
            batch = batches.pop(shape)
            means, sds = self.estimate_arrays(batch.pixels[: len(batch.names)])
            for name, mean, sd in zip(batch.names, means, sds, strict=True):
                found[name] = Estimate(name, float(mean), float(sd))

        names = []
        for name, pixels in read_images(paths, self.threads, stretched=stretched):
            if isinstance(pixels, ImageError):
                on_error(name, str(pixels))
                continue
            reason = unmeasurable(pixels, self.min_side)
            if reason:
                on_error(name, reason)
                continue
            if narrow is not None and not stretched and narrow_levels(pixels):
                narrow.append(name)
            if pixels.shape[0] * pixels.shape[1] > MAX_WHOLE_PIXELS:
                tiled = self._estimate_large(pixels)
                if tiled is None:
                    on_error(name, "no part of the image holds a grain boundary to measure")
                    continue
                names.append(name)
                found[name] = Estimate(name, *tiled)
                continue
            names.append(name)
            if pixels.shape not in batches:
                batches[pixels.shape] = _Batch(pixels.shape)
            batch = batches[pixels.shape]
            batch.add(name, pixels)
            if batch.full:
                run(pixels.shape)
            elif sum(b.size for b in batches.values()) > PENDING_PIXELS:
                run(max(batches, key=lambda shape: batches[shape].size))
        for shape in list(batches):
            run(shape)
        return [found[name] for name in names]

    def classify(self, estimate: Estimate, pixel_size_um: float | None) -> Prediction:
        """The estimate's class and probabilities at the image's pixel size, or at the
        reference pixel size when it is not known."""
        known = pixel_size_um is not None
        return classify(
            estimate.path,
            estimate.log10_area_px,
            estimate.log10_sd,
            self.classes,
            pixel_size_um if known else self.reference_pixel_size_um,
            known,
        )


def evaluate_manifest(
    model_path: str | Path,
    manifest: str | Path,
    predictions_path: str | Path,
    metrics_path: str | Path,
    threads: int | None = None,
    views: int = DEFAULT_VIEWS,
) -> dict[str, Any]:
    """Measure every image of a manifest at its own pixel size; write the predictions CSV and
    the metrics JSON."""
    rows = read_manifest(manifest)
    truth = {row.path: row for row in rows}
    model = GrainSizeModel(model_path, threads, views=views)
    how = f"LiteRT ({inference_path(model_path)})" if model.runtime_used == "litert" else "Keras"
    print(f"network run on {how}" + (f": {model.fallback_reason}" if model.fallback_reason else ""))
    print(f"views averaged per image: {model.views}")
    failures: list[str] = []
    estimates = model.estimate_files(
        [row.path for row in rows], lambda path, reason: failures.append(f"{path}: {reason}")
    )
    if failures:
        # Every test image was made by this workflow: one that cannot be read is a broken run.
        raise RuntimeError("unreadable test images:\n" + "\n".join(failures))
    predictions = [model.classify(e, truth[e.path].pixel_size_um) for e in estimates]
    save_predictions(predictions_path, predictions, model.classes, truth)
    from microcnn.evaluation.scores import metrics  # scikit-learn: not needed by the CLI

    result = metrics(predictions, truth, model.classes)
    result["views"] = model.views  # how the figures were made: views averaged per image
    write_text(metrics_path, json.dumps(result, indent=2) + "\n")
    return result
