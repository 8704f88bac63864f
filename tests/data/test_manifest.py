"""Manifests: written and read back; the microstructure an image shows."""

from microcnn.data.manifest import ManifestRow, microstructure_id, read_manifest, write_manifest


def test_round_trip(tmp_path):
    rows = [ManifestRow("a/fine-00001.png", "fine", "grey"), ManifestRow("b.png", "coarse", "")]
    write_manifest(tmp_path / "m.csv", rows)
    assert (tmp_path / "m.csv").read_text().splitlines()[0] == "path,label,style"
    assert read_manifest(tmp_path / "m.csv") == rows


def test_a_manifest_without_styles_reads_as_empty_style(tmp_path):
    (tmp_path / "m.csv").write_text("path,label\nx.png,fine\n")
    assert read_manifest(tmp_path / "m.csv") == [ManifestRow("x.png", "fine", "")]


def test_microstructure_id_is_the_same_in_every_style():
    assert microstructure_id("images/grey/fine/batch-0000/fine-00012.png") == "fine-00012"
    assert microstructure_id("images/reference/fine/batch-0000/fine-00012.png") == "fine-00012"
