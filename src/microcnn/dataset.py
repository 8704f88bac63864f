"""The dataset table: every image's generation record in one CSV."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path


def merge_records(batch_files: Sequence[str | Path], out_path: str | Path) -> int:
    """Concatenate the batch CSVs (same header) in the given order; return the row count."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for path in batch_files:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = header or list(reader.fieldnames or [])
            rows.extend(reader)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or [], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, out_path)
    return len(rows)
