"""Random sequential addition (RSA) of circular seeds in a rectangle, vectorised.

The placement rule is that of ``microstructpy.seeding.SeedList.position``: seeds are placed
largest first, each one tries uniformly random centres in the sampling box of the domain, and
a candidate is accepted when, for every seed already placed,
``dist + rtol * min(r_i, r_j) - r_i - r_j >= 0``. A seed that fails ``max_attempts`` times is
dropped. Candidates are drawn in batches and tested together, but the first clearing candidate
in draw order is the one accepted and the attempts up to it are counted, so the process is
still sequential addition attempt by attempt; only the random stream differs from
MicroStructPy's.

Two grids make the tests cheap:

* a cell list with cells at least as large as the longest interaction distance, so that a
  candidate only has to be tested against the seeds of the 3 x 3 cells around it;
* near jamming, a fine raster of the sampling box whose pixels are marked when they lie wholly
  inside the exclusion disc of one placed seed. A candidate in a marked pixel is certain to
  fail: it is counted as a failed attempt without an exact test.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from microstructpy.seeding import SeedList
from microstructpy.seeding.seedlist import calc_rtol

from microcnn.geometry.laguerre import rectangle_limits

__all__ = ["position_seeds"]

# Coordinate of the sentinel seed that pads the cell list: out of reach of every candidate.
_FAR = 1e30
# Largest batch of candidates tested exactly at once; beyond this the work on candidates after
# the first clearing one is mostly wasted.
_MAX_BATCH = 256
# Smallest batch: below this the per-call overhead of numpy dominates anyway.
_MIN_BATCH = 16
# Failed attempts of one seed after which the raster is built. A raster serves only radii
# down to 0.9 of the one it was built for, so with varied radii building it early means
# rebuilding it often; 256 was the fastest of 16-512 for both benchmark distributions.
_RASTER_AFTER = 256
# Candidates drawn at once while the raster is in use: the raster lookup is cheap, so large
# batches keep the per-call overhead low.
_RASTER_BATCH = 4096
# Pixel side relative to the smallest exclusion radius, and a cap on the number of pixels.
_PIXELS_PER_RADIUS = 16
_MAX_PIXELS = 1 << 22
# A pixel is marked only when it is inside the exclusion disc by this relative margin, so
# that rounding can never mark a pixel holding a candidate that would clear.
_MARK_MARGIN = 1e-9


def _radius(seed: Any) -> float:
    """Radius of a circular seed, from its breakdown as MicroStructPy's overlap test uses."""
    bkdwn = np.asarray(seed.breakdown, dtype=float).reshape(-1, 3)
    if bkdwn.shape[0] != 1:
        raise ValueError("only seeds made of a single circle are supported")
    return float(bkdwn[0, 2])


class _CellList:
    """Uniform grid of the placed seeds, for neighbour look-ups of many candidates at once.

    For each cell, the seeds of the 3 x 3 block of cells around it are kept in one padded row
    (empty slots hold a sentinel seed far away), so that the neighbours of a batch of
    candidates are a single gather of rows. A ring of empty cells around the grid keeps the
    blocks of the border cells in bounds.
    """

    def __init__(self, box: tuple[float, float, float, float], size: float, sentinel: int):
        x0, x1, y0, y1 = box
        self.origin = np.array([x0, y0])
        self.size = size
        self.last = np.array(
            [max(1, math.ceil((x1 - x0) / size)) - 1, max(1, math.ceil((y1 - y0) / size)) - 1]
        )
        self.row = int(self.last[1]) + 3
        n_cells = (int(self.last[0]) + 3) * self.row
        self.sentinel = sentinel
        self.block = np.full((n_cells, 8), sentinel, dtype=np.intp)
        self.count = np.zeros(n_cells, dtype=np.intp)
        self.width = 1
        self.stencil = np.array([dx * self.row + dy for dx in (-1, 0, 1) for dy in (-1, 0, 1)])

    def cells(self, pts: np.ndarray) -> np.ndarray:
        """Flat numbers of the cells holding points (n, 2), in the padded grid."""
        ij = ((pts - self.origin) / self.size).astype(np.intp)
        np.minimum(ij, self.last, out=ij)
        return ij[:, 0] * self.row + ij[:, 1] + (self.row + 1)

    def add(self, index: int, pt: np.ndarray) -> None:
        """Insert seed ``index`` at ``pt`` into the blocks of the 9 cells around it."""
        # Scalar arithmetic for one point: the array version costs several times more.
        ix = min(int((pt[0] - self.origin[0]) / self.size), int(self.last[0]))
        iy = min(int((pt[1] - self.origin[1]) / self.size), int(self.last[1]))
        around = (ix * self.row + iy + self.row + 1) + self.stencil
        k = self.count[around]
        top = int(k.max())
        if top >= self.block.shape[1]:
            grown = np.full_like(self.block, self.sentinel)
            self.block = np.concatenate([self.block, grown], axis=1)
        self.block[around, k] = index
        self.count[around] = k + 1
        self.width = max(self.width, top + 1)

    def neighbours(self, pts: np.ndarray) -> np.ndarray:
        """Seed numbers (n, width) near each point, padded with the sentinel."""
        # Only as many columns as the fullest block needs.
        return self.block[self.cells(pts), : self.width]


