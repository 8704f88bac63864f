"""Vectorised random sequential addition of circular seeds."""

from __future__ import annotations

import microstructpy as msp
import numpy as np
import pytest
import scipy.stats
from microstructpy.seeding.seedlist import calc_rtol
from scipy.spatial.distance import cdist

from microcnn.geometry import positioning
from microcnn.geometry.laguerre import rectangle_limits
from microcnn.geometry.positioning import position_seeds

LOGNORMAL_FEW = scipy.stats.lognorm(s=0.25, scale=0.2)  # about 30 seeds in the unit square
LOGNORMAL_MANY = scipy.stats.lognorm(s=0.25, scale=0.05)  # about 450 seeds
EQUAL = 0.05  # about 500 seeds


@pytest.fixture()
def domain():
    return msp.geometry.Square(side_length=1, corner=(0, 0))


def _seeds(d, domain) -> msp.seeding.SeedList:
    return msp.seeding.SeedList.from_info([{"shape": "circle", "d": d}], domain.area)


def _circles(seeds) -> tuple[np.ndarray, np.ndarray]:
    cens = np.array([s.position for s in seeds], dtype=float)
    rads = np.array([s.breakdown[0][2] for s in seeds], dtype=float)
    return cens, rads


def _min_clearance(cens: np.ndarray, rads: np.ndarray, rtol: float) -> float:
    """Smallest dist + rtol * min(r_i, r_j) - r_i - r_j over all pairs (MicroStructPy's test)."""
    total = cdist(cens, cens) + rtol * np.minimum.outer(rads, rads) - rads[:, None] - rads[None, :]
    np.fill_diagonal(total, np.inf)
    return float(total.min())


@pytest.mark.parametrize("d", [LOGNORMAL_FEW, LOGNORMAL_MANY, EQUAL], ids=["few", "many", "equal"])
def test_no_overlap_and_inside(d, domain):
    seeds = _seeds(d, domain)
    rtol = calc_rtol(seeds)
    n0 = len(seeds)
    dropped = position_seeds(seeds, domain, np.random.default_rng(1))
    assert dropped == n0 - len(seeds)
    cens, rads = _circles(seeds)
    assert _min_clearance(cens, rads, rtol) >= 0
    assert np.all(domain.within(cens))
    (x0, x1), (y0, y1) = domain.sample_limits
    assert np.all((cens[:, 0] >= x0) & (cens[:, 0] <= x1))
    assert np.all((cens[:, 1] >= y0) & (cens[:, 1] <= y1))


def test_same_rng_seed_same_positions(domain):
    runs = []
    for rng_seed in (7, 7, 8):
        seeds = _seeds(LOGNORMAL_FEW, domain)
        position_seeds(seeds, domain, np.random.default_rng(rng_seed))
        runs.append(_circles(seeds)[0])
    np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0].shape != runs[2].shape or not np.allclose(runs[0], runs[2])


def test_uses_only_the_given_generator(domain):
    seeds = _seeds(LOGNORMAL_FEW, domain)
    np.random.seed(0)
    state = np.random.get_state()[1].copy()
    position_seeds(seeds, domain, np.random.default_rng(0))
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_largest_first_as_microstructpy(domain):
    # The first seed placed is the largest one and always fits on its first attempt: its
    # position is the first uniform pair of the generator, scaled to the sampling box.
    seeds = _seeds(LOGNORMAL_FEW, domain)
    vols = np.array([s.volume for s in seeds])
    first = seeds[int(np.flip(np.argsort(vols))[0])]
    position_seeds(seeds, domain, np.random.default_rng(3))
    (x0, x1), (y0, y1) = domain.sample_limits
    u = np.random.default_rng(3).random(2)
    np.testing.assert_allclose(first.position, [x0 + u[0] * (x1 - x0), y0 + u[1] * (y1 - y0)])


