"""Draw 2D microstructures as PNG images, in the reference look or another look, at a view.

The reference look is MicroStructPy's default plot: grains filled with matplotlib's default blue
(C0), thin black boundaries, the unit square centred in a white frame, axes hidden. The other
schematic styles change what a network could latch on to without changing grain size: colour,
boundary width, noise and blur. The randomised families (`microcnn.imaging.looks`: etched,
twinned, contrast, sem) draw micrograph-like pictures on the label map instead of with
matplotlib. The view (`microcnn.imaging.view`) sets the magnification and framing; each
rendered image's record carries its view and its true grain size in pixels.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from microstructpy.meshing import PolyMesh
from PIL import Image

from microcnn.atomic import write_bytes, write_csv
from microcnn.imaging.boundaries import neighbour_pairs
from microcnn.imaging.canvas import Family
from microcnn.imaging.contrast import CONTRAST_RANGES, distinct_values, hsv_to_rgb
from microcnn.imaging.looks import FAMILIES
from microcnn.imaging.settings import ImageSettings
from microcnn.imaging.view import View, label_map, truth
from microcnn.rng import derive_seed, random_generator
from microcnn.scale import pixel_size_um

DPI = 100
BOUNDARY_COLOR = "k"
SEAM_COVER_PT = 0.75  # edge width, in the grain's own fill, of styles without boundary lines


@dataclass(frozen=True)
class Style:
    """How a tessellation is drawn."""

    name: str
    # A matplotlib colour; "grey" for a random grey level per grain; "mosaic" for a random
    # grey level or (in half the images) a random colour per grain.
    fill: str
    boundary_width_pt: float = 0.5  # 0: no boundary lines
    grey_range: tuple[int, int] = (70, 230)  # grey levels (values) of random fills
    blur_px: float = 0.0  # Gaussian blur sigma, pixels
    noise: float = 0.0  # Gaussian noise sigma, grey levels (0-255)

    @property
    def lines(self) -> bool:
        """Whether the style draws boundary lines."""
        return self.boundary_width_pt > 0

    @property
    def random_fill(self) -> bool:
        """Whether each grain draws its own fill."""
        return self.fill in ("grey", "mosaic")

    @property
    def random(self) -> bool:
        """Whether the style draws random numbers (grey levels, noise)."""
        return self.random_fill or self.noise > 0


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("reference", "C0"),
        Style("grey", "grey"),
        Style("outline", "white"),
        Style("thick", "C0", boundary_width_pt=1.5),
        Style("micrograph", "grey", 1.0, grey_range=(140, 235), blur_px=0.8, noise=8.0),
        # Grain contrast in its schematic form: flat fills, no lines; a boundary is only a
        # change of shade (and may vanish where two neighbours draw close levels).
        Style("mosaic", "mosaic", 0.0, grey_range=(40, 235)),
    )
}

Look = Style | Family
# Every look `image.styles` may name: the schematic styles, then the randomised families.
LOOKS: dict[str, Look] = {**STYLES, **FAMILIES}


def cell_polygons(mesh: PolyMesh) -> list[np.ndarray]:
    """Each grain's outline as an (n, 2) array of vertices, in region order.

    The cells of a Laguerre tessellation clipped to a rectangle are convex, so each cell's
    vertices are put in order by their angle around the cell's vertex centroid, for all cells
    at once. This replaces MicroStructPy's `kp_loop` (chaining the facets of one cell at a
    time), which took 22 ms of a 70 ms 500-grain image; the pixels are the same (tested).
    """
    points = np.asarray(mesh.points, dtype=float)
    facets = np.asarray(mesh.facets, dtype=np.int64)
    lengths = np.fromiter((len(r) for r in mesh.regions), dtype=np.int64, count=len(mesh.regions))
    flat = np.fromiter(
        (f for r in mesh.regions for f in r), dtype=np.int64, count=int(lengths.sum())
    )
    region_of_facet = np.repeat(np.arange(len(lengths)), lengths)
    # Every facet gives its two end points to its region; keep each (region, point) once.
    key = np.repeat(region_of_facet, 2) * len(points) + facets[flat].ravel()
    key = np.unique(key)
    region, point = np.divmod(key, len(points))
    xy = points[point]
    counts = np.bincount(region, minlength=len(lengths))
    cx = np.bincount(region, xy[:, 0], len(lengths)) / counts
    cy = np.bincount(region, xy[:, 1], len(lengths)) / counts
    angle = np.arctan2(xy[:, 1] - cy[region], xy[:, 0] - cx[region])
    order = np.lexsort((angle, region))
    return np.split(xy[order], np.cumsum(counts)[:-1])


class Renderer:
    """Draws meshes in one look: a schematic style into one reused Agg figure (no pyplot: no
    global figure state), a family with NumPy on the label map (no figure)."""

    def __init__(
        self, settings: ImageSettings = ImageSettings(), style: Look = STYLES["reference"]
    ) -> None:
        self.settings = settings
        self.style = style
        if isinstance(style, Family):
            return
        width, height = settings.width, settings.height
        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        # The axes are the unit square; `render` places them where the view puts the square
        # (partly outside the figure when the frame crops it).
        self.axes = self.figure.add_axes((0, 0, 1, 1))
        self.axes.set_xlim(0, 1)
        self.axes.set_ylim(0, 1)
        self.axes.set_axis_off()
        fill = "white" if style.random_fill else style.fill
        self.collection = PolyCollection(
            [],
            facecolors=fill,
            # Without lines, each grain's edge is drawn in its own fill: antialiased
            # neighbouring fills alone leave a light seam (the white behind) along every
            # boundary, which would be a line after all.
            edgecolors=BOUNDARY_COLOR if style.lines else "face",
            linewidths=style.boundary_width_pt if style.lines else SEAM_COVER_PT,
            antialiased=True,
        )
        self.axes.add_collection(self.collection)

    def render(self, mesh: PolyMesh, seed: int = 0, view: View | None = None) -> np.ndarray:
        """The mesh as an RGB uint8 array of shape (height, width, 3), at `view` (default: the
        reference view).

        `seed` drives the style's randomness (grey levels, noise), if it has any.
        """
        return self.render_polygons(cell_polygons(mesh), seed, view)

    def render_polygons(
        self, polygons: list[np.ndarray], seed: int = 0, view: View | None = None
    ) -> np.ndarray:
        """As `render`, for cell polygons already extracted (`cell_polygons`)."""
        view = view or self.settings.reference_view
        if isinstance(self.style, Family):
            return self.style.draw(polygons, seed, view).pixels
        width, height, side = view.width, view.height, view.pixels_per_unit
        self.axes.set_position(
            (view.left / width, 1 - (view.top + side) / height, side / width, side / height)
        )
        self.collection.set_verts(polygons)
        rng = np.random.default_rng(seed)
        if self.style.random_fill:
            self.collection.set_facecolors(self._fills(polygons, view, rng))
        self.canvas.draw()
        pixels = np.array(np.asarray(self.canvas.buffer_rgba())[:, :, :3])
        if self.style.blur_px or self.style.noise:
            pixels = self._optical(pixels, rng)
        return pixels

    def _fills(
        self, polygons: list[np.ndarray], view: View, rng: np.random.Generator
    ) -> np.ndarray:
        """(n, 3) RGB fills in 0-1: a grey level per grain, or for "mosaic" in half the
        images a colour per grain (random hue, saturation 0.2-0.8, value the grey level).

        Without lines (mosaic) a boundary is only the step between two fills, so neighbours'
        levels are at least a step apart, as in the contrast family: drawn independently,
        neighbours that drew close levels hid boundaries that the truth counts. Neighbours are
        the grains that touch in the label map at this view: a sliver cell thinner than a
        pixel there leaves the grains on either side touching."""
        n = len(polygons)
        low, high = self.style.grey_range
        if self.style.fill != "mosaic":
            levels = rng.integers(low, high + 1, size=n) / 255.0
            return np.repeat(levels[:, None], 3, axis=1)
        step = rng.uniform(*CONTRAST_RANGES["step"])
        pairs = neighbour_pairs(label_map(polygons, view))
        levels = distinct_values(n, pairs, low / 255.0, high / 255.0, step, rng)
        if rng.uniform() < 0.5:
            hue = rng.uniform(0.0, 1.0, n)
            return hsv_to_rgb(hue, rng.uniform(0.2, 0.8, n), levels)
        return np.repeat(levels[:, None], 3, axis=1)

    def _optical(self, pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Blur and sensor noise as on an optical micrograph."""
        from scipy.ndimage import gaussian_filter

        image = pixels.astype(np.float64)
        if self.style.blur_px:
            image = gaussian_filter(image, sigma=(self.style.blur_px, self.style.blur_px, 0))
        if self.style.noise:
            noise = rng.normal(0.0, self.style.noise, size=image.shape[:2])
            image += noise[:, :, None]  # grey noise: the same on every channel
        return np.clip(np.rint(image), 0, 255).astype(np.uint8)