class _Raster:
    """Pixels of the sampling box that lie wholly inside one placed seed's exclusion disc.

    Built for a candidate radius ``r_build``; with ``rtol <= 1`` the exclusion radius
    ``r + r_j - rtol * min(r, r_j)`` does not decrease with ``r``, so a marked pixel stays
    excluded for every candidate radius ``r >= r_build``.

    A seed marks a fixed template of pixel offsets around the pixel of its centre: those that
    are inside its disc wherever the centre lies in its pixel. This loses about one ring of
    pixels against an exact test per seed, but marking is then a single indexed assignment.
    The grid is padded by the template radius so that offsets never wrap around.
    """

    def __init__(
        self,
        box: tuple[float, float, float, float],
        pixel: float,
        r_build: float,
        rtol: float,
        max_reach: float,
    ):
        x0, x1, y0, y1 = box
        self.origin = np.array([x0, y0])
        nx = max(1, math.ceil((x1 - x0) / pixel))
        ny = max(1, math.ceil((y1 - y0) / pixel))
        # Pixels tile the sampling box exactly, so a uniform candidate is uniform in a pixel.
        self.h = np.array([(x1 - x0) / nx, (y1 - y0) / ny])
        self.last = np.array([nx - 1, ny - 1])
        pad_x = math.ceil(max_reach / self.h[0]) + 1
        pad_y = math.ceil(max_reach / self.h[1]) + 1
        self.row = ny + 2 * pad_y
        self.offset = pad_x * self.row + pad_y
        self.marked = np.zeros((nx + 2 * pad_x) * self.row, dtype=bool)
        self.r_build = r_build
        self.rtol = rtol
        # Templates are cached by reach rounded down to a quarter pixel (still conservative).
        self.quantum = 0.25 * float(self.h.min())
        self.templates: dict[int, np.ndarray] = {}

    def _template(self, q: int) -> np.ndarray:
        """Flat offsets of the pixels inside a disc of reach q * quantum around every point
        of the centre pixel."""
        tpl = self.templates.get(q)
        if tpl is None:
            reach = q * self.quantum
            hx, hy = float(self.h[0]), float(self.h[1])
            ax = np.arange(-math.floor(reach / hx), math.floor(reach / hx) + 1)
            ay = np.arange(-math.floor(reach / hy), math.floor(reach / hy) + 1)
            # Farthest distance between a point of the centre pixel and one of pixel (a, b).
            far2 = ((np.abs(ax) + 1) * hx)[:, None] ** 2 + ((np.abs(ay) + 1) * hy) ** 2
            a, b = np.nonzero(far2 < reach * reach * (1.0 - _MARK_MARGIN))
            tpl = ax[a] * self.row + ay[b]
            self.templates[q] = tpl
        return tpl

    def pixels(self, pts: np.ndarray) -> np.ndarray:
        """Flat numbers of the pixels holding points (n, 2) of the sampling box."""
        ij = ((pts - self.origin) / self.h).astype(np.intp)
        np.minimum(ij, self.last, out=ij)
        return ij[:, 0] * self.row + ij[:, 1] + self.offset

    def mark(self, cens: np.ndarray, rads: np.ndarray) -> None:
        """Mark the pixels inside the exclusion discs of seeds (cens, rads)."""
        reach = self.r_build + rads - self.rtol * np.minimum(self.r_build, rads)
        q = np.floor(np.maximum(reach, 0.0) / self.quantum).astype(np.intp)
        base = self.pixels(cens)
        for qq in np.unique(q).tolist():
            tpl = self._template(qq)
            if len(tpl):
                self.marked[(base[q == qq, None] + tpl).ravel()] = True

    def mark_one(self, x: float, y: float, rad: float) -> None:
        """Mark for one seed; scalar arithmetic, several times cheaper than the array path."""
        reach = self.r_build + rad - self.rtol * min(self.r_build, rad)
        tpl = self._template(math.floor(max(reach, 0.0) / self.quantum))
        ix = min(int((x - self.origin[0]) / self.h[0]), int(self.last[0]))
        iy = min(int((y - self.origin[1]) / self.h[1]), int(self.last[1]))
        self.marked[ix * self.row + iy + self.offset + tpl] = True

    def list_free(self) -> None:
        """List the unmarked pixels of the sampling box (kept, possibly stale, for sampling)."""
        nx, ny = int(self.last[0]) + 1, int(self.last[1]) + 1
        pad_x, pad_y = divmod(self.offset, self.row)
        inner = self.marked.reshape(-1, self.row)[pad_x : pad_x + nx, pad_y : pad_y + ny]
        ix, iy = np.nonzero(~inner)
        self.free_ij = np.column_stack([ix, iy]).astype(float)
        self.free_flat = ix * self.row + iy + self.offset
        # Chance that a uniform candidate in the sampling box lands in a listed pixel.
        self.p_listed = len(ix) / (nx * ny)

    def sample(self, rng: np.random.Generator, b: int) -> tuple[np.ndarray, np.ndarray]:
        """``b`` uniform candidates in the listed pixels, and whether each is still free.

        A uniform candidate in the box, given that it lands in a listed pixel, is uniform in a
        uniformly chosen listed pixel, since all pixels have the same size.
        """
        pick = rng.integers(len(self.free_flat), size=b)
        pts = self.origin + (self.free_ij[pick] + rng.random((b, 2))) * self.h
        return pts, ~self.marked[self.free_flat[pick]]


