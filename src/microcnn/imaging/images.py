"""Read users' images: any common format, converted to RGB at its native pixels (never resized:
resizing an image changes its grain size); many at once on several threads (Pillow decodes
without holding Python's lock)."""

from __future__ import annotations

import errno
import itertools
import os
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".gif", ".webp"}

# The largest image read, in pixels (e.g. 8000x8000): a few hundred MB decoded; the network
# measures such an image in tiles at its native pixels. Checked from the header before the
# pixels are decoded, so a small file that claims 20000x20000 ("decompression bomb") is one bad
# input. Below Pillow's own limit (about 89 megapixels), whose warning is therefore never due.
MAX_PIXELS = 64_000_000


class ImageError(Exception):
    """An image that cannot be used; the message is the reason, for one line on stderr."""


def broken_link(path: Path) -> str | None:
    """Why the symbolic link at `path` leads nowhere, or None if it is not a broken link."""
    if not path.is_symlink():
        return None
    try:
        os.stat(path)
    except FileNotFoundError:
        return f"dangling symbolic link (to {os.readlink(path)})"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"unreadable symbolic link ({error.strerror})"
    return None


def find_images(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders (recursively, image suffixes only); keep files as given.

    Returns the files and the (path, reason) of arguments that do not exist and of broken
    symbolic links (dangling or looping) met in a folder, which would otherwise be skipped
    without a word.
    """
    files: list[Path] = []
    missing = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            found, broken = [], []
            for p in sorted(path.rglob("*")):
                reason = broken_link(p)
                if reason:
                    broken.append((str(p), reason))
                elif p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES:
                    found.append(p)
            if not found and not broken:
                missing.append((arg, "folder holds no images"))
            files.extend(found)
            missing.extend(broken)
        elif path.exists():
            files.append(path)
        else:
            missing.append((arg, broken_link(path) or "no such file or folder"))
    return files, missing


# An image's own levels at these percentiles go to 0 and 255 where its levels are mapped:
# greyscale of more than 8 bits always (`levels_to_8bit`), 8-bit images when stretched
# (`stretch_levels`: in training and prediction with training.levels "stretched").
LEVEL_PERCENTILES = (0.1, 99.9)
# The percentiles are taken on at most about this many pixels (a regular subsample).
LEVEL_SAMPLE = 1_000_000


# How an image's levels reach the measurement: as given, or each image's own levels stretched
# (`stretch_levels`). The config's training.levels and `--levels` of `microcnn predict` and
# `measure` take these.
LEVELS = ("as-given", "stretched")
# An image whose levels span less than this (0.1st to 99.9th percentile, of 255) is narrower
# than any the default run renders (its narrowest test image spans 117).
NARROW_LEVELS = 128


def _level_bounds(values: np.ndarray) -> tuple[float, float] | None:
    """The LEVEL_PERCENTILES of an array's finite values (on a regular subsample of at most
    about LEVEL_SAMPLE of them), the extremes if those are equal, None if all are equal."""
    step = max(1, int(np.sqrt(values.size / LEVEL_SAMPLE)))
    sample = values[::step, ::step]
    sample = sample[np.isfinite(sample)] if sample.dtype.kind == "f" else sample.ravel()
    if sample.size == 0:
        return None
    low, high = np.percentile(sample, LEVEL_PERCENTILES)
    if not high > low:  # fewer than 0.2 % of the values differ: use the extremes
        low, high = sample.min(), sample.max()
    return (float(low), float(high)) if high > low else None


def _mapped(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    """uint8 levels of `values` with `bounds` (low, high) mapped linearly to 0 and 255,
    rounded and clipped; NaN to 0."""
    low, high = bounds
    scaled = np.clip(np.rint((values - low) * (255.0 / (high - low))), 0, 255)
    return np.nan_to_num(scaled, nan=0.0).astype(np.uint8)


def narrow_levels(rgb: np.ndarray) -> bool:
    """Whether an 8-bit image's levels span less than NARROW_LEVELS (a dim, washed-out or flat
    picture). On every 4th row and column: a check, not a map, at a fraction of a
    millisecond."""
    bounds = _level_bounds(rgb[::4, ::4])
    return bounds is None or bounds[1] - bounds[0] < NARROW_LEVELS


def stretch_levels(rgb: np.ndarray) -> np.ndarray:
    """An 8-bit image with its own levels' LEVEL_PERCENTILES (over every channel) mapped to 0
    and 255, clipped; an image of one level is returned as it is.

    Why: a network trained on levels as rendered measured test images at half their levels
    (x0.5) 1.8-6.9 G numbers off, stretched within 0.09 of the originals; trained on
    stretched images and given them, it measures a linear change of levels as the image
    (README, "Dim or flat images"). Levels only: no pixel moves. A pure white margin sets the
    top level, so a dim specimen inside one stays dim: crop the margin first.
    """
    bounds = _level_bounds(rgb)
    if bounds is None:
        return rgb
    # The map of each of the 256 levels, looked up: the same bytes as mapping every pixel
    # (the same float32 arithmetic per level), in a fraction of the time (benchmarks/levels.py).
    return np.take(_mapped(np.arange(256, dtype=np.float32), bounds), rgb)


def levels_to_8bit(grey: np.ndarray) -> np.ndarray:
    """uint8 greyscale from raw levels: the LEVEL_PERCENTILES of the image's finite values go to
    0 and 255 (a linear map, clipped; NaN to 0; one level throughout to 0).

    Why not scale by the type's full range: cameras write 10-, 12- or 14-bit data into 16-bit
    files, and a 12-bit micrograph scaled by 65535 came out at levels 0-16, which the network
    measured as 10,600 px grains instead of 273 px (the classical measurement 1,016 instead of
    278). Percentiles rather than the extremes, so that a few hot or dead pixels do not squeeze
    the rest. Levels only: the pixels stay where they are, and so does the grain size.
    """
    values = grey.astype(np.float64, copy=False)
    bounds = _level_bounds(values)
    return np.zeros(grey.shape, np.uint8) if bounds is None else _mapped(values, bounds)


def _to_rgb(image: Image.Image) -> np.ndarray:
    """RGB uint8 pixels: alpha dropped, greyscale expanded, greyscale of more than 8 bits
    mapped to 8 bits by its own levels (`levels_to_8bit`)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # Pillow's own conversion of these to 8 bits clips at 255 instead of scaling.
        grey8 = levels_to_8bit(np.asarray(image))
        return np.repeat(grey8[:, :, None], 3, axis=2)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode != "RGB":
        # Pillow's conversion of grey and palette images is faster than NumPy's indexing.
        image = image.convert("RGB")
    # An RGB image is not converted: Pillow's convert would copy it once more (about a sixth of
    # the time of decoding one of the rendered PNGs).
    return np.asarray(image, dtype=np.uint8)


