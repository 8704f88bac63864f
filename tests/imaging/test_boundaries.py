"""Grain boundaries found in a label map."""

import numpy as np

from microcnn.imaging.boundaries import line_weights, neighbour_pairs

LABELS = np.array([[-1, 0, 0, 1], [2, 2, 0, 1], [2, 2, 3, 3]])


def test_neighbour_pairs_of_a_label_map():
    assert neighbour_pairs(LABELS).tolist() == [[0, 1], [0, 2], [0, 3], [1, 3], [2, 3]]


def test_line_weights_put_half_of_each_pair_on_its_two_pixels():
    weights = line_weights(LABELS, lambda a, b: np.where((a < 0) | (b < 0), 0.0, 1.0))
    expected = np.array(
        [[0.0, 0.5, 0.5, 0.5], [0.0, 1.0, 1.5, 1.0], [0.0, 0.5, 1.0, 0.5]], dtype=np.float32
    )
    assert np.array_equal(weights, expected)
