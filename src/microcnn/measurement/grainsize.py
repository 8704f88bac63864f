"""Grain size measured from the pixels of a micrograph, as ASTM E112 / E1382 measure it.

Two classical measures on one segmentation of the image:

- planimetric (Jeffries): grains per unit area, N_A = (N_inside + w * N_intercepted) / area,
  G = 3.321928 log10(N_A per mm^2) - 2.954, w as below;
- lineal intercept (Heyn): horizontal and vertical test lines, mean intercept
  l = line length / intersections, G = -6.643856 log10(l in mm) - 3.288.

A synthetic image has no physical scale: every G here refers to the `mm_per_pixel` it is given.
Values are also reported in the generator's domain units (by default the measured box taken as
the unit square), so they compare with the records of `microcnn.geometry.generate`.

Which grains the box edge holds depends on what the box is. A test area laid over a larger
microstructure cuts the grains on its edge (ASTM's case: w = 1/2, and a test line's ends lie
inside grains). The generator's framed images are whole specimens: the unit square is the entire
microstructure, its outline is drawn, and the grains along it are whole grains clipped by the
specimen, so w = 1 and each line end touches a boundary (1/2 intersection, E112). ASTM's 1/2 on
such an image would overestimate the mean area by about 0.5 N_edge / N: +10 to +22 % on the
default fine class, +40 to +80 % on the coarse one. `measure_image` tells the two apart side by
side from the pixels (a boundary drawn along the whole side) unless told; the full-frame style
is both: cut at the top and bottom, the specimen's edge left and right.

The two G values differ even on a perfect segmentation. The formulas agree only when
A = 1.2594 l^2. For isotropic lines l = pi / (2 L_A), L_A the boundary length per unit area, so
the gap measures how much boundary a tessellation has per grain. A Poisson-Voronoi tessellation
has L_A = 2 sqrt(N_A): l = (pi / 4) sqrt(A), A = 1.621 l^2, and the intercept G comes out
3.3223 log10(1.621 / 1.2594) = 0.36 higher. Regular hexagons have the least boundary per grain
(l = 0.844 sqrt(A), +0.16, for equal cells in an unbounded plane). The generator's Laguerre
cells grow from seeds positioned as non-overlapping circles, far more regular than
Poisson-Voronoi cells: on the meshes of 20 default fine images (either generator)
l = 0.83 sqrt(A) and the exact offset is +0.19 to +0.20 +- 0.03 (0.13 to 0.23, specimen edges
scored as above; the outline and the size spread move single images to either side of the
hexagons' value). From the pixels it comes out about 0.035 lower, the intercept being 1-2 %
long (corners clipped by less than a pixel are not resolved). Coarse images, a dozen grains
mostly on the edge, scatter: +0.17 to +0.19 +- 0.07. The offset is geometry, not an error of
either method; for these images it is nearer 0.2 than the 0.3-0.36 of Poisson-Voronoi grains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image
from scipy import ndimage as ndi

Box = tuple[int, int, int, int]
"""(row0, row1, col0, col1) of the measured region; the ends are exclusive, as in slicing."""

# ITU-R BT.601 luma weights: the grey level the darkness test works on.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)

# Below this estimated noise level (grey, 0-1) an image is treated as clean: no smoothing, since
# smoothing weakens the antialiased 1-px boundaries of the clean renderings.
_CLEAN_NOISE = 0.004
# Gaussian sigma (px) applied to noisy images before thresholding.
_SMOOTH_SIGMA = 0.7


class _SizedImage(Protocol):
    width: int
    height: int

    @property
    def domain_pixels(self) -> float: ...


@dataclass(frozen=True)
class GrainSize:
    """One image's grain-size measurement. `_px` values are in pixels, `_domain` values in the
    generator's units (`pixels_per_unit`), `_mm` values at the given `mm_per_pixel`."""

    grains_inside: int
    grains_intercepted: int  # grains on the box edge, whole or cut
    grains_cut: int  # those of them cut by an unlined side (test-area edge), counted 1/2
    grains_equivalent: float
    mean_area_px: float
    mean_area_mm2: float
    mean_area_domain: float
    mean_intercept_px: float
    mean_intercept_mm: float
    mean_intercept_domain: float
    g_planimetric: float
    g_intercept: float
    intersections: float
    line_length_px: float
    lined_sides: tuple[bool, bool, bool, bool]  # top, bottom, left, right: specimen edges
    specimen_edge: bool  # all four sides are
    mm_per_pixel: float
    pixels_per_unit: float
    box: Box


