"""The sample grid: a row per class sample, a column per style; missing images left blank."""

from PIL import Image

from microcnn.imaging.samples import plot_samples


def test_grid_size_and_missing_cells(tmp_path):
    image = tmp_path / "fine-00000.png"
    Image.new("RGB", (432, 288), "white").save(image)
    images = {("reference", "fine"): [str(image)], ("grey", "fine"): [str(image)]}
    out = tmp_path / "samples.png"
    plot_samples(images, ["coarse", "fine"], ["reference", "grey"], out, per_class=1)
    with Image.open(out) as grid:
        assert grid.size == (2 * 260, 2 * 190)
