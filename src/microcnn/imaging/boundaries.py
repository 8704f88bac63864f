"""Grain boundaries found in a label map and drawn as lines whose width and strength vary.

A boundary runs between two neighbouring pixels of different labels. Each such pair puts a
weight on its two pixels; the weights, blurred and passed through a saturating curve, give a
line whose core widens with its weight. So a weight per boundary (from the pair of grains it
separates) makes boundaries differ from one another, a smooth random factor makes each vary
along its length, a weight at triple junctions thickens them there, and a weight of 0 leaves a
boundary out (incomplete etching).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from microcnn.imaging.optics import blur

# PairWeight(a, b) -> weight of the boundary between grains a and b (-1: outside the specimen).
PairWeight = Callable[[np.ndarray, np.ndarray], np.ndarray]


def pair_uniform(a: np.ndarray, b: np.ndarray, seed: int, salt: int = 0) -> np.ndarray:
    """A uniform number in [0, 1) per unordered pair of labels, the same wherever the pair
    meets in the image: a hash of (seed, salt, smaller, larger), no table needed."""
    low = np.minimum(a, b).astype(np.uint64) + np.uint64(1)
    high = np.maximum(a, b).astype(np.uint64) + np.uint64(1)
    mix = np.uint64((seed * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFFFFFFFFFF)
    h = low * np.uint64(0xBF58476D1CE4E5B9) ^ high * np.uint64(0x94D049BB133111EB) ^ mix
    h ^= h >> np.uint64(31)
    h *= np.uint64(0xD6E8FEB86659FD93)
    h ^= h >> np.uint64(32)
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def boundary_pixels(
    labels: np.ndarray,
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per direction (axis 0: down, 1: right), the pixels whose next pixel that way has another
    label: (axis, rows, cols, their labels, the next pixels' labels)."""
    for axis in (0, 1):
        first = labels[:-1, :] if axis == 0 else labels[:, :-1]
        second = labels[1:, :] if axis == 0 else labels[:, 1:]
        rows, cols = np.nonzero(first != second)
        yield axis, rows, cols, first[rows, cols], second[rows, cols]


def neighbour_pairs(labels: np.ndarray) -> np.ndarray:
    """(m, 2) the grains that touch in the label map (4-neighbours), lower label first; the
    outside of the specimen (-1) is no grain."""
    keys = []
    for _, _, _, a, b in boundary_pixels(labels):
        grains = (a >= 0) & (b >= 0)
        a, b = a[grains].astype(np.int64), b[grains].astype(np.int64)
        keys.append(np.minimum(a, b) << 32 | np.maximum(a, b))
    # One integer per pair: a 1-D unique is several times faster than a row-wise one.
    unique = np.unique(np.concatenate(keys))
    return np.column_stack([unique >> 32, unique & 0xFFFFFFFF])


def line_weights(labels: np.ndarray, pair_weight: PairWeight) -> np.ndarray:
    """Per-pixel boundary weight (float32, labels' shape): half of each differing neighbour
    pair's weight on each of its two pixels, so a line sits centred on the true boundary."""
    weights = np.zeros(labels.shape, dtype=np.float32)
    for axis, rows, cols, a, b in boundary_pixels(labels):
        half = (0.5 * pair_weight(a, b)).astype(np.float32)
        # Within one direction every pixel is the first (or second) of at most one pair, so
        # plain fancy-index addition adds every weight (no np.add.at needed).
        weights[rows, cols] += half
        weights[rows + (axis == 0), cols + (axis == 1)] += half
    return weights


def junctions(labels: np.ndarray) -> np.ndarray:
    """Pixels at triple (or higher) junctions: the top-left pixel of every 2x2 block holding
    three or more labels, as a bool array of the labels' shape."""
    a, b = labels[:-1, :-1], labels[:-1, 1:]
    c, d = labels[1:, :-1], labels[1:, 1:]
    distinct = 1 + (b != a) + ((c != a) & (c != b)) + ((d != a) & (d != b) & (d != c))
    out = np.zeros(labels.shape, dtype=bool)
    out[:-1, :-1] = distinct >= 3
    return out


def line_darkness(weights: np.ndarray, width_px: float) -> np.ndarray:
    """How much of a line each pixel shows, in [0, 1): a boundary of weight 1 gets a core about
    `width_px` wide (darkness above 1/2); weight 2 widens it by about 40 %, weight 1/2 narrows
    it to a third, and below about 0.45 the line never reaches 1/2 (a faint boundary)."""
    sigma = max(width_px, 0.4) / 2.5
    # A line of unit weight blurred by sigma peaks at 1 / (sqrt(2 pi) sigma); this gain puts
    # the half-darkness point at 1.25 sigma = width / 2 from its centre.
    gain = np.sqrt(2 * np.pi) * sigma * np.log(2) * np.exp(1.25**2 / 2)
    return 1.0 - np.exp(-gain * blur(weights, sigma))
