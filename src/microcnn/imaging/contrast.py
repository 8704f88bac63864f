"""Grain-contrast micrographs: the `contrast` family (polarised light, anodised aluminium,
orientation or channelling contrast). Grains differ only in grey level or colour, with no
boundary lines; each grain is shaded across and textured inside, under uneven light.
Neighbouring grains always differ by a visible step, so that every grain the truth counts can
be seen.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from microcnn.imaging import optics
from microcnn.imaging.boundaries import neighbour_pairs
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
    # Least difference between neighbouring grains' colours (largest RGB channel, 0-1): a
    # boundary that shows no step cannot be seen, and a grain that cannot be seen cannot be
    # counted (E112 counts delineated grains), yet the truth counts it.
    "step": (0.05, 0.12),
}

CONTRAST_CHANCES = {"jpeg": 0.3}


def hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(n, 3) RGB of hue (turns), saturation and value arrays, all in [0, 1]."""
    k = (np.array([5.0, 3.0, 1.0])[None, :] + 6.0 * np.mod(h, 1.0)[:, None]) % 6.0
    ramp = np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
    return v[:, None] * (1.0 - s[:, None] * ramp)


def _adjacency(n: int, pairs: np.ndarray) -> list[list[int]]:
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for p, q in pairs.tolist():
        neighbours[p].append(q)
        neighbours[q].append(p)
    return neighbours


def smallest_last(neighbours: list[list[int]]) -> list[int]:
    """The grains in an order where each has at most 5 neighbours before it: the order of a
    planar graph's smallest-last removal, reversed (a planar graph has a vertex of degree
    at most 5)."""
    degree = np.array([len(nb) for nb in neighbours], dtype=float)
    removed = []
    for _ in range(len(neighbours)):
        g = int(np.argmin(degree))
        removed.append(g)
        degree[g] = np.inf
        degree[neighbours[g]] -= 1
    return removed[::-1]


def distinct_values(
    n: int, pairs: np.ndarray, low: float, high: float, step: float, rng: np.random.Generator
) -> np.ndarray:
    """(n,) values in [low, high], neighbours at least `step` apart, or a fifth of the range
    where that is less (so that there are at least 6 levels).

    Values sit on levels spaced at least `step` apart, each moved at random by at most what
    keeps that distance; each grain, in smallest-last order, takes a level at random among
    those its coloured neighbours (at most 5) have not: there are at least 6, so there is
    always one. Redrawing the close grains at random instead left 17 % of grey neighbours
    close: a grain among 6 neighbours rarely draws a free value by chance.
    """
    step = min(step, (high - low) / 5)
    count = int((high - low) // step) + 1
    # Level k at low + jitter + k spacing, moved by up to +-jitter: from low to high, and
    # neighbouring levels at least spacing - 2 jitter = step apart.
    spacing = (high - low + step) / count
    jitter = (spacing - step) / 2
    neighbours = _adjacency(n, pairs)
    choice = rng.uniform(0.0, 1.0, n)
    level = [-1] * n
    # Plain Python: a few hundred grains of a few neighbours each, where NumPy calls per
    # grain cost several times more.
    for g in smallest_last(neighbours):
        taken = {level[j] for j in neighbours[g]}
        free = [k for k in range(count) if k not in taken]
        level[g] = free[int(choice[g] * len(free))]
    return low + jitter + spacing * np.array(level, dtype=float) + rng.uniform(-jitter, jitter, n)


def _grain_colours(canvas: Canvas, params: Mapping[str, float]) -> np.ndarray:
    """(n + 1, 3): each grain's colour, the margin last.

    Neighbours' values (the largest RGB channel) differ by at least `step`, at most a fifth
    of the value range. Drawn independently, 8 % of neighbouring pairs (17 % of grey ones)
    were within 0.04 of each other, and the grains they hid made a contrast image's visible
    grains up to 1.4 G larger than its truth.
    """
    rng = canvas.rng("tint")
    n = canvas.n_grains
    low, high = params["low"], params["high"]
    pairs = neighbour_pairs(canvas.labels)
    value = distinct_values(n, pairs, low, high, params["step"], rng)
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
    "grey level or colour only, neighbours at least a step apart, no boundary lines, shading "
    "and texture inside grains",
    CONTRAST_RANGES,
    paint_contrast,
    CONTRAST_CHANCES,
)
