"""Manifests: the CSV lists of images that the split writes and training, prediction and the
baseline read. Each row carries the image's truth: its class and its mean grain area in its own
pixels, with the pixel size that converts it to micrometres."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from microcnn.atomic import write_csv

MANIFEST_FIELDS = ["path", "label", "style", "mean_grain_area_px", "pixel_size_um", "magnification"]


class ManifestRow(NamedTuple):
    path: str
    label: str
    style: str
    mean_grain_area_px: float = math.nan  # the truth, in the image's own pixels
    pixel_size_um: float = math.nan
    magnification: float = math.nan  # relative to the reference scale


def microstructure_id(path: str) -> str:
    """The microstructure an image shows (its file stem, e.g. fine-00012), whatever its style."""
    return Path(path).stem


def write_manifest(path: str | Path, rows: Iterable[ManifestRow]) -> None:
    write_csv(
        path,
        MANIFEST_FIELDS,
        ([r.path, r.label, r.style, f"{r[3]:.4f}", f"{r[4]:.6g}", f"{r[5]:.6f}"] for r in rows),
    )


def _number(row: dict[str, str], key: str) -> float:
    value = row.get(key) or ""
    return float(value) if value else math.nan


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """A manifest's rows; columns a hand-made manifest leaves out read as empty or NaN."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            ManifestRow(
                row["path"],
                row["label"],
                row.get("style") or "",
                _number(row, "mean_grain_area_px"),
                _number(row, "pixel_size_um"),
                _number(row, "magnification"),
            )
            for row in csv.DictReader(handle)
        ]


def read_image_records(files: Sequence[str | Path]) -> list[ManifestRow]:
    """The render stage's per-image records (`microcnn.imaging.render.IMAGE_RECORD_FIELDS`) as
    manifest rows, in file order."""
    rows = []
    for file in files:
        with open(file, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append(
                    ManifestRow(
                        row["path"],
                        row["class"],
                        row["style"],
                        float(row["mean_grain_area_px"]),
                        float(row["pixel_size_um"]),
                        float(row["magnification"]),
                    )
                )
    return rows
