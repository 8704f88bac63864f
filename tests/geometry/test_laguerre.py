"""Laguerre tessellation with scipy, against MicroStructPy's PolyMesh.from_seeds."""

from __future__ import annotations

import matplotlib
import microstructpy as msp
import numpy as np
import pytest
import scipy.stats
from microstructpy.meshing.polymesh import _is_outward, kp_loop

from microcnn.geometry.laguerre import laguerre_polymesh
from microcnn.geometry.positioning import position_seeds

matplotlib.use("Agg")

CASES = {
    "few": scipy.stats.lognorm(s=0.25, scale=0.2),  # about 30 seeds
    "many": scipy.stats.lognorm(s=0.25, scale=0.05),  # about 450 seeds
    "equal": 0.05,  # about 500 seeds
}
SQUARE = msp.geometry.Square(side_length=1, corner=(0, 0))


def _positioned(d, domain=SQUARE, rng_seed: int = 0) -> msp.seeding.SeedList:
    seeds = msp.seeding.SeedList.from_info([{"shape": "circle", "d": d}], domain.area)
    position_seeds(seeds, domain, np.random.default_rng(rng_seed))
    return seeds


def _circle_seeds(data) -> msp.seeding.SeedList:
    return msp.seeding.SeedList(
        [msp.seeding.Seed.factory("circle", r=r, center=(x, y), phase=p) for x, y, r, p in data]
    )


def _neighbour_pairs(pmesh) -> set[tuple[int, int]]:
    """Facet neighbours as pairs of seed numbers (sides stay negative)."""
    seeds = np.asarray(pmesh.seed_numbers)
    pairs = set()
    for a, b in pmesh.facet_neighbors:
        pa = int(seeds[a]) if a >= 0 else int(a)
        pairs.add((pa, int(seeds[b])))
    return pairs


@pytest.fixture(scope="module", params=list(CASES))
def meshes(request):
    seeds = _positioned(CASES[request.param])
    return seeds, laguerre_polymesh(seeds, SQUARE), msp.meshing.PolyMesh.from_seeds(seeds, SQUARE)


def test_same_cells_as_from_seeds(meshes):
    seeds, mesh, ref = meshes
    assert sorted(mesh.seed_numbers.tolist()) == sorted(ref.seed_numbers.tolist())
    ours = dict(zip(mesh.seed_numbers.tolist(), mesh.volumes, strict=True))
    theirs = dict(zip(ref.seed_numbers.tolist(), ref.volumes, strict=True))
    for k, area in theirs.items():
        assert abs(ours[k] - area) < 1e-9
    assert _neighbour_pairs(mesh) == _neighbour_pairs(ref)
    assert len(mesh.points) == len(ref.points)
    assert len(mesh.facets) == len(ref.facets)
    assert mesh.phase_numbers == [seeds[int(k)].phase for k in mesh.seed_numbers]


def test_areas_sum_to_domain(meshes):
    _, mesh, _ = meshes
    assert abs(sum(mesh.volumes) - SQUARE.area) < 1e-12


def test_regions_are_closed_loops(meshes):
    _, mesh, _ = meshes
    pts = np.asarray(mesh.points)
    uses = np.zeros(len(mesh.facets), dtype=int)
    for region, area in zip(mesh.regions, mesh.volumes, strict=True):
        loop = kp_loop([mesh.facets[f] for f in region])
        assert len(loop) == len(region) == len(set(loop))
        x, y = pts[loop].T
        assert abs(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) - area) < 1e-12
        uses[region] += 1
    interior = np.array([a >= 0 for a, _ in mesh.facet_neighbors])
    assert np.all(uses[interior] == 2)
    assert np.all(uses[~interior] == 1)
    # One point per vertex.
    assert len(np.unique(pts.round(12), axis=0)) == len(pts)


def test_sides_follow_voro_convention(meshes):
    _, mesh, _ = meshes
    pts = np.asarray(mesh.points)
    lims = {-1: (0, 0.0), -2: (0, 1.0), -3: (1, 0.0), -4: (1, 1.0)}
    for facet, (a, b) in zip(mesh.facets, mesh.facet_neighbors, strict=True):
        assert a < b
        if a < 0:
            axis, value = lims[a]
            np.testing.assert_allclose(pts[facet, axis], value, atol=1e-12)
            assert _is_outward([pts[facet[0]], pts[facet[1]]], a)


