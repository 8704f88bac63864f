"""Atomic writes: the target appears whole or not at all, and no temporary file is left."""

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from microcnn.atomic import replacing, save_figure, write_bytes, write_csv, write_text


def test_write_creates_folders_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    write_text(target, "hello\n")
    assert target.read_text() == "hello\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_failed_block_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.bin"
    write_bytes(target, b"old")
    with pytest.raises(RuntimeError), replacing(target) as partial:
        partial.write_bytes(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_replacing_keeps_a_suffix_for_picky_writers(tmp_path):
    with replacing(tmp_path / "model.keras", suffix=".keras") as partial:
        assert partial.suffix == ".keras" and partial.parent == tmp_path
        partial.write_bytes(b"x")
    assert (tmp_path / "model.keras").read_bytes() == b"x"


def test_write_csv_takes_sequences_and_mappings(tmp_path):
    write_csv(tmp_path / "t.csv", ["a", "b"], [[1, 2], {"b": 4, "a": 3}])
    assert (tmp_path / "t.csv").read_text() == "a,b\n1,2\n3,4\n"


def test_save_figure_is_a_png_without_software_tag_and_repeats(tmp_path):
    def draw(path):
        figure = Figure(figsize=(2, 1))
        FigureCanvasAgg(figure)
        figure.subplots().plot([0, 1], [1, 0])
        save_figure(figure, path)

    draw(tmp_path / "a.png")
    draw(tmp_path / "b.png")
    data = (tmp_path / "a.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and b"Software" not in data
    assert data == (tmp_path / "b.png").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]
