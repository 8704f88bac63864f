"""Rendering: 432x288 RGB PNGs in the reference look, byte-identical for equal inputs."""

import hashlib
import io

import numpy as np
from PIL import Image

from microcnn.generate import GenerationSettings, generate_one
from microcnn.render import ImageSettings, Renderer, encode_png, render_batch


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


def test_other_image_size(coarse_spec):
    mesh, _ = generate_one(coarse_spec, 1, 0, GenerationSettings())
    pixels = Renderer(ImageSettings(200, 100, 0.5)).render(mesh)
    assert pixels.shape == (100, 200, 3)
    with Image.open(io.BytesIO(encode_png(pixels))) as image:
        assert image.size == (200, 100)
