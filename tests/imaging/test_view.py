"""Views and truth: the true grain size in an image's own pixels, checked against a label map."""

import math

import numpy as np
import pytest

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.render import cell_polygons
from microcnn.imaging.view import View, draw_view, label_map, truth

FINE = ClassSpec("fine", 1, (0.05, 0.11), 0.25)
COARSE = ClassSpec("coarse", 1, (0.2, 0.34), 0.25)


def _from_labels(labels: np.ndarray) -> tuple[int, int, int]:
    """Grains wholly in the image, grains the image edge cuts, and the specimen's pixels."""
    present = set(np.unique(labels[labels >= 0]).tolist())
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    cut = set(np.unique(edge[edge >= 0]).tolist())
    return len(present - cut), len(cut), int((labels >= 0).sum())


@pytest.mark.parametrize("spec", [FINE, COARSE], ids=["fine", "coarse"])
@pytest.mark.parametrize("seed", range(4))
def test_truth_equals_the_label_map_count(spec, seed):
    mesh, _ = generate_one(spec, 1, seed, GenerationSettings())
    polygons = cell_polygons(mesh)
    view, _ = draw_view(432, 288, 221.76, (0.5, 2.5), np.random.default_rng(seed))
    true = truth(polygons, view)
    whole, cut, area = _from_labels(label_map(polygons, view))
    assert abs(whole - true.grains_whole) <= 1 and abs(cut - true.grains_cut) <= 1
    left, top, right, bottom = view.shown
    # Pixels are whole: the count may differ by a row and a column of the shown rectangle.
    assert abs(area - true.shown_area_px) <= (right - left) + (bottom - top)
    assert area / (whole + 0.5 * cut) == pytest.approx(true.mean_grain_area_px, rel=0.015)


def test_label_map_cell_areas_match_the_geometry():
    mesh, _ = generate_one(COARSE, 1, 0, GenerationSettings())
    polygons = cell_polygons(mesh)
    view = View.centred(432, 288, 221.76)
    labels = label_map(polygons, view)
    counts = np.bincount(labels[labels >= 0], minlength=len(polygons))
    areas = np.asarray(mesh.volumes) * 221.76**2
    np.testing.assert_allclose(counts, areas, rtol=0.03)


def test_a_framed_specimen_counts_every_grain_whole():
    mesh, _ = generate_one(FINE, 1, 0, GenerationSettings())
    polygons = cell_polygons(mesh)
    true = truth(polygons, View.centred(432, 288, 221.76))
    assert (true.grains_whole, true.grains_cut) == (len(polygons), 0)
    # The whole square shown: the mean cell area, in pixels.
    assert true.mean_grain_area_px == pytest.approx(221.76**2 / len(polygons))


@pytest.mark.parametrize("magnification", [0.5, 1.0, 2.0])
def test_magnification_scales_the_truth_by_its_square(magnification):
    mesh, _ = generate_one(FINE, 1, 0, GenerationSettings())
    polygons = cell_polygons(mesh)
    base = truth(polygons, View.centred(432, 288, 100.0)).mean_grain_area_px
    # Still framed (at most 200 of 288 pixels): the same grains, m^2 times the pixels.
    scaled = truth(polygons, View.centred(432, 288, 100.0 * magnification))
    assert scaled.mean_grain_area_px == pytest.approx(base * magnification**2)


def test_a_cropped_view_counts_cut_grains_half():
    mesh, _ = generate_one(COARSE, 1, 0, GenerationSettings())
    polygons = cell_polygons(mesh)
    view = View.centred(432, 288, 600.0)  # the frame shows the middle of the square
    assert not view.framed and view.box == (0, 288, 0, 432)
    true = truth(polygons, view)
    assert true.grains_cut > 0
    assert true.shown_area_px == 432 * 288
    assert true.mean_grain_area_px == pytest.approx(
        432 * 288 / (true.grains_whole + 0.5 * true.grains_cut)
    )


