"""The randomised looks (families): reproducible per image seed, drawn at every magnification,
distinct from one another; the truth and the label map untouched by what they add."""

import numpy as np
import pytest

from microcnn.config import load_schema
from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.looks import FAMILIES
from microcnn.imaging.margin import MARGIN_LEVEL
from microcnn.imaging.render import (
    LOOKS,
    ImageSettings,
    Renderer,
    cell_polygons,
    encode_png,
    render_batch,
    render_looks,
)
from microcnn.imaging.view import View, truth
from microcnn.rng import derive_seed, random_generator

from ..helpers import read_csv

COARSE = ClassSpec("coarse", 1, (0.2, 0.34), 0.25)
FINE = ClassSpec("fine", 1, (0.05, 0.11), 0.25)
MAGNIFICATIONS = (0.5, 1.0, 2.5)


@pytest.fixture(scope="module")
def fine_polygons():
    return cell_polygons(generate_one(FINE, 1, 0, GenerationSettings())[0])


@pytest.fixture(scope="module")
def coarse_polygons():
    return cell_polygons(generate_one(COARSE, 1, 0, GenerationSettings())[0])


def _view(magnification: float) -> View:
    return View.centred(432, 288, 221.76 * magnification)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_same_seed_same_bytes(name, fine_polygons):
    view = _view(1.0)
    first = FAMILIES[name].draw(fine_polygons, 5, view).pixels
    again = Renderer(ImageSettings(), FAMILIES[name]).render_polygons(fine_polygons, 5, view)
    assert encode_png(first) == encode_png(again)
    other = FAMILIES[name].draw(fine_polygons, 6, view).pixels
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("magnification", MAGNIFICATIONS)
def test_every_family_at_every_magnification(magnification, fine_polygons, coarse_polygons):
    view = _view(magnification)
    for polygons in (fine_polygons, coarse_polygons):
        drawn = {name: FAMILIES[name].draw(polygons, 3, view) for name in FAMILIES}
        for name, image in drawn.items():
            assert image.pixels.shape == (288, 432, 3) and image.pixels.dtype == np.uint8
            outside = image.labels < 0
            # The margin is pure white; no specimen pixel is.
            assert (image.pixels[outside] == MARGIN_LEVEL).all(), name
            assert (image.pixels[~outside] < MARGIN_LEVEL).all(), name
            assert view.framed == outside.any()
        names = list(drawn)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                specimen = drawn[a].labels >= 0
                difference = np.abs(drawn[a].pixels.astype(int) - drawn[b].pixels)[specimen].mean()
                # At one seed twinned is etched plus twins (the dataset's seeds differ by look).
                assert difference > (0.5 if {a, b} == {"etched", "twinned"} else 10), (a, b)


