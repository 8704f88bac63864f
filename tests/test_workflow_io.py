"""Helpers of the workflow's script entry points: logs that catch C-level output, image groups."""

import os

import pytest

from microcnn.workflow_io import group_images, log_to


def test_log_to_captures_python_and_file_descriptor_output(tmp_path, capfd):
    log = tmp_path / "logs" / "job.log"
    with log_to(log):
        print("from python")
        os.write(2, b"from C\n")  # what a C++ library writes to stderr
    assert capfd.readouterr().err == ""
    text = log.read_text()
    assert "from python" in text and "from C" in text


def test_log_to_records_the_traceback_and_reraises(tmp_path):
    log = tmp_path / "job.log"
    with pytest.raises(ValueError), log_to(log):
        raise ValueError("bad value")
    assert "Traceback" in log.read_text() and "bad value" in log.read_text()


def test_group_images_by_style_and_class(tmp_path):
    folders = []
    for style, cls, batch in [("grey", "fine", 0), ("grey", "fine", 1), ("reference", "coarse", 0)]:
        folder = tmp_path / style / cls / f"batch-{batch:04d}"
        folder.mkdir(parents=True)
        (folder / f"{cls}-{batch:05d}.png").write_bytes(b"")
        (folder / "notes.txt").write_text("not an image")
        folders.append(str(folder))
    groups = group_images(folders)
    assert sorted(groups) == [("grey", "fine"), ("reference", "coarse")]
    assert [p.rsplit("/", 1)[1] for p in groups["grey", "fine"]] == [
        "fine-00000.png",
        "fine-00001.png",
    ]
