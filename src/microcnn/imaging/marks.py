"""Marks on a polished and etched surface that are not grains: etch pits and inclusions (small
round specks) and polishing scratches (long thin lines). They change the picture only; the
label map, and so the truth, never sees them.
"""

from __future__ import annotations

import numpy as np

from microcnn.imaging.optics import pixel_grid


def specks(
    shape: tuple[int, int],
    rng: np.random.Generator,
    count: int,
    radius_px: tuple[float, float],
) -> np.ndarray:
    """`count` round specks at random places with radii drawn from `radius_px`, as a coverage
    field in [0, 1] (antialiased discs, float32): every disc is stamped at once through one
    small offset grid."""
    field = np.zeros(shape, dtype=np.float32)
    if count <= 0:
        return field
    height, width = shape
    centres = rng.uniform((0.0, 0.0), (height, width), size=(count, 2))
    radii = rng.uniform(*radius_px, size=count)
    reach = int(np.ceil(radius_px[1])) + 1
    dy, dx = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    base = np.floor(centres).astype(np.int64)
    rows = base[:, 0, None, None] + dy  # (count, k, k)
    cols = base[:, 1, None, None] + dx
    # Distance from each pixel's centre to the disc's centre.
    dist = np.hypot(rows + 0.5 - centres[:, 0, None, None], cols + 0.5 - centres[:, 1, None, None])
    cover = np.clip(radii[:, None, None] + 0.5 - dist, 0.0, 1.0).astype(np.float32)
    keep = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width) & (cover > 0)
    np.maximum.at(field, (rows[keep], cols[keep]), cover[keep])
    return field


def scratches(
    shape: tuple[int, int],
    rng: np.random.Generator,
    count: int,
    width_px: tuple[float, float],
    strength: tuple[float, float],
) -> np.ndarray:
    """`count` polishing scratches as an additive field (float32): long, nearly straight thin
    lines across the image, each dark or bright (sign at random) by a strength drawn from
    `strength`, fading in and out along their length."""
    height, width = shape
    field = np.zeros(shape, dtype=np.float32)
    x, y = pixel_grid(height, width)
    diagonal = float(np.hypot(height, width))
    for _ in range(count):
        angle = rng.uniform(0.0, np.pi)
        ux, uy = np.cos(angle), np.sin(angle)
        x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
        along = (x - x0) * ux + (y - y0) * uy
        # A slight bow: polishing scratches are arcs of a large wheel or cloth.
        bow = rng.uniform(-1.0, 1.0) * (along / diagonal) ** 2 * 0.05 * diagonal
        across = np.abs((x - x0) * -uy + (y - y0) * ux + bow)
        half_length = rng.uniform(0.3, 1.0) * diagonal
        fade = np.clip(1.5 - np.abs(along) / half_length * 1.5, 0.0, 1.0)
        line = np.exp(-((across / rng.uniform(*width_px)) ** 2)) * fade
        sign = 1.0 if rng.uniform() < 0.3 else -1.0
        field += np.float32(sign * rng.uniform(*strength)) * line.astype(np.float32)
    return field