def test_draw_view_range_and_framing():
    rng = np.random.default_rng(1)
    drawn = [draw_view(432, 288, 221.76, (0.5, 2.5), rng) for _ in range(400)]
    ms = np.array([m for _, m in drawn])
    assert ms.min() >= 0.5 and ms.max() <= 2.5
    # Log-uniform: as many below 1.118 (the geometric middle) as above it.
    assert abs((ms < math.sqrt(1.25)).mean() - 0.5) < 0.08
    for view, _ in drawn:
        left, top, right, bottom = view.shown
        if view.pixels_per_unit >= 432:
            assert (left, top, right, bottom) == (0, 0, 432, 288)  # the frame is filled
        assert view.framed == (view.pixels_per_unit <= 288)


def _white_beyond_edges(view: View) -> tuple[float, float]:
    """Pixels of the frame outside the square, across and down."""
    left, top, right, bottom = view.shown
    return view.width - (right - left), view.height - (bottom - top)


def test_a_margin_shows_the_square_s_edge_at_magnifications_it_overflows():
    rng = np.random.default_rng(2)
    drawn = [draw_view(432, 288, 221.76, (1.5, 2.5), rng, margin=0.3)[0] for _ in range(400)]
    across, down = np.array([_white_beyond_edges(v) for v in drawn]).T
    # Every square here overflows the frame's height: its top or bottom edge shows at times,
    # with at most 0.3 of the height white, and the frame is still filled down at others.
    assert down.max() <= 0.3 * 288 + 1e-9 and (down > 20).mean() > 0.2 and (down == 0).any()
    overflowing = np.array([v.pixels_per_unit > 432 for v in drawn])
    assert across[overflowing].max() <= 0.3 * 432 + 1e-9 and (across[overflowing] > 20).any()
    # Where it fits across, it stays centred.
    for view in (v for v, o in zip(drawn, overflowing, strict=True) if not o):
        assert view.left == pytest.approx((432 - view.pixels_per_unit) / 2)


def test_without_a_margin_the_frame_is_filled_and_the_draws_are_as_before():
    with_zero = [
        draw_view(432, 288, 221.76, (0.5, 2.5), np.random.default_rng(k), 0.0) for k in range(60)
    ]
    unset = [draw_view(432, 288, 221.76, (0.5, 2.5), np.random.default_rng(k)) for k in range(60)]
    assert with_zero == unset
    for view, _ in unset:
        if view.pixels_per_unit > 288:
            assert _white_beyond_edges(view)[1] == 0


def test_a_view_with_a_margin_counts_the_grains_on_its_drawn_edge_whole():
    mesh, _ = generate_one(FINE, 1, 0, GenerationSettings())
    polygons = cell_polygons(mesh)
    # The square at 2x, its left and top edges in the frame: only the right and bottom image
    # edges cut grains.
    view = View(432, 288, 443.52, 40.0, 30.0)
    true = truth(polygons, view)
    whole, cut, area = _from_labels(label_map(polygons, view))
    assert abs(whole - true.grains_whole) <= 1 and abs(cut - true.grains_cut) <= 1
    assert true.shown_area_px == pytest.approx((432 - 40) * (288 - 30))
    assert area / (whole + 0.5 * cut) == pytest.approx(true.mean_grain_area_px, rel=0.015)


def test_label_map_fills_non_convex_cells_by_their_pixel_centres():
    from matplotlib.path import Path

    rng = np.random.default_rng(3)
    angles = np.sort(rng.uniform(0, 2 * np.pi, 40))
    radii = rng.uniform(0.15, 0.45, 40)  # a ragged star: far from convex
    star = np.column_stack([0.5 + radii * np.cos(angles), 0.5 + radii * np.sin(angles)])
    view = View.centred(120, 100, 90.0)
    labels = label_map([star], view)
    y, x = np.mgrid[0:100, 0:120] + 0.5
    inside = Path(view.to_pixels(star)).contains_points(np.column_stack([x.ravel(), y.ravel()]))
    assert np.array_equal(labels.ravel() == 0, inside)
    assert set(np.unique(labels).tolist()) == {-1, 0}
