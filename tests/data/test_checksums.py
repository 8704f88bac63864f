"""Image checksums: recorded at render time; every changed image named, with the command that
renders its batch again."""

import hashlib

import pytest

from microcnn.data.checksums import (
    ImagesChangedError,
    file_digest,
    record_checksums,
    verify_images,
)

from ..helpers import read_csv


@pytest.fixture
def batches(tmp_path, monkeypatch):
    """Two rendered batches with their checksum files, paths relative as in the workflow."""
    monkeypatch.chdir(tmp_path)
    files = []
    for batch in ("batch-0000", "batch-0001"):
        folder = tmp_path / "images" / batch
        folder.mkdir(parents=True)
        written = []
        for i in range(2):
            path = folder / f"fine-{i:05d}.png"
            path.write_bytes(f"{batch} {i}".encode() * 100)
            written.append(path.relative_to(tmp_path))
        record_checksums(written, f"checksums/{batch}.csv")
        files.append(f"checksums/{batch}.csv")
    return files, ["images/batch-0000", "images/batch-0001"]


def test_record_checksums(batches, tmp_path):
    rows = read_csv(tmp_path / batches[0][0])
    assert [r["path"] for r in rows] == [f"images/batch-0000/fine-0000{i}.png" for i in (0, 1)]
    data = (tmp_path / rows[0]["path"]).read_bytes()
    assert rows[0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert int(rows[0]["bytes"]) == len(data) == file_digest(tmp_path / rows[0]["path"])[0]


def test_unchanged_images_pass(batches):
    assert verify_images(*batches) == 4


def test_every_changed_image_is_named_with_the_command_to_render_it_again(batches, tmp_path):
    first = tmp_path / "images/batch-0000/fine-00000.png"
    first.write_bytes(first.read_bytes()[:10])  # truncated
    second = tmp_path / "images/batch-0000/fine-00001.png"
    data = bytearray(second.read_bytes())
    data[5] ^= 1  # same size, one bit flipped
    second.write_bytes(bytes(data))
    (tmp_path / "images/batch-0001/fine-00001.png").unlink()
    with pytest.raises(ImagesChangedError) as info:
        verify_images(*batches)
    assert str(info.value).splitlines() == [
        "3 image(s) changed since they were rendered:",
        "  images/batch-0000/fine-00000.png: 10 bytes, 1200 when rendered",
        "  images/batch-0000/fine-00001.png: same size, different content (SHA-256) than "
        "when rendered",
        "  images/batch-0001/fine-00001.png: missing",
        "render them again (byte-identical) with: snakemake --cores N --forcerun "
        "images/batch-0000 images/batch-0001",
    ]
