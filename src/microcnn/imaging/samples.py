"""A grid of sample images: a row per class and magnification, a column per look.

The samples are drawn afresh from each class's first microstructure at fixed magnifications,
with the look seed of that image in the dataset: within a row the columns differ only by their
look, and every look is shown at the same low and high magnification. Images picked from the
dataset would show each look at another microstructure and whatever magnification was drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from microstructpy.meshing import PolyMesh

from microcnn.atomic import save_figure
from microcnn.imaging.render import LOOKS, ImageSettings, Renderer, cell_polygons
from microcnn.imaging.view import View
from microcnn.rng import derive_seed

MAGNIFICATIONS = (0.7, 2.0)  # one framed in a white margin, one filling the frame


def plot_samples(
    meshes: Mapping[str, tuple[int, PolyMesh]],
    looks: Sequence[str],
    out_path: str | Path,
    settings: ImageSettings | None = None,
    global_seed: int = 0,
    magnifications: Sequence[float] = MAGNIFICATIONS,
) -> None:
    """Every look of `looks` (columns) for each class's (index, mesh) of `meshes` at each
    magnification (rows), centred."""
    settings = settings or ImageSettings()
    rows = [(cls, m) for cls in meshes for m in magnifications]
    figure = Figure(figsize=(2.6 * len(looks), 1.9 * len(rows)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(rows), len(looks), squeeze=False)
    renderers = {look: Renderer(settings, LOOKS[look]) for look in looks}
    polygons = {cls: cell_polygons(mesh) for cls, (_, mesh) in meshes.items()}
    for (cls, magnification), row in zip(rows, axes, strict=True):
        index = meshes[cls][0]
        view = View.centred(settings.width, settings.height, settings.domain_pixels * magnification)
        for look, ax in zip(looks, row, strict=True):
            seed = derive_seed(global_seed, "render", look, cls, index)
            ax.imshow(renderers[look].render_polygons(polygons[cls], seed, view))
            ax.set_xticks([])
            ax.set_yticks([])
            # Keep a grey frame so the image's white margin stays visible.
            for spine in ax.spines.values():
                spine.set_color("0.7")
            ax.set_title(f"{look}, {cls}, {magnification:g}x", fontsize=8)
    save_figure(figure, out_path)
