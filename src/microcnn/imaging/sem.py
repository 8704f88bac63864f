"""Secondary-electron (SEM) micrographs: the `sem` family. Dark grains with a little
channelling contrast, bright boundary edges (the edge effect at etched grooves), a charging
gradient, scan-line jitter, bright particles and strong shot noise, in grey.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from microcnn.imaging import optics
from microcnn.imaging.boundaries import junctions, line_darkness, line_weights, pair_uniform
from microcnn.imaging.canvas import Canvas, Family
from microcnn.imaging.marks import specks

SEM_RANGES = {
    "wave": (0.3, 1.0),  # boundary curvature (as in etched)
    "grain_tone": (0.08, 0.3),  # grain brightness (0-1)
    "channelling": (0.0, 0.1),  # spread of brightness between grains
    "edge": (0.35, 0.75),  # brightness a full boundary adds
    "line_width": (1.0, 3.0),  # bright edge core width, pixels
    "width_spread": (0.0, 0.4),  # between boundaries (log scale)
    "along_spread": (0.0, 0.4),  # along a boundary (log scale)
    "junction": (0.0, 1.5),  # extra weight at triple junctions
    "missing": (0.0, 0.1),  # share of boundaries without an edge
    "charging": (0.0, 0.3),  # brightness added across the field (charging)
    "scanlines": (0.0, 0.03),  # brightness jitter from scan line to scan line
    "particles": (0.0, 10.0),  # bright particles per image
    "blur": (0.3, 1.0),
    "noise": (0.02, 0.07),  # shot noise sigma (0-1)
    "jpeg_quality": (40.0, 90.0),
}
SEM_CHANCES = {"jpeg": 0.2}


def paint_sem(canvas: Canvas, params: Mapping[str, float]) -> tuple[np.ndarray, int]:
    shape, labels = canvas.shape, canvas.labels
    rng = canvas.rng("tint")
    tone = params["grain_tone"] * (
        1 + params["channelling"] / 0.1 * rng.uniform(-0.5, 1.0, canvas.n_grains)
    )
    tone = np.append(tone, 0.0).astype(np.float32)

    lines = canvas.rng("lines")
    pair_seed = int(lines.integers(2**32))
    spread, missing = params["width_spread"], params["missing"]

    def weight(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        factor = np.exp(spread * 2 * (2 * pair_uniform(a, b, pair_seed) - 1))
        factor = np.where(pair_uniform(a, b, pair_seed, salt=1) < missing, 0.0, factor)
        return np.where((a < 0) | (b < 0), 1.0, factor)

    weights = line_weights(labels, weight)
    weights *= np.exp(params["along_spread"] * optics.smooth_field(shape, 12.0, lines))
    weights += np.float32(params["junction"]) * junctions(labels)
    image = tone[labels] + np.float32(params["edge"]) * line_darkness(
        weights, canvas.line_width(params["line_width"])
    )

    marks = canvas.rng("marks")
    area_share = float(canvas.inside.mean())
    image += 0.6 * specks(shape, marks, int(params["particles"] * area_share), (0.8, 2.5))
    charge = canvas.rng("light")
    ramp = 1 - optics.illumination(shape, charge, 1.0, 0.0)  # 0 to 1 across the field
    image += np.float32(params["charging"]) * ramp
    jitter = charge.standard_normal(shape[0]).astype(np.float32) * np.float32(params["scanlines"])
    image += jitter[:, None]
    image = optics.blur(image, params["blur"])
    image = optics.sensor_noise(image, canvas.rng("noise"), params["noise"])
    return image, int(params["jpeg_quality"]) if params["jpeg"] else 0


SEM = Family(
    "sem",
    "secondary-electron: dark grains, bright boundary edges, charging gradient, scan-line "
    "jitter, bright particles, strong noise",
    SEM_RANGES,
    paint_sem,
    SEM_CHANCES,
)
