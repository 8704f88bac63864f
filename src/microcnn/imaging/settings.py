"""The image settings of a run (size, framing, magnification range), apart from the drawing:
the records job needs them too, and importing the renderer (matplotlib, MicroStructPy) costs a
job about 3 s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from microcnn.imaging.view import View, draw_view
from microcnn.scale import reference_pixels_per_unit


@dataclass(frozen=True)
class ImageSettings:
    width: int = 432
    height: int = 288
    domain_fraction: float = 0.77  # side of the square at the reference scale / image height
    magnification: tuple[float, float] = (1.0, 1.0)  # range each image draws its scale from
    margin: float = 0.0  # white a view may show beyond the square's edge, as a share of the frame

    @classmethod
    def from_config(cls, image: dict[str, Any]) -> ImageSettings:
        low, high = image.get("magnification", (1.0, 1.0))
        return cls(
            int(image["width"]),
            int(image["height"]),
            float(image["domain_fraction"]),
            (float(low), float(high)),
            float(image.get("margin", 0.0)),
        )

    @property
    def domain_pixels(self) -> float:
        """Side of the drawn unit square in pixels at the reference scale (magnification 1)."""
        return reference_pixels_per_unit(self.width, self.height, self.domain_fraction)

    @property
    def reference_view(self) -> View:
        """The mission's pictures: the square at the reference scale, centred."""
        return View.centred(self.width, self.height, self.domain_pixels)

    def draw_view(self, rng: np.random.Generator) -> tuple[View, float]:
        """A view at a magnification drawn from the configured range (see `draw_view`)."""
        return draw_view(
            self.width, self.height, self.domain_pixels, self.magnification, rng, self.margin
        )