def load_rgb(source: str | Path | np.ndarray) -> np.ndarray:
    """An image file or array as float32 RGB in [0, 1], shape (height, width, 3)."""
    if isinstance(source, str | Path):
        with Image.open(source) as image:
            array = np.asarray(image.convert("RGB"))
    else:
        array = np.asarray(source)
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    elif array.ndim == 3 and array.shape[2] == 4:
        array = array[:, :, :3]
    if array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"expected an RGB or grey image, got an array of shape {array.shape}")
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.float32) / 255.0
    return array.astype(np.float32)


def grey(rgb: np.ndarray) -> np.ndarray:
    """Luma of a float RGB array."""
    return rgb @ _LUMA


def _channel_max(rgb: np.ndarray) -> np.ndarray:
    """The largest of the three channels at each pixel: the same as rgb.max(axis=2), which
    NumPy reduces one pixel at a time along the short last axis, about 30 times slower
    (measured: 3.3 ms against 0.11 ms at 432x288); it was a quarter of the measure stage."""
    return np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])


def noise_sigma(g: np.ndarray) -> float:
    """Robust estimate of additive noise: the MAD of horizontal neighbour differences.

    Most neighbour pairs lie inside one grain, so boundaries barely move the median.
    """
    if g.shape[1] < 2:
        return 0.0
    return float(1.4826 * np.median(np.abs(np.diff(g, axis=1))) / math.sqrt(2))


def domain_box(pixels: np.ndarray | str | Path, white: float = 0.85) -> Box:
    """The non-white bounding box of an image: the drawn domain inside a white frame.

    A row or column belongs to the domain when a fair share of its pixels is clearly darker than
    white; the share is relative to the most covered row or column, so noise specks in the frame
    and sparse boundaries of light-grained styles do not decide the box, while the domain's own
    outline (or its filled interior) does. Images without a frame give the whole image.
    """
    g = grey(load_rgb(pixels))
    dark = g < white
    rows = dark.mean(axis=1)
    cols = dark.mean(axis=0)
    if rows.max() == 0:
        return (0, g.shape[0], 0, g.shape[1])
    r = np.flatnonzero(rows >= 0.2 * rows.max())
    c = np.flatnonzero(cols >= 0.2 * cols.max())
    return (int(r[0]), int(r[-1]) + 1, int(c[0]), int(c[-1]) + 1)


def box_from_settings(settings: _SizedImage) -> Box:
    """The pixels the renderer's centred unit square touches (e.g. `render.ImageSettings`)."""
    side = settings.domain_pixels
    r0 = (settings.height - side) / 2
    c0 = (settings.width - side) / 2
    return (
        math.floor(r0),
        math.ceil(r0 + side),
        math.floor(c0),
        math.ceil(c0 + side),
    )


