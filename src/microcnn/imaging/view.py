"""Where the specimen sits in an image, and the true grain size in that image's pixels.

The generator's specimen is the unit square. An image shows it at some magnification: its side
is `pixels_per_unit` pixels. When the square fits in the frame it is centred in a white margin
and its drawn outline is the specimen's edge; when it does not, the frame crops it (at a random
offset that fills the frame along that axis or, with a margin, shows the square's edge too). In
an image, grain size exists in pixels: the truth of every image is its mean grain area in its
own pixels, by ASTM E112's planimetric rule over the microstructure shown (grains wholly in the
image count 1, grains cut by the image edge 1/2; the drawn outline is the specimen's edge, so
its grains count whole; a white margin is not microstructure).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class View:
    """The unit square in an image of width x height pixels: its side and its top-left corner,
    in pixels from the image's top-left corner (y down)."""

    width: int
    height: int
    pixels_per_unit: float
    left: float
    top: float

    @classmethod
    def centred(cls, width: int, height: int, pixels_per_unit: float) -> View:
        return cls(
            width,
            height,
            pixels_per_unit,
            (width - pixels_per_unit) / 2,
            (height - pixels_per_unit) / 2,
        )

    def to_pixels(self, xy: np.ndarray) -> np.ndarray:
        """Domain coordinates (x right, y up, unit square) to pixel coordinates (x right, y
        down, the image's top-left corner at 0, 0)."""
        xy = np.asarray(xy, dtype=float)
        return np.column_stack(
            [
                self.left + xy[:, 0] * self.pixels_per_unit,
                self.top + (1 - xy[:, 1]) * self.pixels_per_unit,
            ]
        )

    @property
    def shown(self) -> tuple[float, float, float, float]:
        """The part of the square inside the image, in pixels: (left, top, right, bottom)."""
        s = self.pixels_per_unit
        return (
            max(0.0, self.left),
            max(0.0, self.top),
            min(float(self.width), self.left + s),
            min(float(self.height), self.top + s),
        )

    @property
    def shown_area_px(self) -> float:
        left, top, right, bottom = self.shown
        return max(0.0, right - left) * max(0.0, bottom - top)

    @property
    def box(self) -> tuple[int, int, int, int]:
        """The shown part of the square as (row0, row1, col0, col1), ends exclusive, the box
        the classical measurement works in."""
        left, top, right, bottom = self.shown
        return (round(top), round(bottom), round(left), round(right))

    @property
    def framed(self) -> bool:
        """Whether the whole square, outline and all, is in the image."""
        left, top, right, bottom = self.shown
        s = self.pixels_per_unit
        return math.isclose(right - left, s) and math.isclose(bottom - top, s)


def draw_view(
    width: int,
    height: int,
    reference_pixels_per_unit: float,
    magnification: tuple[float, float],
    rng: np.random.Generator,
    margin: float = 0.0,
) -> tuple[View, float]:
    """A view at a magnification drawn log-uniformly from the range (relative to the reference
    scale); along each axis the square is centred if it fits, otherwise placed at a random
    offset. With `margin` 0 that offset fills the frame; above 0 it may also show the square's
    edge with up to `margin` of the frame's side white beyond it. Returns the view and its
    magnification.

    Why a margin where the square overflows: otherwise a white margin comes only with the
    lower magnifications, and a network learns it as a sign of small grains (squares centred
    in white at 1024x768, magnified beyond the frames trained on, were measured up to 0.47 G
    numbers small, their crops to the square within 0.2; benchmarks/downscale.py)."""
    low, high = magnification
    m = float(math.exp(rng.uniform(math.log(low), math.log(high)))) if high > low else low
    s = m * reference_pixels_per_unit
    corner = []
    for extent in (width, height):
        if s <= extent:
            corner.append((extent - s) / 2)
        else:
            white = margin * extent
            corner.append(-float(rng.uniform(-white, s - extent + white)))
    return View(width, height, s, corner[0], corner[1]), m


@dataclass(frozen=True)
class Truth:
    """The true grain size of one image, in its own pixels (ASTM E112 planimetric)."""

    grains_whole: int  # grains wholly in the image (those along the drawn outline included)
    grains_cut: int  # grains cut by the image edge, counted 1/2
    shown_area_px: float  # the specimen's area in the image
    mean_grain_area_px: float

    @property
    def grains_equivalent(self) -> float:
        return self.grains_whole + 0.5 * self.grains_cut


def _clip(points: list[tuple[float, float]], axis: int, bound: float, keep_below: bool):
    """One Sutherland-Hodgman step: the polygon's part on one side of a line x or y = bound."""

    def inside(p: tuple[float, float]) -> bool:
        return p[axis] <= bound if keep_below else p[axis] >= bound

    clipped = []
    for i, current in enumerate(points):
        previous = points[i - 1]
        if inside(current) != inside(previous):
            t = (bound - previous[axis]) / (current[axis] - previous[axis])
            clipped.append(
                (
                    previous[0] + t * (current[0] - previous[0]),
                    previous[1] + t * (current[1] - previous[1]),
                )
            )
        if inside(current):
            clipped.append(current)
    return clipped


