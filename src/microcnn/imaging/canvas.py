"""Randomised looks ("families"): what they share. A family draws its appearance parameters
per image from documented ranges, reproducibly from the image's render seed, curves the cell
edges, rasterises the label map once, and paints the picture on it with whole-array NumPy.

Each parameter and each part of the painting (tints, lines, pits, noise, ...) has a random
stream of its own, derived from the seed and its name, so a family built on another (twinned
on etched) draws the same picture plus its own additions, and a parameter held fixed in a test
leaves every other draw as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from microcnn.imaging.optics import to_pixels
from microcnn.imaging.view import View, label_map
from microcnn.imaging.wavy import wavy_polygons
from microcnn.rng import derive_seed, random_generator

# Longest straight piece of a curved edge, in pixels: smooth at every magnification.
CURVE_SEGMENT_PX = 5.0

Ranges = Mapping[str, tuple[float, float]]


@dataclass
class Canvas:
    """One image being painted: its label map (of the curved cells) and the straight cells'
    geometry in pixels, and the image's random streams."""

    view: View
    labels: np.ndarray  # int32 (height, width), -1 outside the specimen
    vertices_px: np.ndarray  # the straight cells' corners in pixels, cell after cell
    owner: np.ndarray  # the cell of each corner
    n_grains: int
    seed: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.labels.shape

    @property
    def grain_px(self) -> float:
        """The mean cell's side of an equal-area square, in pixels."""
        return self.view.pixels_per_unit / max(self.n_grains, 1) ** 0.5

    def line_width(self, drawn: float) -> float:
        """A drawn boundary width, at most a quarter of the mean grain (and at least 1 pixel):
        at the smallest grains a wider line would leave no grain to see."""
        return min(drawn, max(1.0, 0.25 * self.grain_px))

    @cached_property
    def inside(self) -> np.ndarray:
        return self.labels >= 0

    def rng(self, purpose: str) -> np.random.Generator:
        """The random stream of one part of the painting."""
        return random_generator(derive_seed(self.seed, "paint", purpose))

    @cached_property
    def centroids_px(self) -> np.ndarray:
        """(n, 2) mean corner of each cell, in pixels."""
        counts = np.bincount(self.owner, minlength=self.n_grains)
        sums = np.column_stack(
            [np.bincount(self.owner, self.vertices_px[:, i], self.n_grains) for i in (0, 1)]
        )
        return sums / np.maximum(counts, 1)[:, None]

    @cached_property
    def radii_px(self) -> np.ndarray:
        """(n,) each cell's equivalent-circle radius, in pixels (from its corners)."""
        x, y = self.vertices_px[:, 0], self.vertices_px[:, 1]
        nxt = np.r_[1 : len(x), 0]
        # The successor of a cell's last corner is its first.
        last = np.r_[self.owner[1:] != self.owner[:-1], True]
        first = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
        nxt[last] = first
        cross = x * y[nxt] - x[nxt] * y
        area = 0.5 * np.abs(np.bincount(self.owner, cross, self.n_grains))
        return np.sqrt(area / np.pi)


@dataclass(frozen=True)
class Drawn:
    """A painted image and the label map it was painted on."""

    pixels: np.ndarray  # uint8 (height, width, 3)
    labels: np.ndarray


# paint(canvas, params) -> (image in [0, 1], (h, w) grey or (h, w, 3) colour; JPEG quality or 0)
Painter = Callable[[Canvas, Mapping[str, float]], tuple[np.ndarray, int]]


def _uniform(seed: int, *keys: str) -> float:
    """A uniform number in [0, 1) from a hash of the seed and the keys (a generator per
    parameter would cost more than the parameter's painting)."""
    digest = hashlib.blake2b(repr((int(seed), *keys)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2.0**64


@dataclass(frozen=True)
class Family:
    """A randomised look: its name, the ranges its parameters are drawn from (uniformly), the
    chances of its optional parts (a parameter of 1.0 or 0.0 per image), and its painter."""

    name: str
    summary: str
    ranges: Ranges
    painter: Painter
    chances: Mapping[str, float] = field(default_factory=dict)
    base: Family | None = None  # the family this one adds to (its ranges included)

    def parameters(
        self, seed: int, overrides: Mapping[str, float] | None = None
    ) -> dict[str, float]:
        """This image's parameters: each drawn from its own stream, so that adding a parameter
        or holding one fixed does not move the others."""
        params = {}
        for key, (low, high) in self.ranges.items():
            params[key] = low + (high - low) * _uniform(seed, "param", key)
        for key, chance in self.chances.items():
            params[key] = 1.0 if _uniform(seed, "chance", key) < chance else 0.0
        params.update(overrides or {})
        return params

    def describe(self) -> str:
        """The family, its parameter ranges and its chances, as the schema documents them."""
        inherited = self.base.ranges if self.base else {}
        ranges = ", ".join(
            f"{k} {lo:g}-{hi:g}" for k, (lo, hi) in self.ranges.items() if k not in inherited
        )
        if self.base:
            return f"{self.name}: {self.summary} (ranges: those of {self.base.name}, and {ranges})."
        chances = ", ".join(f"{k} {c:g}" for k, c in self.chances.items())
        return f"{self.name}: {self.summary} (ranges: {ranges}; chances: {chances})."

    def draw(
        self,
        polygons: Sequence[np.ndarray],
        seed: int,
        view: View,
        overrides: Mapping[str, float] | None = None,
    ) -> Drawn:
        """The cells painted in this look at `view`, with the label map painted on."""
        params = self.parameters(seed, overrides)
        curved = polygons
        if params.get("wave", 0.0) > 0:
            rng = random_generator(derive_seed(seed, "wavy"))
            segment = CURVE_SEGMENT_PX / view.pixels_per_unit
            curved = wavy_polygons(polygons, rng, params["wave"], segment)
        labels = label_map(curved, view)
        counts = np.fromiter((len(p) for p in polygons), dtype=np.int64, count=len(polygons))
        canvas = Canvas(
            view,
            labels,
            view.to_pixels(np.concatenate(polygons)),
            np.repeat(np.arange(len(polygons)), counts),
            len(polygons),
            seed,
        )
        image, quality = self.painter(canvas, params)
        return Drawn(to_pixels(image, canvas.inside, quality), labels)
