"""Curved grain boundaries: the straight edges of a tessellation bent into smooth S-shapes and
waves, the same curve for the two cells that share an edge, each cell's area kept.

An edge from A to B (length L) becomes the points A + t (B - A) + d(t) n for t in (0, 1), n its
unit normal, with d(t) = L (a2 sin 2 pi t + a4 sin 4 pi t). Both sines vanish at the ends, so
the cells still meet at their corners, and both average zero over the edge, so the area one cell
gains on one side of the chord it loses on the other: every cell keeps its area (exactly for
the sampled polyline, since the samples of each sine sum to zero). The outline of the unit
square stays straight.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Largest |a2| and |a4| as a share of the edge length: with both at their largest the curve
# leaves a corner at most 36 degrees off the chord, so neighbouring edges of a cell (which
# meet at 60 degrees or more in these tessellations, nearly always) do not cross.
MAX_A2 = 0.06
MAX_A4 = 0.02


def wavy_polygons(
    polygons: Sequence[np.ndarray],
    rng: np.random.Generator,
    amplitude: float,
    segment: float,
) -> list[np.ndarray]:
    """The cells with every inner edge curved; `amplitude` in [0, 1] scales the curves (0 keeps
    the edges straight), `segment` is the longest piece of a curved edge, in domain units.

    The curve of an edge is drawn once, in the order of the edges sorted by their end points,
    so that it does not depend on which cell it is read from.
    """
    counts = np.fromiter((len(p) for p in polygons), dtype=np.int64, count=len(polygons))
    points = np.concatenate(polygons)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    following = starts + (np.arange(len(points)) - starts + 1) % np.repeat(counts, counts)
    a, b = points, points[following]
    # An edge's key: its end points in (x, y) order; `flipped` when the cell runs it backwards.
    flipped = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    first = np.where(flipped[:, None], b, a)
    second = np.where(flipped[:, None], a, b)
    keys, edge = np.unique(np.hstack([first, second]), axis=0, return_inverse=True)
    edge = edge.ravel()
    p, q = keys[:, :2], keys[:, 2:]
    chord = q - p
    length = np.hypot(chord[:, 0], chord[:, 1])
    normal = np.column_stack([-chord[:, 1], chord[:, 0]]) / np.maximum(length, 1e-300)[:, None]
    a2 = np.clip(rng.normal(0.0, MAX_A2 / 2, len(keys)), -MAX_A2, MAX_A2) * amplitude
    a4 = np.clip(rng.normal(0.0, MAX_A4 / 2, len(keys)), -MAX_A4, MAX_A4) * amplitude
    on_outline = np.zeros(len(keys), dtype=bool)
    for axis in (0, 1):
        for side in (0.0, 1.0):
            on_outline |= np.isclose(p[:, axis], side) & np.isclose(q[:, axis], side)
    pieces = np.where(
        on_outline | (amplitude == 0), 1, np.clip(np.ceil(length / segment), 4, 64)
    ).astype(np.int64)
    # The inner points of every edge, edge after edge.
    inner = pieces - 1
    owner = np.repeat(np.arange(len(keys)), inner)
    offset = np.cumsum(inner) - inner
    t = (np.arange(len(owner)) - offset[owner] + 1) / pieces[owner]
    bend = length[owner] * (a2[owner] * np.sin(2 * np.pi * t) + a4[owner] * np.sin(4 * np.pi * t))
    curve = p[owner] + t[:, None] * chord[owner] + bend[:, None] * normal[owner]
    # Each cell: its corner, then the inner points of the edge leaving it (reversed when the
    # cell runs the edge backwards), as indices into [corners; inner points].
    m = inner[edge]
    sizes = 1 + m
    slot_start = np.cumsum(sizes) - sizes
    slot_owner = np.repeat(np.arange(len(points)), sizes)
    j = np.arange(int(sizes.sum())) - slot_start[slot_owner]  # 0: the corner
    k = j - 1
    k = np.where(flipped[slot_owner], m[slot_owner] - 1 - k, k)
    index = np.where(j == 0, slot_owner, len(points) + offset[edge][slot_owner] + k)
    table = np.vstack([points, curve])[index]
    cell_sizes = np.add.reduceat(sizes, np.cumsum(counts) - counts)
    return np.split(table, np.cumsum(cell_sizes)[:-1])
