"""The measure stage: ASTM E112 grain size of every image of one style, one CSV row per image."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from microcnn.atomic import write_csv
from microcnn.imaging.render import STYLES, ImageSettings, Renderer
from microcnn.measurement.grainsize import measure_image

MEASUREMENT_FIELDS = [
    "path",
    "style",
    "grains_equivalent",
    "mean_area_px",
    "mean_area_domain",
    "mean_area_mm2",
    "mean_intercept_domain",
    "g_planimetric",
    "g_intercept",
]


def measure_batch(
    paths: Sequence[str | Path],
    style: str,
    settings: ImageSettings,
    domain_mm: float,
    out_path: str | Path,
) -> None:
    """Measure every image of one style; write a CSV row per image.

    The measured box and the scale come from the renderer of that style: the drawn square for
    the framed styles, the whole image for `fullframe` (whose pixels are about twice as fine).
    """
    renderer = Renderer(settings, STYLES[style])
    mm_per_pixel = domain_mm / renderer.pixels_per_unit
    rows = []
    for path in sorted(map(str, paths)):
        m = measure_image(path, mm_per_pixel, renderer.domain_box)
        rows.append(
            {
                "path": path,
                "style": style,
                "grains_equivalent": f"{m.grains_equivalent:.1f}",
                "mean_area_px": f"{m.mean_area_px:.3f}",
                "mean_area_domain": f"{m.mean_area_px / renderer.pixels_per_unit**2:.6g}",
                "mean_area_mm2": f"{m.mean_area_mm2:.6g}",
                "mean_intercept_domain": f"{m.mean_intercept_px / renderer.pixels_per_unit:.6g}",
                "g_planimetric": f"{m.g_planimetric:.3f}",
                "g_intercept": f"{m.g_intercept:.3f}",
            }
        )
    write_csv(out_path, MEASUREMENT_FIELDS, rows)


def read_measurements(files: Sequence[str | Path]) -> dict[str, float]:
    """Mean grain area (domain units) by image path."""
    areas = {}
    for file in files:
        with open(file, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                areas[row["path"]] = float(row["mean_area_domain"])
    return areas
