"""Bright-field optical micrographs of etched polycrystals: the `etched` family, and `twinned`
(etched plus annealing twins).

Light grains with a slight tint each; dark, curved boundaries whose width varies between and
along them, thicker at triple junctions, some faint or missing (incomplete etching); etch pits
and inclusions; occasional polishing scratches; uneven light; blur, sensor noise and sometimes
JPEG compression.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from microcnn.imaging import optics
from microcnn.imaging.boundaries import junctions, line_darkness, line_weights, pair_uniform
from microcnn.imaging.canvas import Canvas, Family
from microcnn.imaging.marks import scratches, specks
from microcnn.imaging.twins import twin_bands

# Per image, each drawn uniformly from its range.
ETCHED_RANGES = {
    "wave": (0.3, 1.0),  # boundary curvature: 1 bends an edge up to 6 % of its length
    "brightness": (0.68, 0.92),  # grain brightness (0-1)
    "tint": (0.0, 0.05),  # spread of brightness and colour between grains
    "cast": (0.0, 0.08),  # colour cast of the whole image (warm or cool light)
    "line_width": (1.0, 3.5),  # boundary core width, pixels
    "line_depth": (0.45, 0.9),  # how dark a full boundary is (share of the light it takes)
    "width_spread": (0.0, 0.5),  # spread of line weight between boundaries (log scale)
    "along_spread": (0.0, 0.5),  # spread of line weight along a boundary (log scale)
    "junction": (0.0, 2.0),  # extra line weight at triple junctions
    "missing": (0.0, 0.2),  # share of boundaries not etched at all
    "faint": (0.0, 0.3),  # share of boundaries etched faintly
    "pits": (0.0, 4.0),  # etch pits per 10,000 pixels of specimen
    "inclusions": (0.0, 12.0),  # inclusions (larger dark specks) per image
    "mottle": (0.0, 0.05),  # slow brightness variation across the surface
    "gradient": (0.0, 0.2),  # illumination falling across the field
    "vignette": (0.0, 0.3),  # illumination falling towards the corners
    "blur": (0.3, 1.2),  # Gaussian blur sigma, pixels
    "noise": (0.004, 0.03),  # sensor noise sigma (0-1; 0.03 is about 8 grey levels)
    "jpeg_quality": (40.0, 90.0),  # when compressed
}
ETCHED_CHANCES = {"scratches": 0.35, "jpeg": 0.3}
TWIN_RANGES = {
    "twin_share": (0.3, 0.8),  # share of grains with twins (1-3 bands each)
    "twin_width": (0.12, 0.3),  # widest band, share of the grain's breadth across it
    "twin_tone": (0.04, 0.15),  # brightness change inside a band (lighter or darker)
    "twin_line": (0.2, 0.6),  # darkness of the straight twin boundaries
    "twin_line_px": (0.5, 1.0),  # their width, pixels
}


def _grain_colours(canvas: Canvas, params: Mapping[str, float]) -> np.ndarray:
    """(n + 1, 3) colour of each grain (the last row: the margin), float32."""
    rng = canvas.rng("tint")
    cast = rng.normal(0.0, 1.0, 3)
    cast = params["cast"] * (cast - cast.mean()) / max(float(np.abs(cast).max()), 1e-6)
    level = params["brightness"] * (1 + params["tint"] * rng.standard_normal(canvas.n_grains))
    chroma = 0.3 * params["tint"] * rng.standard_normal((canvas.n_grains, 3))
    colours = level[:, None] * (1 + cast[None, :] + chroma)
    return np.vstack([colours, np.ones((1, 3))]).astype(np.float32)


def _boundary_shade(canvas: Canvas, params: Mapping[str, float]) -> np.ndarray:
    """1 minus the boundary lines' darkness, float32 (height, width)."""
    rng = canvas.rng("lines")
    pair_seed = int(rng.integers(2**32))
    spread, missing, faint = params["width_spread"], params["missing"], params["faint"]

    def weight(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        factor = np.exp(spread * 2 * (2 * pair_uniform(a, b, pair_seed) - 1))
        kind = pair_uniform(a, b, pair_seed, salt=1)
        factor = np.where(kind < missing, 0.0, np.where(kind < missing + faint, 0.3, factor))
        # The specimen's own edge is always drawn: it is the outline of the reference looks.
        return np.where((a < 0) | (b < 0), 1.0, factor)

    weights = line_weights(canvas.labels, weight)
    weights *= np.exp(params["along_spread"] * optics.smooth_field(canvas.shape, 12.0, rng))
    weights += np.float32(params["junction"]) * junctions(canvas.labels)
    return 1 - np.float32(params["line_depth"]) * line_darkness(
        weights, canvas.line_width(params["line_width"])
    )


def _surface(canvas: Canvas, params: Mapping[str, float]) -> np.ndarray:
    """Pits, inclusions, scratches and mottling, as a brightness factor."""
    shape = canvas.shape
    rng = canvas.rng("marks")
    area = float(canvas.inside.sum())
    pits = specks(shape, rng, int(params["pits"] * area / 1e4), (0.5, 1.3))
    inclusions = specks(
        shape, rng, int(params["inclusions"] * area / shape[0] / shape[1]), (1.2, 3.0)
    )
    factor = (1 - 0.7 * pits) * (1 - 0.85 * inclusions)
    if params["mottle"] > 0:
        factor *= 1 + np.float32(params["mottle"]) * optics.smooth_field(shape, 30.0, rng)
    if params["scratches"]:
        factor += scratches(shape, rng, int(rng.integers(1, 4)), (0.4, 1.2), (0.05, 0.2))
    return factor


def _twins(canvas: Canvas, params: Mapping[str, float]) -> np.ndarray:
    """The twin bands and their boundaries, as a brightness factor."""
    twins = twin_bands(
        canvas.labels,
        canvas.vertices_px,
        canvas.owner,
        canvas.n_grains,
        canvas.rng("twins"),
        params["twin_share"],
        (params["twin_width"] * 0.4, params["twin_width"]),
        params["twin_line_px"],
        (params["twin_tone"] * 0.5, params["twin_tone"]),
    )
    band = 1 + twins.band * twins.tone[canvas.labels]
    return band * (1 - np.float32(params["twin_line"]) * twins.edge)


def paint_etched(
    canvas: Canvas, params: Mapping[str, float], twins: bool = False
) -> tuple[np.ndarray, int]:
    """The etched look (with annealing twins if `twins`)."""
    shade = _boundary_shade(canvas, params) * _surface(canvas, params)
    if twins:
        shade *= _twins(canvas, params)
    light = canvas.rng("light")
    shade *= optics.illumination(canvas.shape, light, params["gradient"], params["vignette"])
    shade = optics.blur(shade, params["blur"])
    image = _grain_colours(canvas, params)[canvas.labels] * shade[:, :, None]
    image = optics.sensor_noise(image, canvas.rng("noise"), params["noise"])
    return image, int(params["jpeg_quality"]) if params["jpeg"] else 0


ETCHED = Family(
    "etched",
    "bright-field optical, etched: light tinted grains, dark curved boundaries of varying "
    "width (some faint or missing), pits, inclusions, scratches, uneven light, blur, noise",
    ETCHED_RANGES,
    paint_etched,
    ETCHED_CHANCES,
)
TWINNED = Family(
    "twinned",
    "etched plus annealing twins: straight, parallel-sided bands across some grains, "
    "ending at the grain boundary",
    {**ETCHED_RANGES, **TWIN_RANGES},
    lambda canvas, params: paint_etched(canvas, params, twins=True),
    ETCHED_CHANCES,
    base=ETCHED,
)
