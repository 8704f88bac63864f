"""Reading users' images: every common format converted to RGB; bad files named, not raised."""

import numpy as np
import pytest
from PIL import Image

from microcnn.imaging.images import ImageError, find_images, load_image


def test_load_image_conversions(images):
    assert load_image(images / "good.png", 288, 432).note is None
    rgba = load_image(images / "rgba.png", 288, 432)
    assert rgba.pixels.shape == (288, 432, 3)
    grey = load_image(images / "grey16.png", 288, 432)
    assert grey.pixels.shape == (288, 432, 3)
    source = np.asarray(Image.open(images / "grey16.png"), dtype=np.float64)
    # 16-bit greyscale is scaled to 8 bits, not clipped at 255.
    np.testing.assert_allclose(grey.pixels[:, :, 0], np.rint(source * 255 / 65535), atol=1)
    assert grey.pixels.max() > 200 and grey.pixels.min() < 50
    small = load_image(images / "small.png", 288, 432)
    assert small.pixels.shape == (288, 432, 3)
    assert "resized from 150x100 to 432x288" in small.note


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.png", "empty file"),
        ("text.png", "not an image"),
        ("truncated.png", "truncated"),
        ("missing.png", "no such file"),
    ],
)
def test_load_image_errors(images, name, reason):
    with pytest.raises(ImageError, match=reason):
        load_image(images / name, 288, 432)


def test_find_images_searches_folders_and_names_missing_paths(images):
    files, missing = find_images([str(images), str(images / "absent.png")])
    names = sorted(p.name for p in files)
    assert "notes.txt" not in names and "deep.jpg" in names
    assert missing == [(str(images / "absent.png"), "no such file or folder")]