# zlib level for the families' PNGs: their noise leaves little to compress (level 6 saved 6 %
# of the bytes at 4x the time of level 1), so the fast level.
FAMILY_PNG_LEVEL = 1


def is_grey(pixels: np.ndarray) -> bool:
    """Whether an RGB array has equal red, green and blue everywhere."""
    return bool(
        np.array_equal(pixels[:, :, 0], pixels[:, :, 1])
        and np.array_equal(pixels[:, :, 1], pixels[:, :, 2])
    )


def png_bytes(image: Image.Image, compress_level: int | None = None) -> bytes:
    """PNG bytes of a Pillow image; Pillow writes no timestamp, so equal pixels give equal
    bytes. `compress_level` (zlib, 0-9) defaults to Pillow's."""
    buffer = io.BytesIO()
    options = {} if compress_level is None else {"compress_level": compress_level}
    image.save(buffer, format="PNG", optimize=False, **options)
    return buffer.getvalue()


def encode_png(pixels: np.ndarray, compress_level: int | None = None) -> bytes:
    """PNG bytes of an RGB array (see png_bytes).

    A grey image is written as an 8-bit grey PNG: the same pixels once read back as RGB, and
    decoded and expanded to RGB in 0.56-0.63x the time of the RGB PNG (benchmarks/decoding.py).
    """
    if is_grey(pixels):
        return png_bytes(
            Image.fromarray(np.ascontiguousarray(pixels[:, :, 0]), mode="L"), compress_level
        )
    return png_bytes(Image.fromarray(pixels, mode="RGB"), compress_level)


