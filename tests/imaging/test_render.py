"""Rendering: 432x288 PNGs (RGB, or 8-bit grey for grey looks), byte-identical for equal inputs."""

import hashlib
import io

import numpy as np
import pytest
from PIL import Image

from microcnn.geometry.generate import GenerationSettings, generate_one
from microcnn.imaging.boundaries import neighbour_pairs
from microcnn.imaging.contrast import CONTRAST_RANGES
from microcnn.imaging.images import load_image
from microcnn.imaging.render import (
    STYLES,
    ImageSettings,
    Renderer,
    cell_polygons,
    encode_png,
    is_grey,
    render_batch,
)
from microcnn.imaging.view import label_map

from ..helpers import read_csv


def test_png_is_rgb_of_the_configured_size(fine_spec, tmp_path):
    mesh, _ = generate_one(fine_spec, 1, 0, GenerationSettings())
    [path] = render_batch([(0, mesh)], "fine", tmp_path)
    assert path.name == "fine-00000.png"
    with Image.open(path) as image:
        assert image.size == (432, 288)
        assert image.mode == "RGB"
        assert not image.info.get("Software")  # no metadata that would differ between runs


def test_reference_look(coarse_spec):
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    pixels = Renderer().render(mesh)
    assert pixels.shape == (288, 432, 3)
    # White frame around the centred square; C0 blue (31, 119, 180) inside, black boundaries.
    assert (pixels[:, :40] == 255).all() and (pixels[:, -40:] == 255).all()
    side = 0.77 * 288
    inside = pixels[int(144 - side / 2) + 3 : int(144 + side / 2) - 3, 216 - 100 : 216 + 100]
    blue = np.all(np.abs(inside.astype(int) - (31, 119, 180)) <= 2, axis=2)
    dark = inside.sum(axis=2) < 200
    assert blue.mean() > 0.9
    assert dark.any()
    assert (blue | dark | (inside.std(axis=2) < 80)).all()


def test_same_mesh_same_bytes_across_renderers(fine_spec):
    mesh, _ = generate_one(fine_spec, 3, 1, GenerationSettings())
    first = encode_png(Renderer().render(mesh))
    other, _ = generate_one(fine_spec, 3, 2, GenerationSettings())
    reused = Renderer()
    reused.render(other)  # a reused figure must not keep anything of the previous image
    second = encode_png(reused.render(mesh))
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    assert first != encode_png(reused.render(other))


@pytest.mark.parametrize("style", ["reference", "micrograph"])
def test_grey_images_are_grey_pngs_with_the_same_pixels(coarse_spec, style, tmp_path):
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    pixels = Renderer(style=STYLES[style]).render(mesh, seed=3)
    path = tmp_path / "image.png"
    path.write_bytes(encode_png(pixels))
    with Image.open(path) as image:
        assert image.mode == ("RGB" if style == "reference" else "L")
    assert np.array_equal(load_image(path), pixels)


def test_one_coloured_pixel_keeps_an_image_rgb(tmp_path):
    pixels = np.full((20, 30, 3), 128, dtype=np.uint8)
    path = tmp_path / "image.png"
    path.write_bytes(encode_png(pixels))
    with Image.open(path) as image:
        assert image.mode == "L"
    pixels[5, 7] = (128, 129, 128)
    path.write_bytes(encode_png(pixels))
    with Image.open(path) as image:
        assert image.mode == "RGB"
    assert np.array_equal(load_image(path), pixels)


def test_other_image_size(coarse_spec):
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    pixels = Renderer(ImageSettings(200, 100, 0.5)).render(mesh)
    assert pixels.shape == (100, 200, 3)
    with Image.open(io.BytesIO(encode_png(pixels))) as image:
        assert image.size == (200, 100)


