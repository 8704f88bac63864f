"""The randomised looks (families) by name: what `image.styles` may name besides the
schematic styles of `microcnn.imaging.render`."""

from __future__ import annotations

from microcnn.imaging.canvas import Family
from microcnn.imaging.contrast import CONTRAST
from microcnn.imaging.etched import ETCHED, TWINNED
from microcnn.imaging.sem import SEM

FAMILIES: dict[str, Family] = {f.name: f for f in (ETCHED, TWINNED, CONTRAST, SEM)}