def test_dropped_seeds_counted_and_removed(domain):
    # Equal circles that cover the whole domain cannot all be placed without overlap.
    seeds = _seeds(0.2, domain)
    originals = list(seeds.seeds)
    n0 = len(seeds)
    dropped = position_seeds(seeds, domain, np.random.default_rng(0), rtol=0.0, max_attempts=200)
    assert dropped > 0
    assert len(seeds) == n0 - dropped
    assert all(any(s is o for o in originals) for s in seeds)
    cens, rads = _circles(seeds)
    assert _min_clearance(cens, rads, 0.0) >= 0


def test_no_attempts_drops_everything(domain):
    seeds = _seeds(LOGNORMAL_FEW, domain)
    n0 = len(seeds)
    assert position_seeds(seeds, domain, np.random.default_rng(0), max_attempts=0) == n0
    assert len(seeds) == 0


def test_fit_uses_calc_rtol(domain, monkeypatch):
    seeds = _seeds(LOGNORMAL_MANY, domain)
    rtol = calc_rtol(seeds)
    calls = []

    def spy(s):
        calls.append(len(s))
        return rtol

    monkeypatch.setattr(positioning, "calc_rtol", spy)
    position_seeds(seeds, domain, np.random.default_rng(2))
    assert calls
    cens, rads = _circles(seeds)
    assert _min_clearance(cens, rads, rtol) >= 0
    # The tolerance is used: some seeds overlap (they would not with rtol = 0).
    assert _min_clearance(cens, rads, 0.0) < 0


def test_explicit_rtol(domain):
    seeds = _seeds(LOGNORMAL_FEW, domain)
    position_seeds(seeds, domain, np.random.default_rng(4), rtol=0.0)
    cens, rads = _circles(seeds)
    assert _min_clearance(cens, rads, 0.0) >= 0


def test_raster_marks_only_sure_failures(domain):
    """Every candidate in a marked pixel fails the exact test, and the listed pixels hold
    all the unmarked ones."""
    rng = np.random.default_rng(5)
    seeds = _seeds(EQUAL, domain)
    position_seeds(seeds, domain, rng)
    cens, rads = _circles(seeds)
    r = float(rads.min())
    rtol = calc_rtol(seeds)
    box = rectangle_limits(domain, "sample_limits")
    zs = np.append(cens[:, 0] + 1j * cens[:, 1], complex(1e30, 1e30))
    rs = np.append(rads, 0.0)
    order = np.arange(len(rads))
    raster = positioning._build_raster(box, r, rads, order, list(order), zs, rs, rtol)
    pts = np.array(box[::2]) + np.array([box[1] - box[0], box[3] - box[2]]) * rng.random((20000, 2))
    marked = raster.marked[raster.pixels(pts)]
    assert marked.mean() > 0.5
    total = cdist(pts[marked], cens) + rtol * np.minimum(r, rads) - r - rads
    assert np.all(np.any(total < 0, axis=1))
    listed = np.zeros_like(raster.marked)
    listed[raster.free_flat] = True
    assert np.all(listed[raster.pixels(pts[~marked])])


def test_cell_list_finds_every_blocking_seed(domain):
    rng = np.random.default_rng(6)
    seeds = _seeds(LOGNORMAL_MANY, domain)
    position_seeds(seeds, domain, rng)
    cens, rads = _circles(seeds)
    rtol = calc_rtol(seeds)
    n = len(rads)
    box = rectangle_limits(domain, "sample_limits")
    size = rads.max() * (2 - rtol)
    cells = positioning._CellList(box, size, n)
    for k in range(n):
        cells.add(k, cens[k])
    zs = np.append(cens[:, 0] + 1j * cens[:, 1], complex(1e30, 1e30))
    rs = np.append(rads, 0.0)
    r = float(rads.min())
    pts = rng.random((4000, 2))
    total = cdist(pts, cens) + rtol * np.minimum(r, rads) - r - rads
    clear = np.all(total >= 0, axis=1)
    for start in range(0, len(pts), 50):
        sub = slice(start, start + 50)
        k = positioning._first_clear(pts[sub], r, cells, zs, rs, rtol, False)
        expected = int(np.argmax(clear[sub])) if clear[sub].any() else -1
        assert k == expected