def _too_large(size: tuple[int, int] | None) -> str:
    shown = f"{size[0]}x{size[1]} " if size else ""
    return (
        f"image {shown}is larger than the limit of {MAX_PIXELS:,} pixels "
        "(a decompression bomb, or a micrograph to cut into parts first: scaling it down "
        "would change its grain size)"
    )


def _check_size(size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_PIXELS:
        raise ImageError(_too_large(size))


def load_image(path: str | Path, stretched: bool = False) -> np.ndarray:
    """The image at `path` as (height, width, 3) uint8 RGB (its levels stretched with
    `stretched`: `stretch_levels`), or ImageError with the reason."""
    with warnings.catch_warnings():
        # Pillow warns about large images on stderr; the size is checked here instead.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return _read(Path(path), stretched)


def _read(path: Path, stretched: bool = False) -> np.ndarray:
    """load_image without its warning filter (which is not thread-safe: read_images sets it
    once for all its threads)."""
    try:
        if path.stat().st_size == 0:
            raise ImageError("empty file")
        with Image.open(path) as image:
            _check_size(image.size)
            image.load()
            rgb = _to_rgb(image)
            return stretch_levels(rgb) if stretched else rgb
    except Image.DecompressionBombError as exc:
        # Far above the limit, Pillow refuses the file on opening, before its size is known.
        raise ImageError(_too_large(None)) from exc
    except FileNotFoundError as exc:
        raise ImageError("no such file") from exc
    except IsADirectoryError as exc:
        raise ImageError("is a folder") from exc
    except UnidentifiedImageError as exc:
        raise ImageError("not an image (format not recognised)") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow reports truncated and corrupt data as OSError (or SyntaxError for some formats).
        raise ImageError(f"corrupt or truncated image ({exc})") from exc


def read_images(
    paths: Iterable[str | Path], threads: int, ahead: int | None = None, stretched: bool = False
) -> Iterator[tuple[str, np.ndarray | ImageError]]:
    """(path, pixels or the ImageError saying why not) for every path, in the given order, as
    load_image gives them (`stretched` as there), decoded on `threads` threads.

    At most `ahead` images (default: two per thread) are read ahead of the one handed out, so
    memory stays bounded by the images in flight whatever the number of paths.
    """
    ahead = max(ahead or 2 * threads, 1)
    pending: deque[tuple[str, Future[np.ndarray]]] = deque()
    todo = iter(paths)
    with warnings.catch_warnings(), ThreadPoolExecutor(threads) as pool:
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)

        def submit(count: int) -> None:
            for path in itertools.islice(todo, count):
                pending.append((str(path), pool.submit(_read, Path(path), stretched)))

        submit(ahead)
        while pending:
            path, future = pending.popleft()
            submit(1)
            try:
                result: np.ndarray | ImageError = future.result()
            except ImageError as exc:
                result = exc
            yield path, result