def _first_clear(
    pts: np.ndarray,
    r: float,
    cells: _CellList,
    zs: np.ndarray,
    rs: np.ndarray,
    rtol: float,
    sorted_radii: bool,
) -> int:
    """Index of the first candidate (n, 2) that clears every placed seed, or -1."""
    nb = cells.neighbours(pts)
    # Centres as complex numbers: one gather and one abs() give the distances.
    dist = np.abs(zs[nb] - pts.view(np.complex128))
    rj = rs[nb]
    # The clearance test dist + rtol * min(r, r_j) - r - r_j >= 0, written as dist >= reach.
    # With sorted radii the placed seeds are never smaller than the candidate: min(r, r_j) = r.
    reach = rj + (r - rtol * r) if sorted_radii else rj + r - rtol * np.minimum(rj, r)
    blocked = (dist < reach).any(axis=1)
    k = int(blocked.argmin())
    return -1 if blocked[k] else k


def position_seeds(
    seeds: SeedList,
    domain: Any,
    rng: np.random.Generator,
    rtol: float | str = "fit",
    max_attempts: int = 10000,
) -> int:
    """Place circular seeds in a rectangular domain by random sequential addition.

    Args:
        seeds: Seeds made of one circle each (e.g. ``SeedList.from_info`` with shape 'circle').
            Kept seeds get their ``position``; dropped seeds are removed from the list.
        domain: Axis-aligned ``microstructpy.geometry`` Square or Rectangle.
        rng: Source of all random numbers.
        rtol: Relative overlap tolerance, or 'fit' for MicroStructPy's ``calc_rtol``.
        max_attempts: Candidates tried for one seed before it is dropped.

    Returns:
        The number of dropped seeds.
    """
    n = len(seeds)
    if n == 0:
        return 0
    # MicroStructPy samples within `sample_limits`, which keeps centres a hair inside the
    # domain (voro++ needs the particles inside its box).
    box = rectangle_limits(domain, "sample_limits")
    x0, x1, y0, y1 = box
    span = np.array([x1 - x0, y1 - y0])
    origin = np.array([x0, y0])

    if isinstance(rtol, str):
        if rtol != "fit":
            raise ValueError(f"unknown rtol {rtol!r}")
        rtol = calc_rtol(seeds)
    rtol = float(rtol)

    radii = np.array([_radius(s) for s in seeds])
    vols = np.array([s.volume for s in seeds])
    order = np.flip(np.argsort(vols))
    sorted_radii = bool(np.all(np.diff(radii[order]) <= 0))

    # Longest distance at which two seeds can interact, over all pairs of radii.
    r_max, r_min = float(radii.max()), float(radii.min())
    reach = max(r_max * (2.0 - rtol), r_max + r_min * (1.0 - rtol), 0.0)
    cells = _CellList(box, reach if reach > 0 else float(span.max()), n)

    # Placed seeds by seed number; the extra last entry is the sentinel of the cell list.
    zs = np.full(n + 1, complex(_FAR, _FAR))
    rs = np.zeros(n + 1)
    placed: list[int] = []
    kept = np.zeros(n, dtype=bool)

    raster: _Raster | None = None
    # The raster only stays valid for smaller radii when the exclusion radius grows with r.
    raster_ok = rtol <= 1.0
    last_attempts = 1

    for i in order:
        r = float(radii[i])
        if raster is not None and r < raster.r_build:
            raster = None
        attempts = 0
        found: np.ndarray | None = None
        while attempts < max_attempts and found is None:
            left = max_attempts - attempts
            if raster is None and raster_ok and attempts >= _RASTER_AFTER and placed:
                raster = _build_raster(box, r, radii, order, placed, zs, rs, rtol)
            # Batch size follows the attempts the previous seed needed, so that sparse
            # packings do not pay for candidates that are never looked at.
            if raster is None:
                b = min(_MAX_BATCH, max(_MIN_BATCH, 2 * last_attempts, attempts), left)
                pts = origin + span * rng.random((b, 2))
                k = _first_clear(pts, r, cells, zs, rs, rtol, sorted_radii)
                if k >= 0:
                    found = pts[k]
                    attempts += k + 1
                else:
                    attempts += b
                continue
            # Raster mode: attempts that land in pixels marked when the list of free pixels
            # was made are certain failures; their number before each listed candidate is
            # geometric, so only the listed candidates are drawn.
            if raster.p_listed == 0.0:
                attempts = max_attempts
                break
            b = min(_RASTER_BATCH, max(16, int(2 * raster.p_listed * max(last_attempts, attempts))))
            steps = np.cumsum(rng.geometric(raster.p_listed, size=b))
            within = int(np.searchsorted(steps, left, side="right"))
            pts, unmarked = raster.sample(rng, within)
            free = np.flatnonzero(unmarked)
            for start in range(0, len(free), _MAX_BATCH):
                sub = free[start : start + _MAX_BATCH]
                k = _first_clear(pts[sub], r, cells, zs, rs, rtol, sorted_radii)
                if k >= 0:
                    found = pts[sub[k]]
                    attempts += int(steps[sub[k]])
                    break
            else:
                attempts = max_attempts if within < b else attempts + int(steps[-1])
            # Refresh the list once most of the listed pixels have been marked since.
            if within >= 32 and len(free) < within // 2:
                raster.list_free()
        last_attempts = attempts
        if found is None:
            continue
        zs[i] = complex(found[0], found[1])
        rs[i] = r
        cells.add(int(i), found)
        placed.append(int(i))
        kept[i] = True
        if raster is not None:
            raster.mark_one(float(found[0]), float(found[1]), r)
        seeds.seeds[i].position = found

    seeds.seeds = [s for s, keep in zip(seeds.seeds, kept, strict=True) if keep]
    return int(n - kept.sum())


def _build_raster(
    box: tuple[float, float, float, float],
    r: float,
    radii: np.ndarray,
    order: np.ndarray,
    placed: list[int],
    zs: np.ndarray,
    rs: np.ndarray,
    rtol: float,
) -> _Raster:
    """Raster of the placed seeds, valid down to the smallest radius still to be placed
    but not below 0.9 r, so that a run of nearly equal seeds shares one raster."""
    r_build = max(0.9 * r, float(radii[order[-1]]))
    idx = np.array(placed)
    prad = rs[idx]
    reach = prad + r_build - rtol * np.minimum(prad, r_build)
    r_max = float(radii.max())
    max_reach = r_max + r_build - rtol * min(r_max, r_build)
    x0, x1, y0, y1 = box
    area = (x1 - x0) * (y1 - y0)
    pixel = max(float(reach.min()) / _PIXELS_PER_RADIUS, math.sqrt(area / _MAX_PIXELS))
    raster = _Raster(box, pixel, r_build, rtol, max_reach)
    raster.mark(np.column_stack([zs[idx].real, zs[idx].imag]), prad)
    raster.list_free()
    return raster