def test_looks_differ_in_kind(coarse_polygons):
    """What each family claims: etched dark lines on light grains, sem bright lines on dark
    grains, contrast no lines (pixels near a boundary like those inside)."""
    view = _view(1.0)
    labels = FAMILIES["etched"].draw(coarse_polygons, 1, view, {"missing": 0.0}).labels
    near = np.zeros(labels.shape, dtype=bool)
    near[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    near[1:, :] |= labels[1:, :] != labels[:-1, :]
    inner = (labels >= 0) & ~near
    for shift in (-2, -1, 1, 2):
        inner &= np.roll(~near, shift, 0) & np.roll(~near, shift, 1)
    near &= labels >= 0
    grey = {}
    for name in ("etched", "sem", "contrast"):
        drawn = FAMILIES[name].draw(coarse_polygons, 1, view, {"missing": 0.0})
        assert np.array_equal(drawn.labels, labels)  # one geometry per seed
        g = drawn.pixels.mean(axis=2)
        grey[name] = (g[near].mean(), g[inner].mean())
    assert grey["etched"][0] < grey["etched"][1] - 30
    assert grey["sem"][0] > grey["sem"][1] + 30
    assert abs(grey["contrast"][0] - grey["contrast"][1]) < 15


@pytest.mark.parametrize("magnification", [1.0, 2.5])
def test_area_per_grain_of_the_drawn_label_map(magnification, coarse_polygons, fine_polygons):
    """Curved boundaries keep every grain's area: the label map each family painted on, per
    grain wholly in the image, within 3 % of the straight cell's area in pixels."""
    polygons = coarse_polygons if magnification == 1.0 else fine_polygons
    view = _view(magnification)
    for name, family in FAMILIES.items():
        labels = family.draw(polygons, 8, view, {"wave": 1.0}).labels
        counts = np.bincount(labels[labels >= 0], minlength=len(polygons))
        for index, polygon in enumerate(polygons):
            px = view.to_pixels(polygon)
            if px.min() < 0 or px[:, 0].max() > 432 or px[:, 1].max() > 288:
                continue
            x, y = px.T
            area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
            assert counts[index] == pytest.approx(area, rel=0.03), (name, index)


def test_twins_pits_and_missing_boundaries_leave_the_label_map(fine_polygons):
    view = _view(2.5)
    etched = FAMILIES["etched"]
    plain = {"pits": 0.0, "inclusions": 0.0, "scratches": 0.0, "missing": 0.0, "faint": 0.0}
    base = etched.draw(fine_polygons, 4, view, plain)
    marked = etched.draw(fine_polygons, 4, view, {"pits": 4.0, "inclusions": 12.0})
    missing = etched.draw(fine_polygons, 4, view, {**plain, "missing": 0.5})
    twinned = FAMILIES["twinned"].draw(fine_polygons, 4, view, {**plain, "twin_share": 0.8})
    for other in (marked, missing, twinned):
        assert np.array_equal(other.labels, base.labels)
        assert np.abs(other.pixels.astype(int) - base.pixels).mean() > 0.5
    # Twins are drawn inside grains: away from the boundaries the two pictures differ.
    changed = np.abs(twinned.pixels.astype(int) - base.pixels).max(axis=2) > 20
    assert changed.mean() > 0.02


def test_parameters_drawn_from_their_ranges():
    for family in FAMILIES.values():
        for seed in range(20):
            params = family.parameters(seed)
            assert params == family.parameters(seed)
            for key, (low, high) in family.ranges.items():
                assert low <= params[key] <= high, (family.name, key)
            assert all(params[key] in (0.0, 1.0) for key in family.chances)
        # Held fixed, one parameter leaves the others where they were.
        fixed = family.parameters(3, {"wave": 0.5})
        assert fixed["wave"] == 0.5
        assert {k: v for k, v in fixed.items() if k != "wave"} == {
            k: v for k, v in family.parameters(3).items() if k != "wave"
        }


def test_render_batch_records_the_truth_of_the_tessellation(tmp_path):
    """Appearance changes the picture, not the truth: a family's records hold the straight
    tessellation's truth at each image's view."""
    meshes = [(i, generate_one(COARSE, 1, i, GenerationSettings())[0]) for i in range(2)]
    settings = ImageSettings(magnification=(0.5, 2.5))
    render_batch(meshes, "coarse", tmp_path, settings, LOOKS["twinned"], 4, 1.0, tmp_path / "r.csv")
    for (index, mesh), row in zip(meshes, read_csv(tmp_path / "r.csv"), strict=True):
        seed = derive_seed(4, "view", "twinned", "coarse", index)
        view, _ = settings.draw_view(random_generator(seed))
        true = truth(cell_polygons(mesh), view)
        assert float(row["mean_grain_area_px"]) == pytest.approx(true.mean_grain_area_px, 1e-4)
        assert int(row["grains_whole"]) == true.grains_whole


def test_every_look_in_one_job_draws_what_one_job_per_look_draws(tmp_path):
    """The render stage draws every look of a batch in one job: the same bytes and records as a
    job per look, whatever the order of the looks (each image's seeds are its own)."""
    meshes = [(i + 5, generate_one(FINE, 1, i, GenerationSettings())[0]) for i in range(2)]
    settings = ImageSettings(magnification=(0.5, 2.5))
    names = list(LOOKS)
    for name in names:
        one = tmp_path / "one" / name
        render_batch(meshes, "fine", one, settings, LOOKS[name], 3, 1.0, one.with_suffix(".csv"))
    looks = [
        (LOOKS[name], tmp_path / "all" / name, tmp_path / "all" / f"{name}.csv")
        for name in reversed(names)
    ]
    written = render_looks(meshes, "fine", looks, settings, 3, 1.0)
    assert [[p.name for p in paths] for paths in written] == [
        ["fine-00005.png", "fine-00006.png"]
    ] * len(names)
    for name in names:
        one, together = tmp_path / "one" / name, tmp_path / "all" / name
        assert [p.read_bytes() for p in sorted(together.iterdir())] == [
            p.read_bytes() for p in sorted(one.iterdir())
        ]
        strip = lambda rows: [{k: v for k, v in r.items() if k != "path"} for r in rows]  # noqa: E731
        assert strip(read_csv(together.with_suffix(".csv"))) == strip(
            read_csv(one.with_suffix(".csv"))
        )


def test_schema_names_every_look():
    schema = load_schema()
    image = schema["properties"]["image"]["properties"]["styles"]
    assert image["items"]["enum"] == list(LOOKS)
    held_out = schema["properties"]["training"]["properties"]["held_out_style"]
    assert held_out["enum"] == [None, *LOOKS]
    # The description documents every family's parameter ranges as the code draws them.
    description = " ".join(image["description"].split())
    for family in FAMILIES.values():
        assert " ".join(family.describe().split()) in description, family.name
