"""The contrast family's grain colours: neighbours always a visible step apart."""

import numpy as np
import pytest

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.boundaries import neighbour_pairs
from microcnn.imaging.canvas import Canvas
from microcnn.imaging.contrast import (
    CONTRAST,
    _adjacency,
    _grain_colours,
    distinct_values,
    smallest_last,
)
from microcnn.imaging.render import cell_polygons
from microcnn.imaging.view import View, label_map


@pytest.fixture(scope="module")
def fine_canvas() -> Canvas:
    """About 500 grains (the finest class) at the reference scale."""
    polygons = cell_polygons(
        generate_one(ClassSpec("fine", 1, (0.04, 0.05), 0.25), 1, 0, GenerationSettings())[0]
    )
    view = View.centred(432, 288, 221.76)
    counts = [len(p) for p in polygons]
    return Canvas(
        view,
        label_map(polygons, view),
        view.to_pixels(np.concatenate(polygons)),
        np.repeat(np.arange(len(polygons)), counts),
        len(polygons),
        3,
    )


def test_smallest_last_leaves_at_most_five_earlier_neighbours(fine_canvas):
    pairs = neighbour_pairs(fine_canvas.labels)
    n = fine_canvas.n_grains
    position = np.empty(n, dtype=int)
    position[smallest_last(_adjacency(n, pairs))] = np.arange(n)
    earlier = np.bincount(
        np.where(position[pairs[:, 0]] > position[pairs[:, 1]], *pairs.T), minlength=n
    )
    assert sorted(position) == list(range(n))
    assert earlier.max() <= 5
    assert np.bincount(pairs.ravel()).max() > 5  # the order matters: some grains have more


@pytest.mark.parametrize("low, high, step", [(0.12, 0.9, 0.12), (0.4, 0.6, 0.04), (0.3, 0.8, 0.05)])
def test_neighbours_differ_by_the_step_within_the_range(fine_canvas, low, high, step):
    pairs = neighbour_pairs(fine_canvas.labels)
    rng = np.random.default_rng(0)
    values = distinct_values(fine_canvas.n_grains, pairs, low, high, step, rng)
    assert values.min() >= low and values.max() <= high
    assert np.abs(values[pairs[:, 0]] - values[pairs[:, 1]]).min() >= step - 1e-12
    # Not a handful of fixed levels: the values spread over the range.
    assert len(np.unique(values)) == fine_canvas.n_grains
    assert values.max() - values.min() > 0.8 * (high - low)


@pytest.mark.parametrize("palette", [0.5, 1.5, 2.5])
def test_contrast_colours_keep_neighbours_apart_in_every_palette(fine_canvas, palette):
    """Even a narrow value range (0.2: a fifth of it, 0.04, is the step) leaves no two
    neighbours closer than the step in their largest channel."""
    params = CONTRAST.parameters(5, {"palette": palette, "low": 0.4, "high": 0.6, "step": 0.1})
    colours = _grain_colours(fine_canvas, params)
    pairs = neighbour_pairs(fine_canvas.labels)
    gap = np.abs(colours[pairs[:, 0]] - colours[pairs[:, 1]]).max(axis=1)
    assert gap.min() >= 0.04 - 1e-6
    assert np.allclose(colours[-1], 1.0)  # the margin stays white
    if palette < 1:
        assert np.array_equal(colours[:, 0], colours[:, 1])
    else:
        assert not np.array_equal(colours[:, 0], colours[:, 1])
