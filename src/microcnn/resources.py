"""Memory each job declares (`resources: mem_mb`), from the config: image size, grains per
image and batch sizes. Light (no heavy imports): the Snakefile calls it while planning.

Every formula is a base plus a cost per grain or per pixel, fitted to peak resident memory
(/usr/bin/time -v, 2 cores) of the stage's own functions, times HEADROOM. Measured points
(peak MB):

- generate (fast): 50 images of 15 grains 150, of 250 grains 162; 1 x 2,900 grains 156,
  10 x 2,900 197, 4 x 11,900 242, 2 x 47,800 394 (2.6 KB per grain held in the batch);
  MicroStructPy's generator, 10 x 250 grains: 244 (a subprocess per image: +100 MB).
- render, one job per batch drawing every look, one look at a time: default config, 50 images
  x 9 looks 181 (fine) and 177 (coarse), 176 for the same 50 fine images in micrograph alone;
  4096x4096 with 2 x 47,800 grains in reference and micrograph 1,877 (1,841 in micrograph
  alone). One look per job, micrograph (the costliest style): 432x288 x 50 images 161-173,
  432x288 with 4 x 11,900 grains 245, 2048x2048 x 10 images 545, 4096x4096 x 1 image 1,546
  (about 90 B per pixel of one image, plus the batch's meshes).
- measure, one job per batch checking and measuring every look, one image at a time: default
  config, 50 images x 9 looks 63 (62 for 50 images in one look); 4096x4096 x 2 images x 2
  looks 1,342 (1,330 for 2 images in micrograph). About 80 B per pixel of one image; the
  images measured add only their rows.
- train (compact, 1 epoch): 432x288 at batch 4 / 32: 744 / 872, reference at batch 32: 1,319;
  1024x1024 x 16 images at batch 2 / 8: 941 / 1,268; 2048x2048 x 24 images at batch 1 / 4:
  1,387 / 2,474; 4096x4096 x 4 images at batch 2: 2,376; default config (2,616 + 468 images,
  8 epochs): 2,200. About 750 MB for TensorFlow, 90 B per pixel per image of a batch (210 for
  the reference network, which convolves at full resolution), and every decoded image once:
  the validation images are cached, the training images are cached or, above the cache limit,
  held in the shuffle buffer, which takes the whole training set.
- predict: 1024x1024 x 8 images 945, x 64 images (one batch) 2,476 (26 B per pixel per image).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from microcnn.data.split import class_split

HEADROOM = 1.3
MB = 1e6
PREDICT_BATCH = 64  # learning/predict.py's batch (kept here to stay free of NumPy and Keras)
CACHE_LIMIT_BYTES = 4 * 2**30  # learning/training.py's limit for caching decoded images
TRAIN_BYTES_PER_PIXEL = {"compact": 90.0, "reference": 210.0}


def _declared(predicted_mb: float) -> int:
    return math.ceil(HEADROOM * predicted_mb)


def grains_per_image(spec: Mapping[str, Any]) -> float:
    """The most grains an image of a class can have: 1 / (pi/4 d^2 exp(spread^2)) at the low
    end of its mean diameter range."""
    low = spec["mean_diameter"][0]
    return 1.0 / (math.pi / 4 * low**2 * math.exp(spec["spread"] ** 2))


def _batch_grains(config: Mapping[str, Any], cls: str) -> float:
    spec = config["classes"][cls]
    return grains_per_image(spec) * min(spec["count"], config["generation"]["batch_size"])


def _pixels(config: Mapping[str, Any]) -> int:
    return config["image"]["width"] * config["image"]["height"]


def generate_mem_mb(config: Mapping[str, Any], cls: str) -> int:
    """One generation batch: meshes of the whole batch are held until they are written."""
    base = 250 if config["generation"]["generator"] == "microstructpy" else 150
    return _declared(base + 2600 * _batch_grains(config, cls) / MB)


def _batch_images(config: Mapping[str, Any], cls: str) -> int:
    """Images of one batch in every look: what one render or measure job makes or reads."""
    count = min(config["classes"][cls]["count"], config["generation"]["batch_size"])
    return count * len(config["image"]["styles"])


def render_mem_mb(config: Mapping[str, Any], cls: str) -> int:
    """One render batch in every look, one look at a time: the batch's meshes and cell
    outlines, and one image's canvas and float copies."""
    return _declared(150 + (90 * _pixels(config) + 2600 * _batch_grains(config, cls)) / MB)


def measure_mem_mb(config: Mapping[str, Any], cls: str) -> int:
    """One batch in every look, measured one image at a time; a row kept per image."""
    images = _batch_images(config, cls)
    return _declared(150 + (80 * _pixels(config) + 2000 * images) / MB)


def split_images(config: Mapping[str, Any]) -> dict[str, int]:
    """Images on each side (fit, validation, test) over every class, as the split and the
    validation hold-out make them: training sides in the training styles, test in all."""
    split, training = config["split"], config["training"]
    styles = config["image"]["styles"]
    n_train_styles = len([s for s in styles if s != training["held_out_style"]])
    totals = {"fit": 0, "validation": 0, "test": 0}
    for spec in config["classes"].values():
        parts = class_split(
            spec["count"], split["train"], split["test"], training["validation_fraction"]
        )
        totals["fit"] += parts.fit * n_train_styles
        totals["validation"] += parts.validation * n_train_styles
        totals["test"] += parts.test * len(styles)
    return totals


def train_mem_mb(config: Mapping[str, Any]) -> int:
    """TensorFlow, one batch's activations and gradients, and the decoded images kept."""
    training, pixels = config["training"], _pixels(config)
    images = split_images(config)
    image_bytes = 3 * pixels
    kept = images["fit"] * image_bytes  # cached, or else in the shuffle buffer
    if images["fit"] * image_bytes <= CACHE_LIMIT_BYTES:
        kept += images["validation"] * image_bytes
    # Scaled whole with the filters, on the safe side: the network's activations grow with
    # them, the input pipeline's share does not (width 2 peaked at the same 3.3 GB as width 1
    # in the default run, where the cached images dominate).
    per_pixel = TRAIN_BYTES_PER_PIXEL[training["architecture"]] * training["width"]
    batch = min(training["batch_size"], max(images["fit"], 1))
    return _declared(750 + (per_pixel * batch * pixels + kept) / MB)


def predict_mem_mb(config: Mapping[str, Any]) -> int:
    """TensorFlow and one prediction batch of decoded images."""
    batch = min(PREDICT_BATCH, max(split_images(config)["test"], 1))
    return _declared(750 + 26 * batch * _pixels(config) / MB)
