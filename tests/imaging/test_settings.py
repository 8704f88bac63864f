"""Image settings: read from the config, the reference square and drawn views, without the
renderer."""

import subprocess
import sys

import numpy as np
import pytest

from microcnn.imaging.settings import ImageSettings


def test_settings_from_config_and_the_reference_square():
    settings = ImageSettings.from_config(
        {
            "width": 432,
            "height": 288,
            "domain_fraction": 0.77,
            "magnification": [0.5, 2.5],
            "margin": 0.3,
        }
    )
    assert settings == ImageSettings(432, 288, 0.77, (0.5, 2.5), 0.3)
    assert settings.domain_pixels == pytest.approx(0.77 * 288)
    top, bottom, left, right = settings.reference_view.box
    assert bottom - top == right - left == round(0.77 * 288)
    assert (top + bottom) / 2 == pytest.approx(144, abs=0.5)
    assert (left + right) / 2 == pytest.approx(216, abs=0.5)


def test_without_a_magnification_range_every_view_is_the_reference():
    settings = ImageSettings.from_config({"width": 200, "height": 100, "domain_fraction": 0.5})
    view, drawn = settings.draw_view(np.random.default_rng(3))
    assert drawn == 1.0 and view == settings.reference_view


def test_drawn_magnifications_stay_in_the_range_and_repeat_with_the_seed():
    settings = ImageSettings(magnification=(0.5, 2.5))
    drawn = [settings.draw_view(np.random.default_rng(k))[1] for k in range(50)]
    assert all(0.5 <= m <= 2.5 for m in drawn) and len(set(drawn)) > 40
    assert drawn == [settings.draw_view(np.random.default_rng(k))[1] for k in range(50)]


def test_settings_do_not_import_the_renderer():
    code = (
        "import sys, microcnn.imaging.settings; "
        "print(sorted(m for m in ('matplotlib', 'microstructpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
