"""Grain-contrast micrographs: the `contrast` family (polarised light, anodised aluminium,
orientation or channelling contrast). Grains differ only in grey level or colour, with no
boundary lines; each grain is shaded across and textured inside, under uneven light.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from microcnn.imaging import optics
from microcnn.imaging.canvas import Canvas, Family

CONTRAST_RANGES = {
    "wave": (0.3, 1.0),  # boundary curvature (as in etched)
    "palette": (0.0, 3.0),  # 0-1 grey levels, 1-2 colours of any hue, 2-3 hues near one
    "low": (0.12, 0.4),  # darkest grain value (0-1)
    "high": (0.6, 0.9),  # brightest grain value
    "saturation": (0.2, 0.8),  # colour saturation (colour palettes)
    "hue_spread": (0.05, 0.25),  # hue range around the base hue (palette 2-3), share of a turn
    "shading": (0.0, 0.25),  # brightness ramp across each grain, at its edge
    "texture": (0.0, 0.06),  # mottling inside grains
    "texture_px": (2.0, 8.0),  # its scale, pixels
    "gradient": (0.0, 0.2),
    "vignette": (0.0, 0.3),
    "blur": (0.3, 1.0),
    "noise": (0.004, 0.025),
    "jpeg_quality": (40.0, 90.0),
}
CONTRAST_CHANCES = {"jpeg": 0.3}


def hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(n, 3) RGB of hue (turns), saturation and value arrays, all in [0, 1]."""
    k = (np.array([5.0, 3.0, 1.0])[None, :] + 6.0 * np.mod(h, 1.0)[:, None]) % 6.0
    ramp = np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
    return v[:, None] * (1.0 - s[:, None] * ramp)


def _grain_colours(canvas: Canvas, params: Mapping[str, float]) -> np.ndarray:
    """(n + 1, 3): each grain's colour, the margin last."""
    rng = canvas.rng("tint")
    n = canvas.n_grains
    value = rng.uniform(params["low"], params["high"], n)
    palette = int(params["palette"])
    if palette == 0:
        colours = np.repeat(value[:, None], 3, axis=1)
    else:
        if palette == 1:
            hue = rng.uniform(0.0, 1.0, n)
        else:
            hue = rng.uniform() + params["hue_spread"] * rng.uniform(-1.0, 1.0, n)
        saturation = params["saturation"] * rng.uniform(0.6, 1.0, n)
        colours = hsv_to_rgb(hue, saturation, value)
    return np.vstack([colours, np.ones((1, 3))]).astype(np.float32)


def _grain_shading(canvas: Canvas, params: Mapping[str, float]) -> np.ndarray:
    """A linear brightness ramp across each grain, in a direction and strength of its own."""
    rng = canvas.rng("shading")
    n = canvas.n_grains
    angle = rng.uniform(0.0, 2 * np.pi, n)
    strength = params["shading"] * rng.uniform(-1.0, 1.0, n) / np.maximum(canvas.radii_px, 1.0)
    centre = canvas.centroids_px
    # Per grain: factor = 1 + a x + b y + c, looked up per pixel.
    a = np.append(strength * np.cos(angle), 0.0).astype(np.float32)
    b = np.append(strength * np.sin(angle), 0.0).astype(np.float32)
    c = np.append(-(a[:-1] * centre[:, 0] + b[:-1] * centre[:, 1]), 0.0).astype(np.float32)
    x, y = optics.pixel_grid(*canvas.shape)
    labels = canvas.labels
    return 1 + a[labels] * x + b[labels] * y + c[labels]


def paint_contrast(canvas: Canvas, params: Mapping[str, float]) -> tuple[np.ndarray, int]:
    shade = _grain_shading(canvas, params)
    texture = canvas.rng("texture")
    if params["texture"] > 0:
        field = optics.smooth_field(canvas.shape, params["texture_px"], texture)
        shade *= 1 + np.float32(params["texture"]) * field
    light = canvas.rng("light")
    shade *= optics.illumination(canvas.shape, light, params["gradient"], params["vignette"])
    image = _grain_colours(canvas, params)[canvas.labels] * shade[:, :, None]
    # Blur the colours themselves: here the colour steps are the boundaries.
    image = optics.blur(image, params["blur"])
    image = optics.sensor_noise(image, canvas.rng("noise"), params["noise"])
    return image, int(params["jpeg_quality"]) if params["jpeg"] else 0


CONTRAST = Family(
    "contrast",
    "grain contrast (polarised light, anodised, orientation contrast): grains told apart by "
    "grey level or colour only, no boundary lines, shading and texture inside grains",
    CONTRAST_RANGES,
    paint_contrast,
    CONTRAST_CHANCES,
)
