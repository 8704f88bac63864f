"""Curved boundaries: the same curve for both cells of an edge, every cell's area kept."""

import numpy as np
import pytest

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.render import cell_polygons
from microcnn.imaging.view import View, label_map
from microcnn.imaging.wavy import wavy_polygons

COARSE = ClassSpec("coarse", 1, (0.2, 0.34), 0.25)
FINE = ClassSpec("fine", 1, (0.05, 0.11), 0.25)


def _area(polygon: np.ndarray) -> float:
    x, y = polygon.T
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


@pytest.fixture(scope="module")
def polygons():
    return cell_polygons(generate_one(FINE, 1, 0, GenerationSettings())[0])


def test_cells_keep_their_corners_and_areas(polygons):
    curved = wavy_polygons(polygons, np.random.default_rng(0), 1.0, 0.005)
    assert len(curved) == len(polygons)
    for straight, bent in zip(polygons, curved, strict=True):
        assert len(bent) > len(straight)
        # Every corner is still there, in order.
        corners = [int(np.flatnonzero((bent == c).all(axis=1))[0]) for c in straight]
        assert corners == sorted(corners)
        assert _area(bent) == pytest.approx(_area(straight), rel=1e-9)


def test_the_curves_tile_the_square(polygons):
    """Neighbours share each curve: the curved cells cover the specimen without gaps or
    overlaps, and the square's outline stays straight."""
    view = View.centred(432, 288, 400.0)
    straight = label_map(polygons, view)
    curved = label_map(wavy_polygons(polygons, np.random.default_rng(1), 1.0, 0.005), view)
    assert np.array_equal(curved >= 0, straight >= 0)
    assert (curved != straight).mean() > 0.01  # the boundaries did move
    total = sum(_area(p) for p in wavy_polygons(polygons, np.random.default_rng(1), 1.0, 0.005))
    assert total == pytest.approx(1.0, rel=1e-9)


def test_reproducible_and_zero_amplitude_is_straight(polygons):
    a = wavy_polygons(polygons, np.random.default_rng(2), 0.7, 0.01)
    b = wavy_polygons(polygons, np.random.default_rng(2), 0.7, 0.01)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    flat = wavy_polygons(polygons, np.random.default_rng(2), 0.0, 0.01)
    assert all(np.array_equal(p, q) for p, q in zip(flat, polygons, strict=True))


@pytest.mark.parametrize("spec, magnification", [(COARSE, 1.0), (FINE, 2.5)])
def test_pixel_area_per_grain_within_3_percent(spec, magnification):
    """The label map of the curved cells against the straight cells' areas, per grain wholly
    in the image."""
    polygons = cell_polygons(generate_one(spec, 1, 1, GenerationSettings())[0])
    view = View.centred(432, 288, 221.76 * magnification)
    curved = wavy_polygons(polygons, np.random.default_rng(4), 1.0, 4 / view.pixels_per_unit)
    labels = label_map(curved, view)
    counts = np.bincount(labels[labels >= 0], minlength=len(polygons))
    for index, polygon in enumerate(polygons):
        px = view.to_pixels(polygon)
        if px.min() < 0 or px[:, 0].max() > 432 or px[:, 1].max() > 288:
            continue
        area_px = _area(polygon) * view.pixels_per_unit**2
        assert counts[index] == pytest.approx(area_px, rel=0.03), index