def test_every_style_is_repeatable_and_distinct(coarse_spec):
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    seen = {}
    for name, style in STYLES.items():
        first = Renderer(style=style).render(mesh, seed=5)
        assert first.shape == (288, 432, 3)
        assert np.array_equal(first, Renderer(style=style).render(mesh, seed=5))
        if style.random:  # grey levels and noise follow the seed
            assert not np.array_equal(first, Renderer(style=style).render(mesh, seed=6))
        seen[name] = first
    names = list(seen)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not np.array_equal(seen[a], seen[b]), (a, b)


def test_style_geometry(coarse_spec):
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    reference = ImageSettings().reference_view
    top, bottom, left, right = reference.box
    assert bottom - top == right - left == round(0.77 * 288)
    outline = Renderer(style=STYLES["outline"]).render(mesh)
    inside = outline[top + 3 : bottom - 3, left + 3 : right - 3]
    assert (inside.min(axis=2) > 200).mean() > 0.8  # mostly white grains
    thick = Renderer(style=STYLES["thick"]).render(mesh)
    thin = Renderer(style=STYLES["reference"]).render(mesh)
    assert (thick.sum(axis=2) < 200).sum() > 2 * (thin.sum(axis=2) < 200).sum()


@pytest.mark.parametrize("magnification", [0.5, 1.0, 1.6, 2.5])
def test_the_view_places_the_square(coarse_spec, magnification):
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    settings = ImageSettings(magnification=(magnification, magnification))
    view, drawn = settings.draw_view(np.random.default_rng(0))
    assert drawn == magnification and view.pixels_per_unit == pytest.approx(221.76 * drawn)
    pixels = Renderer(settings).render(mesh, view=view)
    top, bottom, left, right = view.box
    non_white = np.argwhere(pixels.min(axis=2) < 250)
    # The drawn square is where the view says it is (within antialiasing).
    assert abs(non_white[:, 0].min() - top) <= 1 and abs(non_white[:, 0].max() + 1 - bottom) <= 1
    assert abs(non_white[:, 1].min() - left) <= 1 and abs(non_white[:, 1].max() + 1 - right) <= 1
    assert view.framed == (magnification * 221.76 <= 288)
    if magnification * 221.76 >= 432:
        assert (pixels.min(axis=2) < 250).all()  # the grains fill the frame


def test_render_batch_records_view_and_truth(coarse_spec, tmp_path):
    meshes = [(i, generate_one(coarse_spec, 1, i, GenerationSettings())[0]) for i in range(3)]
    settings = ImageSettings(magnification=(0.5, 2.5))
    paths = render_batch(
        meshes, "coarse", tmp_path / "img", settings, STYLES["grey"], 4, 2.0, tmp_path / "r.csv"
    )
    rows = read_csv(tmp_path / "r.csv")
    assert [r["path"] for r in rows] == [str(p) for p in paths]
    for row in rows:
        ppu = float(row["pixels_per_unit"])
        assert ppu == pytest.approx(221.76 * float(row["magnification"]), rel=1e-4)
        assert float(row["pixel_size_um"]) == pytest.approx(2000 / ppu, rel=1e-4)
        equivalent = int(row["grains_whole"]) + 0.5 * int(row["grains_cut"])
        assert float(row["mean_grain_area_px"]) == pytest.approx(
            float(row["shown_area_px"]) / equivalent, rel=1e-4
        )
    # Same seed, same views and images; the view is drawn per look, so the looks differ.
    render_batch(
        meshes, "coarse", tmp_path / "again", settings, STYLES["grey"], 4, 2.0, tmp_path / "q.csv"
    )
    assert [r["box"] for r in read_csv(tmp_path / "q.csv")] == [r["box"] for r in rows]
    assert [p.read_bytes() for p in sorted((tmp_path / "again").iterdir())] == [
        p.read_bytes() for p in paths
    ]
    render_batch(
        meshes,
        "coarse",
        tmp_path / "ref",
        settings,
        STYLES["reference"],
        4,
        2.0,
        tmp_path / "s.csv",
    )
    assert [r["box"] for r in read_csv(tmp_path / "s.csv")] != [r["box"] for r in rows]