def _shifted_pairs(a: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(centre, one neighbour, opposite neighbour) views for the 4 line directions."""
    p = np.pad(a, 1, mode="edge")
    h, w = a.shape
    centre = p[1 : h + 1, 1 : w + 1]
    pairs = [((0, 1), (2, 1)), ((1, 0), (1, 2)), ((0, 0), (2, 2)), ((0, 2), (2, 0))]
    return [
        (centre, p[r1 : r1 + h, c1 : c1 + w], p[r2 : r2 + h, c2 : c2 + w])
        for (r1, c1), (r2, c2) in pairs
    ]


def boundary_mask(rgb: np.ndarray, boundary_px: int = 2) -> np.ndarray:
    """Boundary pixels of a float RGB crop: pixels darker than the local grain level, plus the
    darker side of sharp colour/grey steps between grains.

    `boundary_px` is the widest boundary expected; the local grain level is a grey closing
    (max then min filter) over 2 * boundary_px + 3 px, which fills the dark lines with the level
    of the grains around them but keeps steps between grains of different grey levels. A grain
    darker than its neighbours and narrower than that window is taken for boundary, so the
    window is kept small; raise `boundary_px` for thick or strongly blurred boundaries.
    """
    g = grey(rgb)
    noise = noise_sigma(g)
    if noise >= _CLEAN_NOISE:
        rgb = ndi.gaussian_filter(rgb, (_SMOOTH_SIGMA, _SMOOTH_SIGMA, 0), mode="nearest")
        g = grey(rgb)
        # Gaussian smoothing divides white noise by 2 sqrt(pi) sigma.
        noise /= 2 * math.sqrt(math.pi) * _SMOOTH_SIGMA
    size = 2 * boundary_px + 3
    level = np.maximum(ndi.grey_closing(g, size=(size, size), mode="nearest"), 1e-3)
    darkness = 1 - g / level
    # Clearly dark pixels: a 0.5 pt antialiased line split evenly over two pixels still darkens
    # each by about a third, so 0.25 catches every clean boundary.
    strong = darkness > 0.25
    # Weakly dark pixels (blur spreads a thin line and lowers its contrast) count when they are
    # the darkest across the line in some direction: that keeps boundaries one or two pixels
    # thin, so small grains survive, while the noise floor keeps grain interiors out.
    low = np.maximum(0.06, 4 * noise / level)
    valley = np.zeros(g.shape, dtype=bool)
    for centre, a, b in _shifted_pairs(g):
        valley |= (centre <= a) & (centre <= b)
    mask = strong | (valley & (darkness > low))
    # Fallback for styles without dark lines (per-grain colours or grey levels): where two
    # neighbours differ sharply in colour, mark the darker one, so the step becomes a 1-px line.
    step = max(0.1, 8 * noise)
    for axis in (0, 1):
        # Views with `axis` first; writing to `marks` writes to `mask`.
        c, gg, marks = (np.moveaxis(a, axis, 0) for a in (rgb, g, mask))
        diff = _channel_max(np.abs(c[1:] - c[:-1]))
        sharp = diff > step
        darker_first = gg[1:] > gg[:-1]
        marks[:-1] |= sharp & darker_first
        marks[1:] |= sharp & ~darker_first
    return mask


Sides = tuple[bool, bool, bool, bool]
"""A flag per side of the box: top, bottom, left, right."""


def _side_profiles(boundary: np.ndarray, depth: int) -> list[np.ndarray]:
    """Boundary fraction of the first `depth` rows (columns) inward from each side of the box:
    top, bottom, left, right, outermost first."""
    e = max(1, min(depth, boundary.shape[0] // 2, boundary.shape[1] // 2))
    return [
        boundary[:e].mean(axis=1),
        boundary[::-1][:e].mean(axis=1),
        boundary[:, :e].mean(axis=0),
        boundary[:, ::-1][:, :e].mean(axis=0),
    ]


def outline_depths(boundary: np.ndarray, edge_band: int = 3) -> tuple[int, int, int, int]:
    """Per side: how many rows from the box edge a drawn outline reaches, i.e. 1 + the deepest
    of the first `edge_band` rows that is mostly boundary; 0 when no row is."""
    depths = []
    for profile in _side_profiles(boundary, edge_band):
        lined = np.flatnonzero(profile >= 0.5)
        depths.append(int(lined[-1]) + 1 if lined.size else 0)
    return depths[0], depths[1], depths[2], depths[3]


def lined_sides(boundary: np.ndarray, edge_band: int = 3) -> Sides:
    """Per side: whether a drawn boundary lines it, i.e. whether it is the specimen's own edge.

    A lined side holds a row (or column) within `edge_band` px of it that is nearly all
    boundary, as a drawn outline is; the edge of a test area laid over a larger microstructure
    only meets boundaries where they cross it.
    """
    top, bottom, left, right = (bool(p.max() >= 0.8) for p in _side_profiles(boundary, edge_band))
    return top, bottom, left, right


def _strips(shape: tuple[int, int], widths: tuple[int, ...]) -> list[np.ndarray]:
    """Masks of the strips of the given widths along the top, bottom, left and right sides."""
    h, w = shape
    strips = []
    for side, width in enumerate(widths):
        strip = np.zeros((h, w), dtype=bool)
        if width > 0:
            if side == 0:
                strip[:width] = True
            elif side == 1:
                strip[h - width :] = True
            elif side == 2:
                strip[:, :width] = True
            else:
                strip[:, w - width :] = True
        strips.append(strip)
    return strips


def _present(labels: np.ndarray, n: int) -> np.ndarray:
    """Which of the labels 0..n occur in `labels` (bincount: no sort, unlike np.unique)."""
    return np.bincount(labels.ravel(), minlength=n + 1) > 0


@dataclass
class Segmentation:
    """Grains of a box: `labels` 0 on boundaries and dropped specks; `on_edge` and `cut` are
    flags per label 0..max: grains on the box edge, and those of them on a side that is not
    lined (cut by the edge of a test area, counted 1/2)."""

    boundary: np.ndarray
    labels: np.ndarray
    on_edge: np.ndarray
    cut: np.ndarray
    lined: Sides


def label_grains(
    boundary: np.ndarray, lined: Sides, min_area: int = 4, edge_band: int = 3
) -> Segmentation:
    """Grains as 4-connected components of non-boundary pixels, and which lie on the box edge.

    The edge grains of a side are those reaching it or, where an outline is drawn along it
    (within `edge_band` px), the first row inside the outline. Dropped: components under
    `min_area` pixels (specks left inside boundaries and junctions), except pieces of grains
    cut by an unlined side, which count however small; and components lying entirely outside a
    drawn outline (slivers that antialiasing or blur leave between it and the box edge).
    """
    labels, n = ndi.label(~boundary)
    depths = outline_depths(boundary, edge_band)
    on_edge = np.zeros(n + 1, dtype=bool)
    cut = np.zeros(n + 1, dtype=bool)
    for strip, side_lined in zip(
        _strips(labels.shape, tuple(d + 1 for d in depths)), lined, strict=True
    ):
        here = _present(labels[strip], n)
        on_edge |= here
        if not side_lined:
            cut |= here
    keep = (np.bincount(labels.ravel(), minlength=n + 1) >= min_area) | cut
    outside = np.logical_or.reduce(_strips(labels.shape, tuple(d + 1 if d else 0 for d in depths)))
    if outside.any():
        keep &= _present(labels[~outside], n)
    keep[0] = False
    labels = np.where(keep[labels], labels, 0)
    return Segmentation(boundary, labels, on_edge & keep, cut & keep, lined)


def fill_boundaries(labels: np.ndarray) -> np.ndarray:
    """Labels with every unlabelled (boundary) pixel given the label of its nearest grain.

    This splits each boundary band along its middle, where the drawn line's true boundary runs,
    and shares a junction's blob among the grains meeting there.
    """
    if not labels.any():
        return labels
    _, (ii, jj) = ndi.distance_transform_edt(labels == 0, return_indices=True)
    return labels[ii, jj]


def _crossings(filled: np.ndarray, excursion: int = 3) -> int:
    """Changes of grain along the rows of a filled label array.

    A line meets a convex grain in one segment, so a short excursion into a grain and back
    (A, B, A with B at most `excursion` px) is not two crossings but a ragged boundary: the
    filled labels of a noisy boundary band have 1-2 px teeth, and a line riding along such a
    boundary would otherwise cross it at every tooth. Excursions are merged into the grain
    around them.
    """
    total = 0
    for row in filled:
        cuts = np.flatnonzero(row[1:] != row[:-1]) + 1
        if cuts.size == 0:
            continue
        labels = row[np.concatenate(([0], cuts))].tolist()
        lengths = np.diff(np.concatenate(([0], cuts, [row.size]))).tolist()
        kept: list[list[int]] = []
        for label, length in zip(labels, lengths, strict=True):
            if kept and kept[-1][0] == label:
                kept[-1][1] += length
            elif len(kept) >= 2 and kept[-1][1] <= excursion and kept[-2][0] == label:
                short = kept.pop()[1]
                kept[-1][1] += short + length
            else:
                kept.append([label, length])
        total += len(kept) - 1
    return total


def line_positions(length: int, count: int) -> np.ndarray:
    """`count` evenly spaced test-line positions across `length` pixels, clear of the ends."""
    count = max(1, min(count, length))
    return np.unique(((np.arange(count) + 0.5) * length / count).astype(int))


def g_from_grains_per_mm2(n_a: float) -> float:
    """ASTM E112 planimetric grain size number."""
    return 3.321928 * math.log10(n_a) - 2.954


def g_from_intercept_mm(intercept: float) -> float:
    """ASTM E112 intercept grain size number."""
    return -6.643856 * math.log10(intercept) - 3.288


def measure_labels(
    seg: Segmentation,
    mm_per_pixel: float,
    lines_per_direction: int = 20,
    box: Box | None = None,
    pixels_per_unit: float | None = None,
) -> GrainSize:
    """Planimetric and intercept measures of a segmented box (see `measure_image`)."""
    labels = seg.labels
    h, w = labels.shape
    present = _present(labels, seg.on_edge.size - 1)
    present[0] = False
    inside = int((present & ~seg.on_edge).sum())
    intercepted = int((present & seg.on_edge).sum())
    cut = int((present & seg.cut).sum())
    # A test area laid over a larger microstructure cuts the grains on its edge: about half of
    # each lies inside, hence ASTM's 1/2. Along the specimen's own (lined) edge the grains are
    # whole, clipped by the specimen rather than by the test area, and count 1.
    n = inside + (intercepted - cut) + 0.5 * cut
    area_px = float(h * w)

    rows = line_positions(h, lines_per_direction)
    cols = line_positions(w, lines_per_direction)
    # Intersections are counted where the grain changes along a line through the filled labels.
    # Counting runs of boundary pixels instead loses intersections at the pixel scale: where a
    # line passes within a pixel or two of a triple point, or rides along a boundary nearly
    # parallel to it, the two or more boundaries it crosses merge into one run (E112 scores a
    # triple point 1.5 for that reason). On 13-px grains that overestimates the intercept by
    # 10-20 %; through the filled labels the line clips the corners of grains as a line of zero
    # width would: on default fine images the intercept comes out 1-2 % longer than the exact
    # count along the same lines on the generator's meshes (3-5 % with noise and blur), the
    # misses being corners clipped by less than a pixel. A speck or a grazed boundary with the
    # same grain on both sides scores nothing.
    filled = fill_boundaries(labels)
    crossings = float(_crossings(filled[rows]) + _crossings(filled[:, cols].T))
    # Line ends: on a lined side the end touches a boundary and scores 1/2 intersection (E112),
    # so a line across a whole specimen with k crossings scores k + 1, exactly the number of
    # (whole) grains it passes through. On the edge of a test area the end lies inside a grain
    # and scores nothing: P = k equals E112's intercept count with the end segments at 1/2.
    top, bottom, left, right = seg.lined
    ends = 0.5 * ((left + right) * len(rows) + (top + bottom) * len(cols))
    intersections = crossings + ends
    length = float(len(rows) * w + len(cols) * h)

    unit = pixels_per_unit if pixels_per_unit else math.sqrt(area_px)
    mean_area = area_px / n if n > 0 else math.inf
    intercept = length / intersections if intersections > 0 else math.inf
    n_a_mm2 = n / (area_px * mm_per_pixel**2)
    intercept_mm = intercept * mm_per_pixel
    return GrainSize(
        grains_inside=inside,
        grains_intercepted=intercepted,
        grains_cut=cut,
        grains_equivalent=n,
        mean_area_px=mean_area,
        mean_area_mm2=mean_area * mm_per_pixel**2,
        mean_area_domain=mean_area / unit**2,
        mean_intercept_px=intercept,
        mean_intercept_mm=intercept_mm,
        mean_intercept_domain=intercept / unit,
        g_planimetric=g_from_grains_per_mm2(n_a_mm2) if n > 0 else -math.inf,
        g_intercept=g_from_intercept_mm(intercept_mm) if intersections > 0 else -math.inf,
        intersections=intersections,
        line_length_px=length,
        lined_sides=seg.lined,
        specimen_edge=all(seg.lined),
        mm_per_pixel=mm_per_pixel,
        pixels_per_unit=unit,
        box=box if box is not None else (0, h, 0, w),
    )


def segment(
    rgb: np.ndarray,
    box: Box,
    specimen_edge: bool | None = None,
    boundary_px: int = 2,
    min_area: int = 4,
    edge_band: int = 3,
) -> Segmentation:
    """Boundary mask and grains inside `box` of a float RGB image (see `label_grains`).

    `specimen_edge` True takes every side of the box for the specimen's edge, False none;
    None decides side by side from the pixels (`lined_sides`).
    """
    r0, r1, c0, c1 = (int(v) for v in box)
    if not (0 <= r0 < r1 <= rgb.shape[0] and 0 <= c0 < c1 <= rgb.shape[1]):
        raise ValueError(f"box {box} is outside the image of shape {rgb.shape[:2]}")
    # Filter a margin around the box too, so that the grains the box edge cuts are seen whole:
    # the grey closing would otherwise take a thin piece of a dark grain at the edge for a line.
    m = 2 * boundary_px + 3
    top, left = max(r0 - m, 0), max(c0 - m, 0)
    wide = boundary_mask(
        rgb[top : min(r1 + m, rgb.shape[0]), left : min(c1 + m, rgb.shape[1])], boundary_px
    )
    boundary = wide[r0 - top : r1 - top, c0 - left : c1 - left]
    if specimen_edge is not None:
        every = bool(specimen_edge)
        return label_grains(boundary, (every, every, every, every), min_area, edge_band)
    return label_grains(boundary, lined_sides(boundary, edge_band), min_area, edge_band)


def measure_image(
    source: str | Path | np.ndarray,
    mm_per_pixel: float,
    box: Box | None = None,
    *,
    specimen_edge: bool | None = None,
    pixels_per_unit: float | None = None,
    lines_per_direction: int = 20,
    boundary_px: int = 2,
    min_area: int = 4,
) -> GrainSize:
    """Grain size of an image file or array (RGB or grey, uint8 or float in [0, 1]).

    `box` is the measured region (row0, row1, col0, col1), ends exclusive; by default the
    non-white bounding box (`domain_box`), or pass `box_from_settings(ImageSettings(...))`.
    `specimen_edge` says whether the box edge is the edge of the whole microstructure (True
    for the generator's framed images, which draw the unit square's outline) or a test area
    laid over a larger one (False, ASTM's usual case); None decides each side from the pixels:
    a boundary drawn along nearly all of it makes it the specimen's edge.
    `pixels_per_unit` converts to the generator's domain units; by default the box is the unit
    square (its side, or the root of its area). `lines_per_direction` horizontal and as many
    vertical test lines are evenly spaced; on a regular lattice they can alias with its period,
    so use more (up to one per row) there. `boundary_px`: see `boundary_mask`.
    """
    rgb = load_rgb(source)
    if box is None:
        box = domain_box(rgb)
    seg = segment(rgb, box, specimen_edge, boundary_px, min_area)
    return measure_labels(seg, mm_per_pixel, lines_per_direction, box, pixels_per_unit)