def png_level(look: Look) -> int | None:
    """The PNG compression level a look's images are written with."""
    return FAMILY_PNG_LEVEL if isinstance(look, Family) else None


def image_name(class_name: str, index: int) -> str:
    return f"{class_name}-{index:05d}.png"


# One row per rendered image: where it is, its view, and its truth in its own pixels.
IMAGE_RECORD_FIELDS = [
    "path",
    "class",
    "index",
    "style",
    "magnification",
    "pixels_per_unit",
    "pixel_size_um",
    "framed",
    "grains_whole",
    "grains_cut",
    "shown_area_px",
    "mean_grain_area_px",
    "box",
]


def render_batch(
    meshes: Iterable[tuple[int, PolyMesh]],
    class_name: str,
    out_dir: str | Path,
    settings: ImageSettings = ImageSettings(),
    style: Look = STYLES["reference"],
    global_seed: int = 0,
    domain_mm: float = 1.0,
    records_path: str | Path | None = None,
) -> list[Path]:
    """Render (index, mesh) pairs of one class to `out_dir`/<class>-<index>.png, each at a
    view drawn from `settings.magnification`; write a record per image to `records_path`.

    The view's randomness has a seed of its own, so a look's randomness never moves it.
    """
    cells = ((index, cell_polygons(mesh)) for index, mesh in meshes)
    return _render_cells(
        cells, class_name, out_dir, settings, style, global_seed, domain_mm, records_path
    )


def render_looks(
    meshes: Iterable[tuple[int, PolyMesh]],
    class_name: str,
    looks: Iterable[tuple[Look, str | Path, str | Path]],
    settings: ImageSettings = ImageSettings(),
    global_seed: int = 0,
    domain_mm: float = 1.0,
) -> list[list[Path]]:
    """`render_batch` for each (look, out_dir, records_path) of `looks` in turn, the meshes'
    cell outlines extracted once for all of them; the paths written, per look.

    Every image's view and look come from seeds of its own (global seed, look, class, index),
    so an image is the same, byte for byte, whichever looks are drawn with it and in what order.
    """
    cells = [(index, cell_polygons(mesh)) for index, mesh in meshes]
    return [
        _render_cells(
            cells, class_name, out_dir, settings, look, global_seed, domain_mm, records_path
        )
        for look, out_dir, records_path in looks
    ]


def _render_cells(
    cells: Iterable[tuple[int, list[np.ndarray]]],
    class_name: str,
    out_dir: str | Path,
    settings: ImageSettings,
    style: Look,
    global_seed: int,
    domain_mm: float,
    records_path: str | Path | None,
) -> list[Path]:
    """`render_batch` for (index, cell polygons) pairs."""
    renderer = Renderer(settings, style)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, rows = [], []
    for index, polygons in cells:
        path = out_dir / image_name(class_name, index)
        view_rng = random_generator(derive_seed(global_seed, "view", style.name, class_name, index))
        view, magnification = settings.draw_view(view_rng)
        seed = derive_seed(global_seed, "render", style.name, class_name, index)
        pixels = renderer.render_polygons(polygons, seed, view)
        write_bytes(path, encode_png(pixels, png_level(style)))
        written.append(path)
        true = truth(polygons, view)
        rows.append(
            {
                "path": str(path),
                "class": class_name,
                "index": index,
                "style": style.name,
                "magnification": f"{magnification:.6f}",
                "pixels_per_unit": f"{view.pixels_per_unit:.4f}",
                "pixel_size_um": f"{pixel_size_um(domain_mm, view.pixels_per_unit):.6g}",
                "framed": int(view.framed),
                "grains_whole": true.grains_whole,
                "grains_cut": true.grains_cut,
                "shown_area_px": f"{true.shown_area_px:.1f}",
                "mean_grain_area_px": f"{true.mean_grain_area_px:.4f}",
                "box": " ".join(str(v) for v in view.box),
            }
        )
    if records_path is not None:
        write_csv(records_path, IMAGE_RECORD_FIELDS, rows)
    return written