def test_pixels_match_microstructpy_own_plot(fine_spec):
    """The reused-figure renderer draws what MicroStructPy's PolyMesh.plot draws (pyplot)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mesh, _ = generate_one(fine_spec, 11, 0, GenerationSettings())
    renderer = Renderer()
    ours = renderer.render(mesh).astype(int)

    figure = plt.figure(figsize=(432 / 100, 288 / 100), dpi=100)
    try:
        ax = figure.add_axes(renderer.figure.axes[0].get_position().bounds)
        mesh.plot(facecolors="C0", edgecolors="k", linewidths=0.5)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_axis_off()
        figure.canvas.draw()
        theirs = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    finally:
        plt.close(figure)
    assert theirs.shape == ours.shape
    assert np.abs(ours - theirs).mean() <= 1.0  # mean absolute difference, 0-255 scale


def test_mosaic_grains_differ_only_by_fill_with_no_lines_or_seams(coarse_spec):
    """Every grain one flat fill; along a boundary only a blend of the two fills meeting
    there, never a darker line or a light seam; grey in some images, coloured in others."""
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    polygons = cell_polygons(mesh)
    view = ImageSettings().reference_view
    labels = label_map(polygons, view)
    renderer = Renderer(style=STYLES["mosaic"])
    coloured = []
    for seed in range(8):
        rendered = renderer.render_polygons(polygons, seed, view)
        coloured.append(not is_grey(rendered))
        pixels = rendered.astype(int)
        # The fill of each grain: its most common colour.
        fills = np.zeros((len(polygons), 3), dtype=int)
        for grain in range(len(polygons)):
            colours, counts = np.unique(pixels[labels == grain], axis=0, return_counts=True)
            fills[grain] = colours[counts.argmax()]
        low, high = np.full(labels.shape + (3,), 255), np.zeros(labels.shape + (3,), dtype=int)
        fills = np.vstack([fills, [255, 255, 255]])  # label -1: the white margin
        # Bounds from every grain (or margin) within two pixels: the antialiased edge's reach.
        padded = np.pad(labels, 2, constant_values=-1)
        for dy in range(5):
            for dx in range(5):
                fill = fills[padded[dy : dy + labels.shape[0], dx : dx + labels.shape[1]]]
                low, high = np.minimum(low, fill), np.maximum(high, fill)
        inside = labels >= 0
        interior = inside & (low == high).all(axis=2)
        assert interior.sum() > 0.7 * inside.sum()
        assert (np.abs(pixels - low)[interior] <= 1).all()  # flat fills
        edge = inside & ~interior
        assert (pixels[edge] >= low[edge] - 2).all()  # no dark boundary line
        assert (pixels[edge] <= high[edge] + 2).all()  # no light seam
    assert any(coloured) and not all(coloured)


def test_mosaic_neighbours_differ_by_at_least_a_step(fine_spec):
    """Without lines a boundary is only a step in shade: every pair of touching grains differs
    by the contrast family's least step in value (largest channel), so no grain the truth
    counts is hidden."""
    mesh, _ = generate_one(fine_spec, 2, 0, GenerationSettings())
    polygons = cell_polygons(mesh)
    view = ImageSettings().reference_view
    labels = label_map(polygons, view)
    pairs = neighbour_pairs(labels)
    assert len(pairs) > 2 * len(polygons)
    renderer = Renderer(style=STYLES["mosaic"])
    for seed in range(4):
        value = renderer.render_polygons(polygons, seed, view).max(axis=2).astype(int)
        fill = np.array([np.bincount(value[labels == g]).argmax() for g in range(len(polygons))])
        least = np.abs(fill[pairs[:, 0]] - fill[pairs[:, 1]]).min()
        assert least >= 255 * CONTRAST_RANGES["step"][0] - 2
        assert np.array_equal(renderer.render_polygons(polygons, seed, view).max(axis=2), value)
