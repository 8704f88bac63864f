"""Vectorised sampling of circle seeds against SeedList.from_info."""

from __future__ import annotations

import microstructpy as msp
import numpy as np
import pytest
import scipy.stats

from microcnn.geometry import seeds as seeds_module
from microcnn.geometry.generate import phase_for
from microcnn.geometry.seeds import sample_diameters, sample_seeds


def _diameters(seeds: msp.seeding.SeedList) -> np.ndarray:
    return np.array([2 * s.geometry.r for s in seeds], dtype=float)


def _running_area(seeds: msp.seeding.SeedList) -> list[float]:
    """Total seed area after each seed, accumulated as from_info does."""
    total, out = 0.0, []
    for seed in seeds:
        total += seed.volume
        out.append(total)
    return out


def test_same_generator_seed_same_seeds():
    runs = [_diameters(sample_seeds(0.1, 0.25, 1.0, np.random.default_rng(s))) for s in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert len(runs[0]) != len(runs[2]) or not np.array_equal(runs[0], runs[2])


def test_no_global_random_state():
    before = np.random.get_state()[1].copy()
    sample_seeds(0.1, 0.25, 1.0, np.random.default_rng(0))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("spread", [0.25, 0.0])
@pytest.mark.parametrize("area", [1.0, 0.37, 2.5])
def test_stopping_rule(spread, area):
    for image in range(5):
        seeds = sample_seeds(0.08, spread, area, np.random.default_rng(image))
        running = _running_area(seeds)
        assert running[-1] >= area  # the area is reached
        assert len(running) == 1 or running[-2] < area  # and not before the last seed


def test_stopping_rule_across_chunks(monkeypatch):
    # Tiny chunks: the crossing seed must be found with the running total carried over.
    monkeypatch.setattr(seeds_module, "_MAX_CHUNK", 7)
    rng = np.random.default_rng(11)
    seeds = sample_seeds(0.1, 0.25, 1.0, rng)
    running = _running_area(seeds)
    assert len(seeds) > 7
    assert running[-1] >= 1.0 > running[-2]


def test_seeds_are_unpositioned_phase_0_circles():
    seeds = sample_seeds(0.2, 0.25, 1.0, np.random.default_rng(0))
    reference = msp.seeding.SeedList.from_info(phase_for(0.2, 0.25), 1.0)
    for seed in seeds:
        assert isinstance(seed, msp.seeding.Seed)
        assert isinstance(seed.geometry, msp.geometry.Circle)
        assert seed.phase == reference[0].phase == 0
        assert list(seed.position) == list(reference[0].position)
        np.testing.assert_allclose(seed.breakdown, [[0.0, 0.0, seed.geometry.r]])


def test_lognormal_diameters_match_from_info():
    mean, spread = 0.1, 0.25
    reference = np.concatenate(
        [
            _diameters(
                msp.seeding.SeedList.from_info(
                    phase_for(mean, spread), 1.0, rng_seeds={"d": 100 + k, "phase": k}
                )
            )
            for k in range(8)
        ]
    )
    rng = np.random.default_rng(2024)
    fast = np.concatenate([sample_diameters(mean, spread, 1.0, rng) for _ in range(30)])
    assert scipy.stats.ks_2samp(reference, fast).pvalue >= 0.01
    # The distribution's own mean, up to the bias of the stopping rule and sampling noise.
    assert fast.mean() == pytest.approx(mean, rel=0.03)


def test_equal_sizes_match_from_info_exactly():
    for d in (0.05, 0.1, 0.3):
        reference = _diameters(msp.seeding.SeedList.from_info(phase_for(d, 0.0), 1.0))
        fast = _diameters(sample_seeds(d, 0.0, 1.0, np.random.default_rng(0)))
        np.testing.assert_array_equal(fast, reference)


def test_nothing_to_fill():
    assert len(sample_seeds(0.1, 0.25, 0.0, np.random.default_rng(0))) == 0


@pytest.mark.parametrize(("mean", "spread"), [(0.0, 0.25), (-0.1, 0.0), (0.1, -0.5)])
def test_bad_parameters(mean, spread):
    with pytest.raises(ValueError):
        sample_seeds(mean, spread, 1.0, np.random.default_rng(0))


def test_positions_and_tessellates():
    from microcnn.geometry.laguerre import laguerre_polymesh
    from microcnn.geometry.positioning import position_seeds

    domain = msp.geometry.Square(side_length=1.0, corner=(0.0, 0.0))
    rng = np.random.default_rng(5)
    seeds = sample_seeds(0.2, 0.25, domain.area, rng)
    position_seeds(seeds, domain, rng)
    mesh = laguerre_polymesh(seeds, domain)
    assert len(mesh.volumes) == len(seeds)
    assert sum(mesh.volumes) == pytest.approx(1.0)
