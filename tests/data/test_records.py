"""The dataset table: batch records merged in order, with diameters in pixels added."""

import pytest

from microcnn.data.records import merge_records
from microcnn.geometry.generate import GenerationSettings, generate_batch

from ..helpers import read_csv


def test_merge_keeps_order_and_adds_pixels(fine_spec, coarse_spec, tmp_path):
    files = []
    for spec, indices in ((coarse_spec, [0, 1]), (fine_spec, [2])):
        csv_path = tmp_path / f"{spec.name}.csv"
        generate_batch(spec, indices, 7, GenerationSettings(), tmp_path / "m.npz", csv_path)
        files.append(csv_path)
    out = tmp_path / "dataset" / "records.csv"
    assert merge_records(files, out, pixels_per_unit=200.0) == 3
    rows = read_csv(out)
    assert [(r["class"], r["index"]) for r in rows] == [
        ("coarse", "0"),
        ("coarse", "1"),
        ("fine", "2"),
    ]
    for row in rows:
        assert float(row["mean_equivalent_diameter_px"]) == pytest.approx(
            200.0 * float(row["mean_equivalent_diameter"]), abs=1e-3
        )
