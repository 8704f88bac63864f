"""Histograms of a dataset's records.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from microcnn.data.plots import plot_dataset, read_records
from microcnn.geometry.generate import RECORD_FIELDS


def _write_records(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=RECORD_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows(name: str, grains_range: tuple[int, int], count: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for index in range(count):
        placed = int(rng.integers(*grains_range))
        rows.append(
            {
                "class": name,
                "index": index,
                "seed": int(rng.integers(2**31)),
                "attempt": 0,
                "target_mean_diameter": 1 / np.sqrt(placed),
                "grains_requested": placed + 1,
                "grains_placed": placed,
                "grains_dropped": 1,
                "mean_grain_area": 1.0 / placed,
                "mean_equivalent_diameter": np.sqrt(4 / (np.pi * placed)),
            }
        )
    return rows


@pytest.fixture()
def records(tmp_path) -> Path:
    rows = _rows("coarse", (10, 31), 15, 1) + _rows("fine", (100, 501), 25, 2)
    return _write_records(tmp_path / "records.csv", rows)


def test_read_records(records):
    data = read_records(records)
    assert list(data) == ["coarse", "fine"]
    assert data["coarse"]["grains"].size == 15
    assert data["fine"]["area"].size == 25
    np.testing.assert_allclose(data["fine"]["area"], 1 / data["fine"]["grains"])


def _plot(records, folder: Path, pixels_per_unit: float) -> list[Path]:
    written = [folder / "areas.png", folder / "counts.png"]
    plot_dataset(records, *written, pixels_per_unit)
    return written


def test_writes_both_figures(records, tmp_path):
    out = tmp_path / "plots" / "dataset"
    written = _plot(records, out, pixels_per_unit=221.76)
    assert sorted(p.name for p in out.iterdir()) == ["areas.png", "counts.png"]
    for path in written:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (700, 450)
            assert "Software" not in image.info
            # Not blank: bars, text and lines in several colours.
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or []) > 20


def test_same_records_same_bytes(records, tmp_path):
    first = _plot(records, tmp_path / "a", 200.0)
    second = _plot(records, tmp_path / "b", 200.0)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_one_class_one_value(tmp_path):
    rows = _rows("only", (50, 51), 3, 0)
    areas, _ = _plot(_write_records(tmp_path / "records.csv", rows), tmp_path, 100.0)
    assert areas.stat().st_size > 0


def test_empty_records(tmp_path):
    with pytest.raises(ValueError, match="no records"):
        _plot(_write_records(tmp_path / "records.csv", []), tmp_path, 100.0)


def test_bad_scale(records, tmp_path):
    with pytest.raises(ValueError, match="pixels_per_unit"):
        _plot(records, tmp_path, 0.0)
