"""The sample grid: a row per class and magnification, a column per look."""

from PIL import Image

from microcnn.geometry.generate import GenerationSettings, generate_one
from microcnn.imaging.samples import plot_samples


def test_grid_size(tmp_path, fine_spec, coarse_spec):
    meshes = {
        "coarse": (0, generate_one(coarse_spec, 1, 0, GenerationSettings())[0]),
        "fine": (0, generate_one(fine_spec, 1, 0, GenerationSettings())[0]),
    }
    out = tmp_path / "samples.png"
    plot_samples(meshes, ["reference", "etched", "sem"], out, magnifications=(0.7, 2.0))
    with Image.open(out) as grid:
        assert grid.size == (3 * 260, 4 * 190)
