"""Draw 2D microstructures as PNG images in the reference look.

The reference look is MicroStructPy's default plot: grains filled with matplotlib's default blue
(C0), thin black boundaries, the unit square centred in a white frame, axes hidden.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from microstructpy.meshing import PolyMesh
from microstructpy.meshing.polymesh import kp_loop
from PIL import Image

DPI = 100
GRAIN_COLOR = "C0"
BOUNDARY_COLOR = "k"
BOUNDARY_WIDTH_PT = 0.5


@dataclass(frozen=True)
class ImageSettings:
    width: int = 432
    height: int = 288
    domain_fraction: float = 0.77

    @classmethod
    def from_config(cls, image: dict[str, Any]) -> ImageSettings:
        return cls(int(image["width"]), int(image["height"]), float(image["domain_fraction"]))

    @property
    def domain_pixels(self) -> float:
        """Side of the drawn unit square in pixels."""
        return self.domain_fraction * min(self.width, self.height)


def cell_polygons(mesh: PolyMesh) -> list[np.ndarray]:
    """Each grain's outline as an (n, 2) array of vertices, in region order."""
    points = np.asarray(mesh.points)
    return [points[kp_loop([mesh.facets[f] for f in region])] for region in mesh.regions]


class Renderer:
    """Draws meshes into one reused Agg figure (no pyplot: no global figure state)."""

    def __init__(self, settings: ImageSettings = ImageSettings()) -> None:
        self.settings = settings
        self.figure = Figure(figsize=(settings.width / DPI, settings.height / DPI), dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        side = settings.domain_pixels
        w = side / settings.width
        h = side / settings.height
        ax = self.figure.add_axes((0.5 - w / 2, 0.5 - h / 2, w, h))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_axis_off()
        self.collection = PolyCollection(
            [], facecolors=GRAIN_COLOR, edgecolors=BOUNDARY_COLOR, linewidths=BOUNDARY_WIDTH_PT
        )
        ax.add_collection(self.collection)

    def render(self, mesh: PolyMesh) -> np.ndarray:
        """The mesh as an RGB uint8 array of shape (height, width, 3)."""
        self.collection.set_verts(cell_polygons(mesh))
        self.canvas.draw()
        rgba = np.asarray(self.canvas.buffer_rgba())
        return np.array(rgba[:, :, :3])


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of an RGB array; Pillow writes no timestamp, so equal pixels give equal bytes."""
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="RGB").save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write bytes to `path` through a temporary file, so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def image_name(class_name: str, index: int) -> str:
    return f"{class_name}-{index:05d}.png"


def render_batch(
    meshes: Iterable[tuple[int, PolyMesh]],
    class_name: str,
    out_dir: str | Path,
    settings: ImageSettings = ImageSettings(),
) -> list[Path]:
    """Render (index, mesh) pairs of one class to `out_dir`/<class>-<index>.png."""
    renderer = Renderer(settings)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, mesh in meshes:
        path = out_dir / image_name(class_name, index)
        write_atomic(path, encode_png(renderer.render(mesh)))
        written.append(path)
    return written