def test_plot(meshes):
    import matplotlib.pyplot as plt

    _, mesh, _ = meshes
    plt.figure()
    mesh.plot(facecolor="none", edgecolor="k")
    plt.close("all")


def test_rectangle_domain():
    domain = msp.geometry.Rectangle(side_lengths=(2.0, 1.0), corner=(-1.0, 0.5))
    seeds = _positioned(scipy.stats.lognorm(s=0.25, scale=0.2), domain, rng_seed=3)
    mesh = laguerre_polymesh(seeds, domain)
    ref = msp.meshing.PolyMesh.from_seeds(seeds, domain)
    ours = dict(zip(mesh.seed_numbers.tolist(), mesh.volumes, strict=True))
    for k, area in zip(ref.seed_numbers.tolist(), ref.volumes, strict=True):
        assert abs(ours[k] - area) < 1e-9
    assert _neighbour_pairs(mesh) == _neighbour_pairs(ref)
    assert abs(sum(mesh.volumes) - domain.area) < 1e-12
    pts = np.asarray(mesh.points)
    sides = {-1: (0, -1.0), -2: (0, 1.0), -3: (1, 0.5), -4: (1, 1.5)}
    for facet, (a, _) in zip(mesh.facets, mesh.facet_neighbors, strict=True):
        if a < 0:
            axis, value = sides[a]
            assert np.all(pts[facet, axis] == value)


def test_empty_power_cell_gets_no_region():
    # The small circle lies inside the large one: its power cell is empty.
    data = [(0.5, 0.5, 0.3, 0), (0.55, 0.5, 0.01, 1), (0.1, 0.1, 0.05, 0), (0.9, 0.85, 0.05, 0)]
    seeds = _circle_seeds(data)
    mesh = laguerre_polymesh(seeds, SQUARE)
    assert mesh.seed_numbers.tolist() == [0, 2, 3]
    assert mesh.phase_numbers == [0, 0, 0]
    assert abs(sum(mesh.volumes) - 1.0) < 1e-12
    for region in mesh.regions:
        kp_loop([mesh.facets[f] for f in region])
    # from_seeds does not handle this case...
    with pytest.raises(AssertionError):
        msp.meshing.PolyMesh.from_seeds(seeds, SQUARE)
    # ...but without the hidden seed the diagram is the same.
    ref = msp.meshing.PolyMesh.from_seeds(_circle_seeds([data[k] for k in (0, 2, 3)]), SQUARE)
    np.testing.assert_allclose(mesh.volumes, ref.volumes, atol=1e-12)


def test_single_seed():
    mesh = laguerre_polymesh(_circle_seeds([(0.3, 0.6, 0.1, 0)]), SQUARE)
    assert mesh.seed_numbers.tolist() == [0]
    assert len(mesh.facets) == 4
    assert sorted(a for a, _ in mesh.facet_neighbors) == [-4, -3, -2, -1]
    np.testing.assert_allclose(mesh.volumes, [1.0])


DEGENERATE = {
    # Four seeds on one power circle: a vertex where four cells meet.
    "four_fold": [
        (0.25, 0.25, 0.1, 0),
        (0.75, 0.25, 0.1, 0),
        (0.25, 0.75, 0.1, 0),
        (0.75, 0.75, 0.1, 0),
    ],
    # A vertex on a side, and edges that end in corners.
    "vertex_on_side": [(0.3, 0.15, 0.1, 0), (0.7, 0.15, 0.1, 0), (0.5, 0.25, 0.1, 0)],
    "grid": [(x, y, 0.05, 0) for x in (0.1, 0.3, 0.5, 0.7, 0.9) for y in (0.1, 0.3, 0.5, 0.7)],
}


@pytest.mark.parametrize("name", list(DEGENERATE))
def test_degenerate_configurations(name):
    seeds = _circle_seeds(DEGENERATE[name])
    mesh = laguerre_polymesh(seeds, SQUARE)
    ref = msp.meshing.PolyMesh.from_seeds(seeds, SQUARE)
    np.testing.assert_allclose(mesh.volumes, ref.volumes, atol=1e-12)
    assert _neighbour_pairs(mesh) == _neighbour_pairs(ref)
    for region in mesh.regions:
        loop = kp_loop([mesh.facets[f] for f in region])
        assert len(loop) == len(region)
