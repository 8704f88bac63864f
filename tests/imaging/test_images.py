"""Reading users' images: every common format converted to RGB; bad files named, not raised."""

import numpy as np
import pytest
from PIL import Image

from microcnn.imaging.images import ImageError, find_images, load_image


def test_load_image_conversions(images):
    good = load_image(images / "good.png")
    assert good.shape == (288, 432, 3) and good.dtype == np.uint8
    assert load_image(images / "rgba.png").shape == (288, 432, 3)
    grey = load_image(images / "grey16.png")
    assert grey.shape == (288, 432, 3)
    source = np.asarray(Image.open(images / "grey16.png"), dtype=np.float64)
    # 16-bit greyscale is scaled to 8 bits, not clipped at 255.
    np.testing.assert_allclose(grey[:, :, 0], np.rint(source * 255 / 65535), atol=1)
    assert grey.max() > 200 and grey.min() < 50
    # Never resized: an image of another size keeps its pixels (and its grain size).
    small = load_image(images / "small.png")
    np.testing.assert_array_equal(small, np.asarray(Image.open(images / "small.png")))


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
        load_image(images / name)


def test_find_images_searches_folders_and_names_missing_paths(images):
    files, missing = find_images([str(images), str(images / "absent.png")])
    names = sorted(p.name for p in files)
    assert "notes.txt" not in names and "deep.jpg" in names
    assert missing == [(str(images / "absent.png"), "no such file or folder")]
