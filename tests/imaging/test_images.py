"""Reading users' images: every common format converted to RGB; bad files named, not raised."""

import numpy as np
import pytest
from PIL import Image

from microcnn.imaging.images import ImageError, find_images, load_image, read_images


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


def test_read_images_in_order_with_the_errors_in_place(images):
    names = ["good.png", "empty.png", "small.png", "text.png", "rgba.png", "truncated.png"]
    got = list(read_images([images / n for n in names], threads=3))
    assert [path for path, _ in got] == [str(images / n) for n in names]
    for (path, result), name in zip(got, names, strict=True):
        if name in ("empty.png", "text.png", "truncated.png"):
            assert isinstance(result, ImageError)
            with pytest.raises(ImageError) as expected:
                load_image(path)
            assert str(result) == str(expected.value)
        else:
            np.testing.assert_array_equal(result, load_image(path))


def test_read_images_reads_a_bounded_number_ahead(images):
    """However many paths there are, only `ahead` images are read before they are taken."""
    taken = 0

    def paths():
        nonlocal taken
        for _ in range(1000):
            taken += 1
            yield images / "good.png"

    reader = read_images(paths(), threads=2, ahead=5)
    for k in range(10):
        next(reader)
        assert taken <= k + 1 + 5
    reader.close()
