"""The dataset table: every image's generation record in one CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from microcnn.atomic import write_csv


def merge_records(
    batch_files: Sequence[str | Path], out_path: str | Path, pixels_per_unit: float
) -> int:
    """Concatenate the batch CSVs (same header) in the given order, adding the mean equivalent
    diameter in pixels of the reference rendering; return the row count."""
    rows: list[dict[str, str]] = []
    header: list[str] = []
    for path in batch_files:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = header or [*(reader.fieldnames or []), "mean_equivalent_diameter_px"]
            for row in reader:
                diameter = float(row["mean_equivalent_diameter"]) * pixels_per_unit
                rows.append({**row, "mean_equivalent_diameter_px": f"{diameter:.3f}"})
    write_csv(out_path, header, rows)
    return len(rows)
