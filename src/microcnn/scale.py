"""Pixel scales: how many pixels the unit square spans, and micrometres per pixel.

Light on purpose: the Snakefile and the renderer both use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def reference_pixels_per_unit(width: int, height: int, domain_fraction: float) -> float:
    """Side of the unit square in pixels at the reference scale (magnification 1): the
    reference pictures draw it 0.77 of the height of a 432x288 frame, 222 pixels."""
    return domain_fraction * min(width, height)


def pixel_size_um(domain_mm: float, pixels_per_unit: float) -> float:
    """Micrometres per pixel of an image that draws the unit square `pixels_per_unit` wide."""
    return domain_mm * 1000.0 / pixels_per_unit


def reference_pixel_size_um(config: Mapping[str, Any]) -> float:
    """Micrometres per pixel at the reference scale of a validated config: the pixel size a
    model assumes for an image whose own is not known."""
    image = config["image"]
    side = reference_pixels_per_unit(image["width"], image["height"], image["domain_fraction"])
    return pixel_size_um(config["measurement"]["domain_mm"], side)