def _clipped_area(polygon: np.ndarray, rect: tuple[float, float, float, float]) -> float:
    """Area of a convex polygon clipped to an axis-aligned rectangle (left, top, right,
    bottom)."""
    points = [(float(x), float(y)) for x, y in polygon]
    left, top, right, bottom = rect
    sides = ((0, left, False), (0, right, True), (1, top, False), (1, bottom, True))
    for axis, bound, keep_below in sides:
        if not points:
            return 0.0
        points = _clip(points, axis, bound, keep_below)
    if len(points) < 3:
        return 0.0
    x, y = np.array(points).T
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def truth(polygons: Sequence[np.ndarray], view: View) -> Truth:
    """E112 planimetric mean grain area in the view's pixels, from the cell polygons (domain
    units). A cell is whole if it lies inside the image, cut if the image edge crosses it."""
    rect = (0.0, 0.0, float(view.width), float(view.height))
    whole = cut = 0
    for polygon in polygons:
        px = view.to_pixels(polygon)
        (x0, y0), (x1, y1) = px.min(axis=0), px.max(axis=0)
        if x0 >= rect[0] and y0 >= rect[1] and x1 <= rect[2] and y1 <= rect[3]:
            whole += 1
        elif x1 <= rect[0] or y1 <= rect[1] or x0 >= rect[2] or y0 >= rect[3]:
            continue
        elif _clipped_area(px, rect) > 0:
            cut += 1
    equivalent = whole + 0.5 * cut
    area = view.shown_area_px
    return Truth(whole, cut, area, area / equivalent if equivalent else math.nan)


def label_map(polygons: Sequence[np.ndarray], view: View) -> np.ndarray:
    """Which grain each pixel shows: an int32 array (height, width) of polygon indices, -1
    outside the specimen. A pixel belongs to the cell that holds its centre, so the pixel count
    of a cell is its area to within its perimeter's rounding. Cells may be non-convex (the
    curved boundaries of `microcnn.imaging.wavy`): each row's crossings are paired even-odd.

    Written here rather than with Pillow's polygon fill, which also paints each outline and
    made every cell about one pixel wider (+2 % area at 5-pixel grains). All cells at once: the
    spans of a tessellation tile each row, so painting a span means marking where it starts
    (and where the specimen stops) and carrying the mark along the row.
    """
    height, width = view.height, view.width
    out = np.full((height, width), -1, dtype=np.int32)
    if not len(polygons):
        return out
    counts = np.fromiter((len(p) for p in polygons), dtype=np.int64, count=len(polygons))
    px = view.to_pixels(np.concatenate(polygons))
    owner = np.repeat(np.arange(len(polygons)), counts)
    # Each vertex's successor in its own polygon.
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    following = starts + (np.arange(len(px)) - starts + 1) % np.repeat(counts, counts)
    x, y = px[:, 0], px[:, 1]
    x_next, y_next = x[following], y[following]
    # Rows whose centre line each edge crosses, half-open in y so a vertex counts once.
    low, high = np.minimum(y, y_next), np.maximum(y, y_next)
    r0 = np.clip(np.ceil(low - 0.5), 0, height).astype(np.int64)
    r1 = np.clip(np.ceil(high - 0.5), 0, height).astype(np.int64)
    n_rows = np.maximum(r1 - r0, 0)
    edge = np.repeat(np.arange(len(px)), n_rows)
    row = r0[edge] + np.arange(len(edge)) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    yc = row + 0.5
    t = (yc - y[edge]) / (y_next - y)[edge]
    xs = x[edge] + t * (x_next - x)[edge]
    # Crossings of one polygon in one row, left to right, paired: (1st, 2nd), (3rd, 4th), ...
    order = np.lexsort((xs, row, owner[edge]))
    xs, row, cell = xs[order], row[order], owner[edge][order]
    c0 = np.clip(np.ceil(xs[0::2] - 0.5), 0, width).astype(np.int64)
    c1 = np.clip(np.ceil(xs[1::2] - 0.5), 0, width).astype(np.int64)
    row, cell = row[0::2], cell[0::2]
    keep = c1 > c0
    row, cell, c0, c1 = row[keep], cell[keep], c0[keep], c1[keep]
    # Marks: -2 none, -1 the specimen stops, else a cell starts (a start wins over a stop).
    marks = np.full((height, width + 1), -2, dtype=np.int32)
    marks[row, c1] = -1
    marks[row, c0] = cell
    first = marks[:, 0]
    first[first == -2] = -1
    column = np.where(marks[:, :width] != -2, np.arange(width), 0)
    np.maximum.accumulate(column, axis=1, out=column)
    out[:] = np.take_along_axis(marks[:, :width], column, axis=1)
    return out
