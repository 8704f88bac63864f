"""What a microscope and its camera add to a picture: smooth random fields (mottling, uneven
light), illumination gradients and vignetting, blur, sensor noise, JPEG compression, and the
final 8-bit image with its white margin.

Everything works on float32 arrays in [0, 1] of the image's shape, one operation over the
whole image at a time.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image
from scipy import ndimage as ndi

from microcnn.imaging.margin import MARGIN_LEVEL, SPECIMEN_MAX


@lru_cache(maxsize=8)
def pixel_grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates (x right, y down) as float32 (height, width) arrays, shared
    between images of one size (read-only)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    x.flags.writeable = False
    y.flags.writeable = False
    return x, y


@lru_cache(maxsize=64)
def _smoothing_matrix(n: int, knots: int, scale: float) -> np.ndarray:
    """(n, knots) Gaussian weights from knots `scale` pixels apart to n pixel centres (shared
    between images: read-only)."""
    centres = (np.arange(n) + 0.5)[:, None]
    positions = (np.arange(knots) - 1.0) * scale
    weights = np.exp(-0.5 * ((centres - positions) / scale) ** 2)
    matrix = (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)
    matrix.flags.writeable = False
    return matrix


def smooth_field(shape: tuple[int, int], scale_px: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth random field with zero mean and unit standard deviation, varying over about
    `scale_px` pixels: white noise on a coarse grid, interpolated by two small matrix products
    (far cheaper than filtering full-size noise)."""
    height, width = shape
    scale = max(float(scale_px), 1.0)
    rows, cols = int(height / scale) + 3, int(width / scale) + 3
    knots = rng.standard_normal((rows, cols), dtype=np.float32)
    across = knots @ _smoothing_matrix(width, cols, scale).T  # the small product first
    field = _smoothing_matrix(height, rows, scale) @ across
    # Mean and spread from every 4th pixel each way: the field is smooth, and it is 16x cheaper.
    sample = field[::4, ::4]
    field -= sample.mean()
    field *= np.float32(1.0 / max(float(sample.std()), 1e-6))
    return field


def illumination(
    shape: tuple[int, int], rng: np.random.Generator, gradient: float, vignette: float
) -> np.ndarray:
    """Uneven light as a factor around 1: a linear gradient in a random direction (`gradient`:
    the fall from the brightest to the darkest corner) times a radial vignetting about a
    random centre near the middle (`vignette`: the fall at the farthest corner)."""
    height, width = shape
    x, y = pixel_grid(height, width)
    angle = rng.uniform(0.0, 2 * np.pi)
    ramp = np.cos(angle) * (x / width - 0.5) + np.sin(angle) * (y / height - 0.5)
    ramp /= max(float(np.abs(ramp).max()), 1e-6)
    cx, cy = width * rng.uniform(0.35, 0.65), height * rng.uniform(0.35, 0.65)
    r2 = (x - cx) ** 2 + (y - cy) ** 2
    r2 /= float(r2.max())
    return (1.0 - gradient * (0.5 - 0.5 * ramp)) * (1.0 - vignette * r2)


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of a (height, width) or (height, width, channels) image."""
    if sigma <= 0:
        return image
    sigmas = (sigma, sigma) + (0,) * (image.ndim - 2)
    return ndi.gaussian_filter(image, sigmas, truncate=3.0)


def sensor_noise(image: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Add grey Gaussian noise of `sigma` (0-1 scale), the same on every channel."""
    if sigma <= 0:
        return image
    noise = rng.standard_normal(image.shape[:2], dtype=np.float32) * np.float32(sigma)
    return image + (noise[:, :, None] if image.ndim == 3 else noise)


def jpeg(pixels: np.ndarray, quality: int) -> np.ndarray:
    """The uint8 RGB image after a JPEG round trip at `quality` (blocks and ringing)."""
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="RGB").save(buffer, format="JPEG", quality=int(quality))
    with Image.open(buffer) as decoded:
        return np.array(decoded.convert("RGB"))


def to_pixels(image: np.ndarray, inside: np.ndarray, jpeg_quality: int = 0) -> np.ndarray:
    """The final uint8 RGB image: a (height, width) grey or (height, width, 3) colour float32
    image in [0, 1] (overwritten), the specimen (`inside`) at most SPECIMEN_MAX, the margin
    pure white; optionally through JPEG (quality 1-95; 0 for none)."""
    # Clip and round in place (float32, +0.5 then truncate): no temporary copies.
    np.clip(image, 0.0, 1.0, out=image)
    image *= np.float32(255.0)
    image += np.float32(0.5)
    scaled = image.astype(np.uint8)
    pixels = np.repeat(scaled[:, :, None], 3, axis=2) if scaled.ndim == 2 else scaled
    if jpeg_quality:
        pixels = jpeg(pixels, jpeg_quality)
    np.minimum(pixels, SPECIMEN_MAX, out=pixels)
    pixels[~inside] = MARGIN_LEVEL
    return pixels
