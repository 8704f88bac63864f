"""Pixel scales: the unit square's side in pixels, micrometres per pixel, and the reference
pixel size a config implies."""

import pytest

from microcnn.config import load_config, validate_config
from microcnn.scale import pixel_size_um, reference_pixel_size_um, reference_pixels_per_unit

from .helpers import REPO


def test_the_reference_square_is_a_share_of_the_shorter_side():
    assert reference_pixels_per_unit(432, 288, 0.77) == pytest.approx(221.76)
    assert reference_pixels_per_unit(288, 432, 0.77) == pytest.approx(221.76)


def test_pixel_size_scales_with_the_domain_and_inversely_with_the_pixels():
    assert pixel_size_um(1.0, 200.0) == pytest.approx(5.0)
    assert pixel_size_um(2.0, 200.0) == pytest.approx(10.0)
    assert pixel_size_um(1.0, 400.0) == pytest.approx(2.5)


def test_reference_pixel_size_of_the_default_config():
    # 1 mm drawn 0.77 x 288 px wide: 4.51 um per pixel.
    config = load_config(REPO / "config.yaml")
    assert reference_pixel_size_um(config) == pytest.approx(1000.0 / 221.76)
    wider = validate_config({**config, "image": {**config["image"], "height": 576, "width": 864}})
    assert reference_pixel_size_um(wider) == pytest.approx(1000.0 / 443.52)
    finer = validate_config({**config, "measurement": {"domain_mm": 0.5}})
    assert reference_pixel_size_um(finer) == pytest.approx(500.0 / 221.76)
