"""Grain-size classes as bands of mean grain area, and the class that follows from a measured or
predicted grain size.

A class is configured by the range of its images' mean equivalent diameter (domain units) and
the log-normal spread of diameters within an image. Its band of mean grain area in square
micrometres is pi/4 d^2 exp(spread^2) (d^2 exp(spread^2) is the mean squared diameter of a
log-normal with mean d, and the seeds fill the square) for d at the range's ends, times the
square's side in micrometres squared. Neighbouring classes are divided at the geometric middle
of their gap, unless the configuration gives the boundaries. Everything here is in micrometres;
an image's grain size is in its own pixels and meets the bands through its pixel size.

Light on purpose (no NumPy): the Snakefile, the CLI and the model's metadata use it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GrainSizeClasses:
    """Class names from the finest grains to the coarsest, and the mean grain areas (um^2)
    between neighbours: `boundaries_um2[i]` divides `names[i]` from `names[i + 1]`."""

    names: tuple[str, ...]
    boundaries_um2: tuple[float, ...]
    bands_um2: tuple[tuple[float, float], ...]  # each class's configured band, for reports

    def __post_init__(self) -> None:
        if len(self.boundaries_um2) != len(self.names) - 1:
            raise ValueError("one boundary between each pair of neighbouring classes")
        if any(b >= a for a, b in zip(self.boundaries_um2[1:], self.boundaries_um2, strict=False)):
            raise ValueError(f"class boundaries must increase: {self.boundaries_um2}")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GrainSizeClasses:
        """The classes of a validated configuration (`classes`, `measurement`)."""
        side_um = config["measurement"]["domain_mm"] * 1000.0
        bands = {}
        for name, spec in config["classes"].items():
            factor = math.pi / 4 * math.exp(spec.get("spread", 0.25) ** 2) * side_um**2
            low, high = spec["mean_diameter"]
            bands[name] = (factor * low**2, factor * high**2)
        names = tuple(sorted(bands, key=lambda n: bands[n]))
        given = config["measurement"].get("class_boundaries_um2")
        if given is not None:
            boundaries = tuple(float(b) for b in given)
        else:
            boundaries = tuple(
                math.sqrt(bands[a][1] * bands[b][0]) for a, b in zip(names, names[1:], strict=False)
            )
        return cls(names, boundaries, tuple(bands[n] for n in names))

    def to_json(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "boundaries_um2": list(self.boundaries_um2),
            "bands_um2": [list(b) for b in self.bands_um2],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GrainSizeClasses:
        return cls(
            tuple(data["names"]),
            tuple(float(b) for b in data["boundaries_um2"]),
            tuple((float(a), float(b)) for a, b in data["bands_um2"]),
        )

    def label(self, area_um2: float) -> str:
        """The class of a mean grain area (an area on a boundary goes to the coarser class)."""
        return self.names[sum(area_um2 >= b for b in self.boundaries_um2)]

    def probabilities(self, log10_area_um2: float, log10_sd: float) -> dict[str, float]:
        """Each class's probability under a normal estimate of log10(mean grain area / um^2)."""
        if not log10_sd > 0:
            label = self.label(10**log10_area_um2)
            return {name: float(name == label) for name in self.names}
        cdf = [
            0.5 * (1 + math.erf((math.log10(b) - log10_area_um2) / (log10_sd * math.sqrt(2))))
            for b in self.boundaries_um2
        ]
        edges = [0.0, *cdf, 1.0]
        return {name: edges[i + 1] - edges[i] for i, name in enumerate(self.names)}


ASTM_G_OFFSET = 2.954  # G = 3.321928 log10(N_A) - 2.954, N_A grains per mm^2 (ASTM E112)
# G numbers per decade of mean grain area (1 / log10 2): one G number is a factor 2 in area.
G_PER_DECADE = 3.321928


def astm_g(area_um2: float) -> float:
    """ASTM E112 grain size number G of a mean grain area in square micrometres."""
    return G_PER_DECADE * math.log10(1e6 / area_um2) - ASTM_G_OFFSET


def delta_g(predicted_area: float, true_area: float) -> float:
    """|dG| between two mean grain areas (any one unit): 3.32 |log10 of their ratio|."""
    return G_PER_DECADE * abs(math.log10(predicted_area / true_area))


def check_bands(classes: Sequence[str], config: Mapping[str, Any]) -> list[str]:
    """Configuration errors of the class boundaries: one line each, naming the key."""
    given = config["measurement"].get("class_boundaries_um2")
    if given is None:
        return []
    n = len(classes)
    if len(given) != n - 1:
        return [
            f"config key 'measurement.class_boundaries_um2': {len(given)} given; allowed: "
            f"null or {n - 1} increasing areas (one between each pair of the {n} classes)"
        ]
    if any(b <= a for a, b in zip(given, given[1:], strict=False)):
        return [
            f"config key 'measurement.class_boundaries_um2': {given} do not increase; "
            "allowed: null or increasing areas in um^2"
        ]
    return []
