"""Circle seeds filling an area, sampled in vectorised chunks.

The rule is that of ``microstructpy.seeding.SeedList.from_info`` for one circle phase: seeds are
appended until their total area first reaches or exceeds the target area, so the last seed is
the one that crosses it. Diameters come from the same distribution as
``microcnn.geometry.generate.phase_for``: log-normal with mean ``mean_diameter`` and sigma
``spread``, or constant when ``spread`` is 0. from_info reseeds numpy's global generator and
calls a scipy ``rvs`` for every seed; here the diameters are drawn from a caller's
``numpy.random.Generator`` in chunks, and only the random stream differs.
"""

from __future__ import annotations

import math

import numpy as np
from microstructpy import geometry
from microstructpy.seeding import Seed, SeedList

__all__ = ["sample_diameters", "sample_seeds"]

# Extra seeds drawn per chunk, in standard deviations of the seed count needed: one chunk is
# nearly always enough, and the surplus costs microseconds.
_CHUNK_SIGMAS = 4.0
_CHUNK_MIN_EXTRA = 16
# Upper bound on one chunk, so that a tiny diameter cannot ask for an enormous array at once.
_MAX_CHUNK = 1 << 20


def _check(mean_diameter: float, spread: float) -> None:
    if not (math.isfinite(mean_diameter) and mean_diameter > 0):
        raise ValueError(f"mean_diameter must be positive and finite, got {mean_diameter!r}")
    if not (math.isfinite(spread) and spread >= 0):
        raise ValueError(f"spread must be non-negative and finite, got {spread!r}")


def _chunk_size(mean_diameter: float, spread: float, remaining: float) -> int:
    """Seeds to draw so that one chunk almost surely covers `remaining` area."""
    # E[pi/4 d^2] for a log-normal d with mean m and sigma s is pi/4 m^2 exp(s^2); the area of
    # one seed is log-normal with sigma 2s, which gives the spread of the count needed.
    mean_area = math.pi / 4 * mean_diameter**2 * math.exp(spread**2)
    expected = remaining / mean_area
    cv = math.sqrt(math.expm1(4 * spread**2))
    extra = _CHUNK_SIGMAS * cv * math.sqrt(expected) + _CHUNK_MIN_EXTRA
    return int(min(_MAX_CHUNK, math.ceil(expected + extra)))


def sample_diameters(
    mean_diameter: float, spread: float, area: float, rng: np.random.Generator
) -> np.ndarray:
    """Diameters of the seeds that fill `area` (see `sample_seeds`), in order of drawing."""
    _check(mean_diameter, spread)
    if spread > 0:
        # scipy's lognorm(s, scale) is scale * exp(s * Z); its mean is scale * exp(s^2 / 2).
        log_scale = math.log(mean_diameter) - spread**2 / 2
    chunks: list[np.ndarray] = []
    total = 0.0
    while total < area:
        size = _chunk_size(mean_diameter, spread, area - total)
        if spread > 0:
            d = rng.lognormal(mean=log_scale, sigma=spread, size=size)
        else:
            d = np.full(size, float(mean_diameter))
        # Areas as Circle.area computes them (pi * r * r with r = d / 2), summed one by one
        # from the running total as from_info does, so the crossing seed is the same one a
        # sequential loop over these diameters would stop at.
        r = 0.5 * d
        running = np.cumsum(np.concatenate(([total], np.pi * r * r)))[1:]
        crossed = np.flatnonzero(running >= area)
        if crossed.size:
            stop = int(crossed[0]) + 1
            chunks.append(d[:stop])
            break
        chunks.append(d)
        total = float(running[-1])
    if not chunks:
        return np.empty(0)
    return np.concatenate(chunks)


def sample_seeds(
    mean_diameter: float, spread: float, area: float, rng: np.random.Generator
) -> SeedList:
    """Circle seeds (phase 0) whose total area first reaches or exceeds `area`.

    Same rule and diameter distribution as
    ``SeedList.from_info(phase_for(mean_diameter, spread), area)``; the seeds sit at the
    origin, as from_info leaves them, until they are positioned.
    """
    diameters = sample_diameters(mean_diameter, spread, area, rng)
    # Seed(Circle) skips Seed.factory's shape dispatch; it is about a quarter faster and builds
    # the same objects (geometry, breakdown, position at the origin).
    return SeedList([Seed(geometry.Circle(d=d), phase=0) for d in diameters])
