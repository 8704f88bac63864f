"""The classical measurement of whole images: ASTM E112 planimetric and intercept grain size,
one CSV row per image, for the workflow's measure stage and for `microcnn measure` alike."""

from __future__ import annotations

import csv
import math
from collections.abc import Collection, Sequence
from pathlib import Path

from microcnn.atomic import write_csv
from microcnn.measurement.grainsize import GrainSize, measure_image

# Areas in pixels of the image as given; micrometres and G only with a known pixel size.
MEASUREMENT_FIELDS = [
    "path",
    "mean_grain_area_px",
    "mean_intercept_px",
    "grains_equivalent",
    "pixel_size_um",
    "mean_grain_area_um2",
    "astm_g",
    "astm_g_intercept",
]


def measurement_row(path: str, m: GrainSize, pixel_size_um: float | None) -> dict[str, str | float]:
    """One image's row: pixel values always, micrometres and G numbers when the pixel size is
    known (empty otherwise)."""
    known = pixel_size_um is not None and math.isfinite(pixel_size_um)
    # measure_image was given mm per pixel = pixel_size_um / 1000 (or 1 when unknown).
    return {
        "path": path,
        "mean_grain_area_px": f"{m.mean_area_px:.4f}",
        "mean_intercept_px": f"{m.mean_intercept_px:.4f}",
        "grains_equivalent": f"{m.grains_equivalent:.1f}",
        "pixel_size_um": f"{pixel_size_um:.6g}" if known else "",
        "mean_grain_area_um2": f"{m.mean_area_px * pixel_size_um**2:.6g}" if known else "",
        "astm_g": f"{m.g_planimetric:.3f}" if known else "",
        "astm_g_intercept": f"{m.g_intercept:.3f}" if known else "",
    }


def measure_file(
    path: str | Path, pixel_size_um: float | None, box: tuple[int, int, int, int] | None = None
) -> GrainSize:
    """E112 measurement of one image file; `box` (row0, row1, col0, col1) is the specimen's part
    of the image, by default its non-white bounding box."""
    mm_per_pixel = pixel_size_um / 1000 if pixel_size_um else 1.0
    return measure_image(path, mm_per_pixel, box)


def measure_records(
    record_files: Sequence[str | Path], out_path: str | Path, only: Collection[str] | None = None
) -> None:
    """The measure stage: each image of the render records (`IMAGE_RECORD_FIELDS`), or each of
    those whose path is in `only`, measured in the box its view shows the specimen in, at its
    pixel size."""
    rows = []
    for file in record_files:
        with open(file, newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                if only is not None and record["path"] not in only:
                    continue
                pixel_size = float(record["pixel_size_um"])
                box = tuple(int(v) for v in record["box"].split())
                m = measure_file(record["path"], pixel_size, box)
                rows.append(measurement_row(record["path"], m, pixel_size))
    write_csv(out_path, MEASUREMENT_FIELDS, rows)


def read_measurements(files: Sequence[str | Path]) -> dict[str, float]:
    """Measured mean grain area in pixels, by image path."""
    areas = {}
    for file in files:
        with open(file, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                areas[row["path"]] = float(row["mean_grain_area_px"])
    return areas
