"""Manifests: written and read back with their truth; the microstructure an image shows."""

import math

from microcnn.data.manifest import (
    ManifestRow,
    microstructure_id,
    read_image_records,
    read_manifest,
    write_manifest,
)


def test_round_trip(tmp_path):
    rows = [
        ManifestRow("a/fine-00001.png", "fine", "grey", 123.4567, 4.50937, 1.25),
        ManifestRow("b.png", "coarse", "", 9000.0, 2.0, 2.0),
    ]
    write_manifest(tmp_path / "m.csv", rows)
    header = (tmp_path / "m.csv").read_text().splitlines()[0]
    assert header == "path,label,style,mean_grain_area_px,pixel_size_um,magnification"
    assert read_manifest(tmp_path / "m.csv") == rows


def test_a_hand_made_manifest_without_truth_reads_as_nan(tmp_path):
    (tmp_path / "m.csv").write_text("path,label\nx.png,fine\n")
    (row,) = read_manifest(tmp_path / "m.csv")
    assert row[:3] == ("x.png", "fine", "")
    assert math.isnan(row.mean_grain_area_px) and math.isnan(row.pixel_size_um)


def test_image_records_become_rows(tmp_path):
    (tmp_path / "r.csv").write_text(
        "path,class,index,style,magnification,pixels_per_unit,pixel_size_um,framed,"
        "grains_whole,grains_cut,shown_area_px,mean_grain_area_px,box\n"
        "p/fine-00003.png,fine,3,grey,0.8,177.4,5.637,1,200,0,31470.8,157.35,55 232 127 304\n"
    )
    assert read_image_records([tmp_path / "r.csv"]) == [
        ManifestRow("p/fine-00003.png", "fine", "grey", 157.35, 5.637, 0.8)
    ]


def test_microstructure_id_is_the_same_in_every_style():
    assert microstructure_id("images/grey/fine/batch-0000/fine-00012.png") == "fine-00012"
    assert microstructure_id("images/reference/fine/batch-0000/fine-00012.png") == "fine-00012"
