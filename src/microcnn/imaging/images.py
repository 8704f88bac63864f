"""Read users' images: any common format, converted to RGB at its native pixels (never resized:
resizing an image changes its grain size)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".gif", ".webp"}


class ImageError(Exception):
    """An image that cannot be used; the message is the reason, for one line on stderr."""


def find_images(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders (recursively, image suffixes only); keep files as given.

    Returns the files and the (path, reason) of arguments that do not exist.
    """
    files: list[Path] = []
    missing = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
            )
            if not found:
                missing.append((arg, "folder holds no images"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            missing.append((arg, "no such file or folder"))
    return files, missing


def _to_rgb(image: Image.Image) -> np.ndarray:
    """RGB uint8 pixels: alpha dropped, greyscale expanded, 16-bit scaled to 8-bit."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Pillow's own conversion of 16-bit greyscale to 8-bit clips at 255 instead of scaling.
        grey = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or grey.max() > 255 else 255.0
        grey8 = np.clip(np.rint(grey * 255.0 / top), 0, 255).astype(np.uint8)
        return np.repeat(grey8[:, :, None], 3, axis=2)
    if image.mode == "F":
        grey8 = np.clip(np.rint(np.asarray(image) * 255.0), 0, 255).astype(np.uint8)
        return np.repeat(grey8[:, :, None], 3, axis=2)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def load_image(path: str | Path) -> np.ndarray:
    """The image at `path` as (height, width, 3) uint8 RGB, or ImageError with the reason."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            raise ImageError("empty file")
        with Image.open(path) as image:
            image.load()
            return _to_rgb(image)
    except FileNotFoundError as exc:
        raise ImageError("no such file") from exc
    except IsADirectoryError as exc:
        raise ImageError("is a folder") from exc
    except UnidentifiedImageError as exc:
        raise ImageError("not an image (format not recognised)") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow reports truncated and corrupt data as OSError (or SyntaxError for some formats).
        raise ImageError(f"corrupt or truncated image ({exc})") from exc
