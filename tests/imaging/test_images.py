"""Reading users' images: every common format converted to RGB; bad files named, not raised."""

import numpy as np
import pytest
from PIL import Image

from microcnn.imaging.images import (
    ImageError,
    find_images,
    load_image,
    narrow_levels,
    read_images,
    stretch_levels,
)


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


def _grey8() -> np.ndarray:
    """An 8-bit greyscale picture whose darkest and lightest levels (0 and 255) each cover
    more than 0.1 % of it, as a micrograph's boundaries and a margin do."""
    grey = np.random.default_rng(3).integers(0, 256, (120, 200)).astype(np.uint8)
    grey[:10, :40], grey[-10:, -40:] = 0, 255
    return grey


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("12-bit data in a 16-bit PNG", lambda g: g.astype(np.uint16) * 16),
        ("10-bit data in a 16-bit TIFF", lambda g: g.astype(np.uint16) * 4 + 3),
        ("16-bit levels 1000-4060", lambda g: 1000 + g.astype(np.uint16) * 12),
        ("full 16-bit range", lambda g: g.astype(np.uint16) * 257),
        ("32-bit float 0-1", lambda g: (g / 255).astype(np.float32)),
        ("32-bit float in other units", lambda g: (g * 3.7 - 50).astype(np.float32)),
    ],
)
def test_greyscale_of_more_than_8_bits_is_read_by_its_own_levels(tmp_path, kind, raw):
    """Whatever the bit depth or offset the camera wrote, the same picture reads as the same 8-bit
    pixels (a 12-bit micrograph scaled by 65535 would read as levels 0-16)."""
    grey = _grey8()
    path = tmp_path / ("image.tif" if "TIFF" in kind or "float" in kind else "image.png")
    Image.fromarray(raw(grey)).save(path)
    got = load_image(path)
    assert got.shape == (120, 200, 3) and got.dtype == np.uint8
    np.testing.assert_array_equal(got[:, :, 0], grey, err_msg=kind)
    np.testing.assert_array_equal(got[:, :, 1], got[:, :, 2])


def test_a_few_hot_pixels_do_not_squeeze_the_levels(tmp_path):
    grey = _grey8()
    raw = grey.astype(np.uint16) * 16  # 12-bit data
    hot = (np.arange(20) * 5, np.arange(20) * 9)
    raw[hot] = 65535
    Image.fromarray(raw).save(tmp_path / "hot.png")
    got = load_image(tmp_path / "hot.png")[:, :, 0]
    assert (got[hot] == 255).all()
    keep = np.ones(grey.shape, bool)
    keep[hot] = False
    np.testing.assert_array_equal(got[keep], grey[keep])


def test_uniform_and_undefined_levels_read_as_black(tmp_path):
    Image.fromarray(np.full((30, 40), 1234, np.uint16)).save(tmp_path / "flat.png")
    assert not load_image(tmp_path / "flat.png").any()
    values = (_grey8() / 255).astype(np.float32)
    values[5, 7] = np.nan
    Image.fromarray(values).save(tmp_path / "nan.tif")
    got = load_image(tmp_path / "nan.tif")[:, :, 0]
    assert got[5, 7] == 0
    expected = _grey8()
    expected[5, 7] = 0
    np.testing.assert_array_equal(got, expected)


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


def test_stretched_levels_undo_a_dim_or_flat_exposure(tmp_path):
    """A picture at half its levels, or at a quarter lifted to mid-grey, reads stretched as the
    picture itself does: levels only, every pixel in its place."""
    rgb = np.repeat(_grey8()[:, :, None] // 2 * 2, 3, axis=2)  # even levels: halving is exact
    rgb[:, :, 1] = rgb[:, :, 0] // 3 * 2  # the channels differ
    dim, flat = rgb // 2, (rgb // 4 + 100).astype(np.uint8)
    assert narrow_levels(dim) and narrow_levels(flat) and not narrow_levels(rgb)
    target = stretch_levels(rgb)
    assert target.min() == 0 and target.max() == 255
    np.testing.assert_array_equal(stretch_levels(dim), target)
    # A quarter keeps 64 levels of 128: the same picture within a level and a half.
    assert np.abs(stretch_levels(flat).astype(int) - target).max() <= 2
    Image.fromarray(dim).save(tmp_path / "dim.png")
    np.testing.assert_array_equal(load_image(tmp_path / "dim.png", stretched=True), target)
    np.testing.assert_array_equal(load_image(tmp_path / "dim.png"), dim)  # as given by default
    (_, read), *_ = read_images([tmp_path / "dim.png"], threads=1, stretched=True)
    np.testing.assert_array_equal(read, target)


def test_stretching_maps_every_pixel_linearly_from_the_images_percentiles():
    """Each pixel goes to round((level - p0.1) * 255 / (p99.9 - p0.1)), clipped to 0-255: the
    bytes of the map computed pixel by pixel in float32 (the arithmetic models were trained
    with), here checked against a float64 computation away from rounding ties."""
    rng = np.random.default_rng(4)
    for low, high in ((0, 255), (30, 90), (100, 230)):
        rgb = rng.integers(low, high + 1, (37, 53, 3)).astype(np.uint8)
        p_low, p_high = map(float, np.percentile(rgb, (0.1, 99.9)))
        exact = (rgb.astype(np.float64) - p_low) * 255 / (p_high - p_low)
        expected = np.clip(np.rint(exact), 0, 255)
        away_from_ties = np.abs(exact - np.floor(exact) - 0.5) > 1e-3
        out = stretch_levels(rgb)
        np.testing.assert_array_equal(out[away_from_ties], expected[away_from_ties])
        scaled = (rgb.astype(np.float32) - p_low) * np.float32(255 / (p_high - p_low))
        np.testing.assert_array_equal(out, np.clip(np.rint(scaled), 0, 255).astype(np.uint8))


def test_stretching_leaves_an_image_of_one_level_as_it_is():
    flat = np.full((20, 30, 3), 77, np.uint8)
    np.testing.assert_array_equal(stretch_levels(flat), flat)
    assert narrow_levels(flat)
