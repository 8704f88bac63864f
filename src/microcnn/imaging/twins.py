"""Annealing twins: straight, parallel-sided bands across a grain, ending at its boundary, as
in austenitic steels, copper and brass. A metallographer does not count them as grains, so they
are drawn on the picture only, never in the label map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from microcnn.imaging.optics import pixel_grid

MAX_BANDS = 3  # bands per twinned grain, at most


@dataclass(frozen=True)
class Twins:
    """Twin bands of one image, as fields of the image's shape (float32)."""

    band: np.ndarray  # share of each pixel inside a band, in [0, 1] (antialiased)
    edge: np.ndarray  # twin-boundary line strength, in [0, 1]
    tone: np.ndarray  # per grain (n + 1, last for the margin): relative brightness of its bands


def twin_bands(
    labels: np.ndarray,
    vertices_px: np.ndarray,
    owner: np.ndarray,
    n_grains: int,
    rng: np.random.Generator,
    share: float,
    width: tuple[float, float],
    line_px: float,
    tone: tuple[float, float],
) -> Twins:
    """Bands in a `share` of the grains, 1 to MAX_BANDS each (mostly 1), at a random angle
    per grain. A band is `width` (a range, as a share of the grain's breadth across the band)
    wide, at least 1.5 pixels, and lies wholly within the grain's extent across it, so it
    crosses the grain from boundary to boundary. `vertices_px` / `owner`: the cells' corners in
    pixels and the grain of each (for each grain's breadth); `tone`: range of the bands'
    brightness change.
    """
    height, width_px = labels.shape
    twinned = rng.uniform(size=n_grains) < share
    angle = rng.uniform(0.0, np.pi, n_grains)
    nx, ny = np.cos(angle), np.sin(angle)
    # Mostly one band, sometimes two or three: many narrow bands read as hatching, not twins.
    bands = 1 + (rng.uniform(size=n_grains) < 0.35) + (rng.uniform(size=n_grains) < 0.1)
    position = rng.uniform(0.15, 0.85, (n_grains, MAX_BANDS))
    breadth_share = rng.uniform(*width, (n_grains, MAX_BANDS))
    sign = np.where(rng.uniform(size=n_grains) < 0.5, -1.0, 1.0)
    band_tone = np.append(sign * rng.uniform(*tone, n_grains), 0.0).astype(np.float32)

    projection = vertices_px[:, 0] * nx[owner] + vertices_px[:, 1] * ny[owner]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    low = np.full(n_grains, np.nan)
    high = np.full(n_grains, np.nan)
    low[owner[starts]] = np.minimum.reduceat(projection, starts)
    high[owner[starts]] = np.maximum.reduceat(projection, starts)
    breadth = high - low
    half = np.maximum(0.5 * breadth[:, None] * breadth_share, 0.75)
    centre = low[:, None] + half + (breadth[:, None] - 2 * half) * position
    active = twinned[:, None] & (np.arange(MAX_BANDS)[None, :] < bands[:, None])
    active &= (breadth[:, None] > 4 * half) & np.isfinite(breadth[:, None])

    # Per-grain tables (the margin last), float32: each band is a few whole-image operations.
    def table(values: np.ndarray) -> np.ndarray:
        return np.append(values, 0.0).astype(np.float32)

    x, y = pixel_grid(height, width_px)
    u = x * table(nx)[labels] + y * table(ny)[labels]
    band = np.zeros(labels.shape, dtype=np.float32)
    edge = np.zeros(labels.shape, dtype=np.float32)
    line = np.float32(max(line_px, 0.3))
    for k in range(MAX_BANDS):
        if not active[:, k].any():
            continue
        # Signed distance from the band's sides (negative inside); far away where no band.
        d = np.abs(u - table(centre[:, k])[labels])
        d -= table(np.where(active[:, k], half[:, k], -1e6))[labels]
        np.maximum(band, np.clip(0.5 - d, 0.0, 1.0), out=band)
        np.maximum(edge, np.clip(1.0 - np.abs(d) / line, 0.0, 1.0), out=edge)
    return Twins(band, edge, band_tone)
