"""Laguerre (power) tessellation of circular seeds in a rectangle, as a MicroStructPy PolyMesh.

The power diagram of circles (centres p_i, weights r_i^2) is the projection of the lower convex
hull of the lifted points (x, y, x^2 + y^2 - r^2): each lower-hull triangle gives a diagram
vertex (its power centre) and each lower-hull edge between two seeds gives the diagram edge
between their cells. Four far dummy points bound every cell; the edges are then clipped to the
domain and the domain sides are cut at the points where edges reach them. All of it is array
work on the output of one Qhull call, without the Python subprocess and the per-cell loops of
``PolyMesh.from_seeds``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.csgraph
import scipy.spatial
from microstructpy.meshing import PolyMesh
from microstructpy.seeding import SeedList

__all__ = ["laguerre_polymesh", "power_cells"]

# Position of the dummy points, (+-4, +-4) domain sizes from the domain centre. Their cells
# stay clear of the domain: their power there is at least (3.5 * sqrt(2))^2 = 24.5 sizes^2,
# more than any seed's power (at most one diagonal squared, 2 sizes^2).
_DUMMY_DIST = 4.0
# Facets shorter than this, relative to the domain size, are degenerate (four seeds on one
# power circle): their end points are merged, as one vertex of the diagram.
_MERGE_TOL = 1e-13
# Vertices closer than this to a side, relative to the domain size, are moved onto it.
_SNAP_TOL = 1e-12


def rectangle_limits(domain: Any, which: str = "limits") -> tuple[float, float, float, float]:
    """Limits (x0, x1, y0, y1) of an axis-aligned 2D rectangular domain: its `limits`, or the
    attribute named by `which` (e.g. "sample_limits"); ValueError for any other domain."""
    if getattr(domain, "n_dim", 2) != 2:
        raise ValueError("only 2D domains are supported")
    matrix = getattr(domain, "matrix", None)
    if matrix is not None and not np.allclose(matrix, np.eye(2)):
        raise ValueError("only axis-aligned rectangular domains are supported")
    lims = getattr(domain, which, None)
    if lims is None:
        lims = domain.limits
    (x0, x1), (y0, y1) = np.asarray(lims, dtype=float)
    return float(x0), float(x1), float(y0), float(y1)


def _circles(seeds: SeedList) -> np.ndarray:
    """(n, 3) array of seed circles (x, y, r), from the breakdowns."""
    out = np.empty((len(seeds), 3))
    for k, seed in enumerate(seeds):
        bkdwn = np.asarray(seed.breakdown, dtype=float).reshape(-1, 3)
        if bkdwn.shape[0] != 1:
            raise ValueError("only seeds made of a single circle are supported")
        out[k] = bkdwn[0]
    return out


def _clip(a: np.ndarray, d: np.ndarray, hw: float, hh: float) -> tuple[np.ndarray, ...]:
    """Liang-Barsky clipping of segments a + t d, t in [0, 1], to [-hw, hw] x [-hh, hh].

    Returns t_in, t_out and the side (0 x-min, 1 x-max, 2 y-min, 3 y-max) crossed at each end.
    """
    lo = np.array([-hw, -hh])
    hi = np.array([hw, hh])
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = (lo - a) / d
        t2 = (hi - a) / d
    t_lo = np.minimum(t1, t2)
    t_hi = np.maximum(t1, t2)
    # Segments parallel to an axis: all or nothing along it.
    flat = d == 0
    inside = (a >= lo) & (a <= hi)
    t_lo = np.where(flat, np.where(inside, -np.inf, np.inf), t_lo)
    t_hi = np.where(flat, np.where(inside, np.inf, -np.inf), t_hi)
    ax_in = np.argmax(t_lo, axis=1)
    ax_out = np.argmin(t_hi, axis=1)
    rows = np.arange(len(a))
    t_in = np.maximum(t_lo[rows, ax_in], 0.0)
    t_out = np.minimum(t_hi[rows, ax_out], 1.0)
    # Entering through the lower side when moving up the axis, leaving through the upper one.
    side_in = 2 * ax_in + (d[rows, ax_in] < 0)
    side_out = 2 * ax_out + (d[rows, ax_out] > 0)
    return t_in, t_out, side_in, side_out


def power_cells(
    cens: np.ndarray, rads: np.ndarray, box: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Power diagram of circles clipped to a box, as arrays.

    Args:
        cens: (n, 2) circle centres.
        rads: (n,) radii.
        box: (x0, x1, y0, y1).

    Returns:
        points (p, 2); facets (f, 2) point numbers, oriented with cell ``cells[:, 1]`` on the
        right; cells (f, 2) the two cells of each facet, smaller first, sides of the box as
        -1 (x-min), -2 (x-max), -3 (y-min), -4 (y-max) as in voro++; areas (n,) cell areas
        (0 for cells that are empty in the box).
    """
    x0, x1, y0, y1 = box
    n = len(cens)
    if n == 0:
        raise ValueError("no seeds to tessellate")
    centre = np.array([0.5 * (x0 + x1), 0.5 * (y0 + y1)])
    hw, hh = 0.5 * (x1 - x0), 0.5 * (y1 - y0)
    size = 2.0 * max(hw, hh)
    # Coordinates relative to the box centre keep the lifted values small.
    far = _DUMMY_DIST * size
    dummies = np.array([[-far, -far], [far, -far], [far, far], [-far, far]])
    pts = np.vstack([np.asarray(cens, dtype=float) - centre, dummies])
    wts = np.concatenate([np.asarray(rads, dtype=float) ** 2, np.zeros(4)])
    lifted = np.column_stack([pts, np.einsum("ij,ij->i", pts, pts) - wts])
    hull = scipy.spatial.ConvexHull(lifted)

    lower = hull.equations[:, 2] < 0
    tri = hull.simplices[lower]
    lower_id = np.full(len(lower), -1)
    lower_id[lower] = np.arange(len(tri))
    nbr = lower_id[hull.neighbors[lower]]

    # Power centres: equal power to the three circles, solved relative to the first one.
    pa = pts[tri[:, 0]]
    e1 = pts[tri[:, 1]] - pa
    e2 = pts[tri[:, 2]] - pa
    w = wts[tri]
    b1 = 0.5 * (np.einsum("ij,ij->i", e1, e1) + w[:, 0] - w[:, 1])
    b2 = 0.5 * (np.einsum("ij,ij->i", e2, e2) + w[:, 0] - w[:, 2])
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    verts = pa + np.column_stack(
        [(b1 * e2[:, 1] - b2 * e1[:, 1]) / det, (e1[:, 0] * b2 - e2[:, 0] * b1) / det]
    )
    # Vertices within rounding of a side are put on it (and later cut the side there), so
    # that a vertex that should lie on a side cannot end up a hair inside without cutting it.
    half = np.array([hw, hh])
    snap = np.abs(np.abs(verts) - half) <= _SNAP_TOL * size
    verts = np.where(snap, np.copysign(half, verts), verts)

    # Triangulation edges between two seeds, once each: the edge opposite corner k of
    # triangle t is shared with triangle nbr[t, k]. Edges of a dummy lie outside the box.
    m = len(tri)
    t_a = np.repeat(np.arange(m), 3)
    t_b = nbr.ravel()
    i_a = tri[:, [1, 2, 0]].ravel()
    i_b = tri[:, [2, 0, 1]].ravel()
    keep = (t_a < t_b) & (i_a < n) & (i_b < n)
    t_a, t_b, i_a, i_b = t_a[keep], t_b[keep], i_a[keep], i_b[keep]

    a = verts[t_a]
    d = verts[t_b] - a
    t_in, t_out, side_in, side_out = _clip(a, d, hw, hh)
    keep = t_in < t_out
    t_a, t_b, i_a, i_b = t_a[keep], t_b[keep], i_a[keep], i_b[keep]
    a, d = a[keep], d[keep]
    t_in, t_out, side_in, side_out = t_in[keep], t_out[keep], side_in[keep], side_out[keep]

    # Point numbers: diagram vertices inside the box, then points where edges reach the sides,
    # then the four corners.
    start_in = t_in == 0
    end_in = t_out == 1
    used = np.unique(np.concatenate([t_a[start_in], t_b[end_in]]))
    vert_num = np.full(m, -1)
    vert_num[used] = np.arange(len(used))
    n_used = len(used)

    cut_edge = np.concatenate([np.flatnonzero(~start_in), np.flatnonzero(~end_in)])
    cut_t = np.concatenate([t_in[~start_in], t_out[~end_in]])
    cut_side = np.concatenate([side_in[~start_in], side_out[~end_in]])
    cut_pts = a[cut_edge] + cut_t[:, None] * d[cut_edge]
    # Put the cut points exactly on their side.
    side_val = np.array([-hw, hw, -hh, hh])
    axis = cut_side // 2
    cut_pts[np.arange(len(cut_pts)), axis] = side_val[cut_side]
    n_cut = len(cut_pts)
    cut_num = n_used + np.arange(n_cut)

    p_start = np.where(start_in, vert_num[t_a], -1)
    p_end = np.where(end_in, vert_num[t_b], -1)
    n_start_cut = int(np.count_nonzero(~start_in))
    p_start[~start_in] = cut_num[:n_start_cut]
    p_end[~end_in] = cut_num[n_start_cut:]

    corners = np.array([[-hw, -hh], [hw, -hh], [-hw, hh], [hw, hh]])
    corner_num = n_used + n_cut + np.arange(4)
    points = np.vstack([verts[used], cut_pts, corners])

    # Sides: the points on each side (cut points, vertices on the side, corners), in order
    # along it, cut into segments. Corner k lies on sides k % 2 (x-min or x-max) and
    # 2 + k // 2 (y-min or y-max).
    on_side = [np.flatnonzero(points[:n_used, s_ // 2] == side_val[s_]) for s_ in range(4)]
    v_num = np.concatenate(on_side)
    v_side = np.repeat(np.arange(4), [len(v) for v in on_side])
    s_side = np.concatenate([cut_side, v_side, [0, 1, 0, 1], [2, 2, 3, 3]])
    s_num = np.concatenate([cut_num, v_num, corner_num, corner_num])
    s_pos = points[s_num, 1 - s_side // 2]
    # Cells around each point: the two of a cut edge, the three of a vertex, none at corners.
    s_cells = np.full((len(s_num), 3), -1)
    s_cells[:n_cut, 0] = i_a[cut_edge]
    s_cells[:n_cut, 1] = i_b[cut_edge]
    v_cells = tri[used[v_num]]
    s_cells[n_cut : n_cut + len(v_num)] = np.where(v_cells < n, v_cells, -1)
    ordr = np.lexsort((s_pos, s_side))
    s_side, s_num, s_cells = s_side[ordr], s_num[ordr], s_cells[ordr]
    seg = np.flatnonzero(s_side[:-1] == s_side[1:])
    w_side = s_side[seg]
    w_p0, w_p1 = s_num[seg], s_num[seg + 1]
    # The cell owning a side segment is among the cells of its end points (or any cell when
    # both ends are corners): the one of least power at the midpoint.
    mid = 0.5 * (points[w_p0] + points[w_p1])
    cand = np.concatenate([s_cells[seg], s_cells[seg + 1]], axis=1)
    cpos = pts[np.maximum(cand, 0)]
    power = np.sum((cpos - mid[:, None, :]) ** 2, axis=2) - wts[np.maximum(cand, 0)]
    power[cand < 0] = np.inf
    owner = cand[np.arange(len(seg)), np.argmin(power, axis=1)]
    lone = np.all(cand < 0, axis=1)
    if np.any(lone):
        diff = mid[lone][:, None, :] - pts[None, :n]
        owner[lone] = np.argmin(np.sum(diff**2, axis=2) - wts[None, :n], axis=1)

    # Facets: clipped edges, then side segments.
    fac = np.concatenate([np.column_stack([p_start, p_end]), np.column_stack([w_p0, w_p1])])
    lo_cell = np.concatenate([np.minimum(i_a, i_b), -1 - w_side])
    hi_cell = np.concatenate([np.maximum(i_a, i_b), owner])

    fac, lo_cell, hi_cell, points = _merge_short(fac, lo_cell, hi_cell, points, size)

    # Orientation: the cell hi_cell on the right, as MicroStructPy's outward-facing sides
    # (a clockwise walk around hi_cell). For an edge, hi_cell lies towards p_hi - p_lo.
    vec = points[fac[:, 1]] - points[fac[:, 0]]
    right = np.column_stack([vec[:, 1], -vec[:, 0]])
    side_normal = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]])
    is_side = lo_cell < 0
    toward = np.empty_like(vec)
    toward[~is_side] = pts[hi_cell[~is_side]] - pts[lo_cell[~is_side]]
    # For a side, the outer normal points away from the cell: the cell is towards -normal.
    toward[is_side] = -side_normal[-1 - lo_cell[is_side]]
    flip = np.einsum("ij,ij->i", right, toward) < 0
    fac[flip] = fac[flip][:, ::-1]

    # Cell areas by the shoelace formula: clockwise around hi_cell, anticlockwise around lo_cell.
    pa_, pb_ = points[fac[:, 0]], points[fac[:, 1]]
    cross = 0.5 * (pa_[:, 0] * pb_[:, 1] - pa_[:, 1] * pb_[:, 0])
    areas = np.bincount(hi_cell, weights=-cross, minlength=n)
    areas -= np.bincount(
        np.where(is_side, 0, lo_cell), weights=np.where(is_side, 0.0, -cross), minlength=n
    )

    # Back to domain coordinates, with the points on the sides exactly on them.
    out = points + centre
    for axis, (lo, hi) in enumerate(((x0, x1), (y0, y1))):
        out[points[:, axis] == -half[axis], axis] = lo
        out[points[:, axis] == half[axis], axis] = hi

    # Facet order as from_seeds: by the larger cell, then the smaller one.
    ordr = np.lexsort((lo_cell, hi_cell))
    return out, fac[ordr], np.column_stack([lo_cell, hi_cell])[ordr], areas


def _merge_short(
    fac: np.ndarray, lo_cell: np.ndarray, hi_cell: np.ndarray, points: np.ndarray, size: float
) -> tuple[np.ndarray, ...]:
    """Merge the end points of degenerate (zero-length) facets and drop those facets."""
    length = np.linalg.norm(points[fac[:, 1]] - points[fac[:, 0]], axis=1)
    short = length <= _MERGE_TOL * size
    if not np.any(short):
        return fac, lo_cell, hi_cell, points
    n_pts = len(points)
    graph = scipy.sparse.coo_matrix(
        (np.ones(int(short.sum())), (fac[short, 0], fac[short, 1])), shape=(n_pts, n_pts)
    )
    _, label = scipy.sparse.csgraph.connected_components(graph, directed=False)
    # One point per group: the first point of each label.
    _, first = np.unique(label, return_index=True)
    keep_pts = np.zeros(n_pts, dtype=bool)
    keep_pts[first] = True
    new_num = np.cumsum(keep_pts) - 1
    fac = new_num[first[label[fac]]]
    keep = fac[:, 0] != fac[:, 1]
    return fac[keep], lo_cell[keep], hi_cell[keep], points[keep_pts]


def laguerre_polymesh(seeds: SeedList, domain: Any) -> PolyMesh:
    """Laguerre tessellation of positioned circular seeds, clipped to a rectangular domain.

    Follows the conventions of ``PolyMesh.from_seeds`` in 2D: facets are pairs of point
    numbers shared by the two regions they separate (sides of the domain oriented outwards),
    ``facet_neighbors`` pairs the two region numbers, smaller first, with -1 (x-min),
    -2 (x-max), -3 (y-min), -4 (y-max) for the sides, and ``seed_numbers`` gives the seed of
    each region. Seeds whose centre is outside the domain, or whose power cell does not meet
    the domain, get no region (``from_seeds`` raises an AssertionError for them).

    Args:
        seeds: Positioned seeds, one circle each.
        domain: Axis-aligned ``microstructpy.geometry`` Square or Rectangle.

    Returns:
        The polygon mesh.
    """
    box = rectangle_limits(domain)
    circles = _circles(seeds)
    x0, x1, y0, y1 = box
    # The same selection as from_seeds: centres within the (closed) domain.
    inside = (
        (circles[:, 0] >= x0)
        & (circles[:, 0] <= x1)
        & (circles[:, 1] >= y0)
        & (circles[:, 1] <= y1)
    )
    active = np.flatnonzero(inside)
    points, fac, cells, areas = power_cells(circles[active, :2], circles[active, 2], box)

    # Regions: the cells that have facets, numbered in seed order.
    has = np.zeros(len(active), dtype=bool)
    has[cells[cells >= 0]] = True
    region_of = np.full(len(active), -1)
    region_of[has] = np.arange(int(has.sum()))
    nbrs = np.where(cells >= 0, region_of[np.maximum(cells, 0)], cells)

    inc_cell = nbrs.ravel()
    inc_fac = np.repeat(np.arange(len(fac)), 2)
    sel = inc_cell >= 0
    inc_cell, inc_fac = inc_cell[sel], inc_fac[sel]
    ordr = np.argsort(inc_cell, kind="stable")
    bounds = np.searchsorted(inc_cell[ordr], np.arange(int(has.sum()) + 1))
    inc_list = inc_fac[ordr].tolist()
    regions = [inc_list[s:t] for s, t in zip(bounds[:-1], bounds[1:], strict=True)]

    seed_numbers = active[has]
    phases = [int(seeds[int(k)].phase) for k in seed_numbers]
    return PolyMesh(
        list(points),
        fac.tolist(),
        regions,
        seed_numbers,
        phases,
        [tuple(p) for p in nbrs.tolist()],
        areas[has].tolist(),
    )
