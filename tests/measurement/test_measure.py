"""The measure stage: one row per image, on the scale of the style it was drawn in."""

import pytest

from microcnn.geometry.generate import GenerationSettings, generate_batch
from microcnn.geometry.mesh_io import load_meshes
from microcnn.imaging.render import STYLES, ImageSettings, Renderer, render_batch
from microcnn.measurement.measure import MEASUREMENT_FIELDS, measure_batch, read_measurements

from ..helpers import read_csv


@pytest.mark.parametrize("style", ["reference", "fullframe"])
def test_measure_batch_rows_and_scale(fine_spec, tmp_path, style):
    records = generate_batch(
        fine_spec, [0, 1], 5, GenerationSettings(), tmp_path / "m.npz", tmp_path / "r.csv"
    )
    paths = render_batch(
        load_meshes(tmp_path / "m.npz"), "fine", tmp_path / style, ImageSettings(), STYLES[style]
    )
    out = tmp_path / f"{style}.csv"
    measure_batch(paths, style, ImageSettings(), 1.0, out)
    rows = read_csv(out)
    assert list(rows[0]) == MEASUREMENT_FIELDS
    assert [r["path"] for r in rows] == sorted(map(str, paths))
    areas = read_measurements([out])
    ppu = Renderer(ImageSettings(), STYLES[style]).pixels_per_unit
    for record, row in zip(records, rows, strict=True):
        # Domain units whatever the style's pixel scale: within 15 % of the generator's truth.
        assert areas[row["path"]] == pytest.approx(record.mean_grain_area, rel=0.15)
        assert float(row["mean_area_px"]) == pytest.approx(
            float(row["mean_area_domain"]) * ppu**2, rel=1e-3
        )
