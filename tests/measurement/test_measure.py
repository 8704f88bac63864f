"""The measure stage and `microcnn measure`'s rows: pixels always, micrometres and G with a pixel
size; measured in the box each image's view shows the specimen in."""

import pytest

from microcnn.geometry.generate import GenerationSettings, generate_batch
from microcnn.geometry.mesh_io import load_meshes
from microcnn.imaging.render import STYLES, ImageSettings, render_batch
from microcnn.measurement.grainsize import g_from_grains_per_mm2
from microcnn.measurement.measure import (
    MEASUREMENT_FIELDS,
    measure_file,
    measure_records,
    measurement_row,
    read_measurements,
)

from ..helpers import read_csv


@pytest.mark.parametrize("magnification", [(1.0, 1.0), (0.6, 2.4)])
def test_measure_records_against_the_truth(fine_spec, tmp_path, magnification):
    generate_batch(
        fine_spec, range(4), 5, GenerationSettings(), tmp_path / "m.npz", tmp_path / "r.csv"
    )
    settings = ImageSettings(magnification=magnification)
    records = tmp_path / "images.csv"
    render_batch(
        load_meshes(tmp_path / "m.npz"),
        "fine",
        tmp_path / "img",
        settings,
        STYLES["reference"],
        1,
        1.0,
        records,
    )
    out = tmp_path / "measured.csv"
    measure_records([records], out)
    rows = read_csv(out)
    assert list(rows[0]) == MEASUREMENT_FIELDS
    measured = read_measurements([out])
    for record in read_csv(records):
        true = float(record["mean_grain_area_px"])
        # E112 from the pixels within 10 % of the geometry's truth, in the image's own pixels.
        assert measured[record["path"]] == pytest.approx(true, rel=0.10)
    for row in rows:
        area_um2 = float(row["mean_grain_area_px"]) * float(row["pixel_size_um"]) ** 2
        assert float(row["mean_grain_area_um2"]) == pytest.approx(area_um2, rel=1e-4)
        assert float(row["astm_g"]) == pytest.approx(
            g_from_grains_per_mm2(1e6 / area_um2), abs=2e-3
        )


def test_measure_records_only_the_chosen_images(fine_spec, tmp_path):
    generate_batch(
        fine_spec, range(3), 5, GenerationSettings(), tmp_path / "m.npz", tmp_path / "r.csv"
    )
    records = tmp_path / "images.csv"
    paths = render_batch(
        load_meshes(tmp_path / "m.npz"),
        "fine",
        tmp_path / "img",
        ImageSettings(),
        STYLES["reference"],
        1,
        1.0,
        records,
    )
    out = tmp_path / "measured.csv"
    measure_records([records], out, only={str(paths[1])})
    assert list(read_measurements([out])) == [str(paths[1])]


def test_without_a_pixel_size_only_pixels(fine_spec, tmp_path):
    generate_batch(fine_spec, [0], 5, GenerationSettings(), tmp_path / "m.npz", tmp_path / "r.csv")
    (path,) = render_batch(load_meshes(tmp_path / "m.npz"), "fine", tmp_path / "img")
    row = measurement_row(str(path), measure_file(path, None), None)
    assert float(row["mean_grain_area_px"]) > 0
    assert row["mean_grain_area_um2"] == row["astm_g"] == row["pixel_size_um"] == ""
