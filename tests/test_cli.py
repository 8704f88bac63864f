"""`microcnn predict` and `microcnn measure`: good images at native size, bad files, odd formats;
one line per failure, no traceback; the pixel size decides micrometres, G and the class."""

import csv
import io
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from microcnn.classes import astm_g
from microcnn.cli import main
from microcnn.data.predictions import columns

from .helpers import REPO

NAMES = ("fine", "coarse")  # the saved model's classes, finest first


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_predict_answers_good_files_and_reports_bad_ones(images, saved_model, capsys):
    args = [str(images / n) for n in ("good.png", "empty.png", "truncated.png", "grey16.png")]
    code = main(["predict", *args, str(images / "missing.png"), "--model", str(saved_model)])
    out, err = capsys.readouterr()
    assert code == 1
    rows = _rows(out)
    assert [r["path"] for r in rows] == [args[0], args[3]]
    assert list(rows[0]) == columns(NAMES, with_truth=False)
    for row in rows:
        assert float(row["probability"]) == pytest.approx(float(row[f"p_{row['label']}"]))
        assert float(row["p_coarse"]) + float(row["p_fine"]) == pytest.approx(1, abs=1e-5)
        # The untrained network answers 1000 px, sd 0.3 (log10), for every image.
        assert float(row["mean_grain_area_px"]) == pytest.approx(1000, rel=1e-3)
        assert float(row["log10_area_sd"]) == pytest.approx(0.3, rel=1e-3)
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert (
        sum(
            line.startswith("note: no --pixel-size: classes decided at the reference")
            for line in lines
        )
        == 1
    )
    assert any(line.startswith(f"error: {args[1]}: empty file") for line in lines)
    assert any(line.startswith(f"error: {args[2]}: corrupt or truncated") for line in lines)
    assert any("missing.png: no such file" in line for line in lines)
    assert lines[-1] == "3 of 5 inputs failed"


def test_predict_pixel_size_gives_micrometres_g_and_the_class(images, saved_model, capsys):
    good = str(images / "good.png")
    # Without a pixel size: the reference 4.5 um per pixel, 1000 px = 20250 um^2: coarse.
    assert main(["predict", good, "--model", str(saved_model)]) == 0
    (row,) = _rows(capsys.readouterr().out)
    assert row["label"] == "coarse" and row["astm_g"] == row["mean_grain_area_um2"] == ""
    # At 2 um per pixel the same 1000 px are 4000 um^2: fine, with G.
    assert main(["predict", good, "--pixel-size", "2", "--model", str(saved_model)]) == 0
    out, err = capsys.readouterr()
    (row,) = _rows(out)
    assert row["label"] == "fine" and float(row["mean_grain_area_um2"]) == pytest.approx(4000)
    assert float(row["astm_g"]) == pytest.approx(astm_g(4000.0), abs=2e-3)
    assert err == ""  # a known pixel size needs no note


def test_predict_folder_any_size_no_resizing(images, saved_model, capsys, tmp_path):
    out_csv = tmp_path / "predictions.csv"
    code = main(["predict", str(images), "--model", str(saved_model), "--output", str(out_csv)])
    _, err = capsys.readouterr()
    rows = _rows(out_csv.read_text())
    names = sorted(r["path"].rsplit("/", 1)[-1] for r in rows)
    assert names == ["deep.jpg", "good.png", "grey16.png", "rgba.png", "small.png"]
    assert code == 1  # empty, text and truncated .png files failed
    assert "resized" not in err and "notes.txt" not in err
    assert err.count("error: ") == 3


def test_predict_many_images_and_sizes_exit_zero(images, saved_model, capsys, tmp_path):
    folder = tmp_path / "ok"
    folder.mkdir()
    for k in range(70):  # more than one batch of one size
        shutil.copy(images / "good.png", folder / f"{k:02d}.png")
    good = np.asarray(Image.open(images / "good.png"))
    Image.fromarray(np.tile(good, (5, 4, 1))[:1200, :1600]).save(folder / "large.png")
    assert main(["predict", str(folder), "--model", str(saved_model), "--pixel-size", "1"]) == 0
    out, err = capsys.readouterr()
    rows = _rows(out)
    assert len(rows) == 71 and err == ""
    assert [r["path"].rsplit("/", 1)[-1] for r in rows][-1] == "large.png"


def test_predict_refuses_what_the_network_cannot_measure(images, saved_model, capsys, tmp_path):
    """An image below the network's least side (28 px for compact) and images of one colour
    throughout get one line each, the others their answers; 28 px a side is answered."""
    good = np.asarray(Image.open(images / "good.png"))
    files = {
        "27x40.png": good[:27, :40],
        "28x28.png": good[:28, :28],
        "grey.png": np.full((288, 432, 3), 128, np.uint8),
        "white.png": np.full((288, 432, 3), 255, np.uint8),
    }
    for name, pixels in files.items():
        Image.fromarray(pixels).save(tmp_path / name)
    args = [str(tmp_path / name) for name in files] + [str(images / "good.png")]
    code = main(["predict", *args, "--pixel-size", "1", "--model", str(saved_model)])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert [r["path"] for r in _rows(out)] == [args[1], args[4]]
    assert err.splitlines() == [
        f"error: {args[0]}: image 40x27 is smaller than the network measures (28 pixels a side "
        "at least; enlarging it would change its grain size)",
        f"error: {args[2]}: uniform image (every pixel 128, 128, 128): no grain boundaries to "
        "measure",
        f"error: {args[3]}: uniform image (every pixel 255, 255, 255): no grain boundaries to "
        "measure",
        "3 of 5 inputs failed",
    ]


@pytest.mark.parametrize("command", ["predict", "measure"])
def test_levels_stretched_measures_a_dim_image_as_the_image(
    command, varied_model, rendered_images, tmp_path, capsys
):
    """A rendering at half its levels: as given it is answered differently from the rendering,
    with one note naming it; with --levels stretched it gets the rendering's answer."""
    original = rendered_images / "etched-1.png"
    pixels = np.asarray(Image.open(original).convert("RGB"))
    even = tmp_path / "even.png"  # even levels, so that halving them loses nothing
    Image.fromarray(pixels // 2 * 2).save(even)
    dim = tmp_path / "dim.png"
    Image.fromarray(pixels // 2).save(dim)
    areas = {}
    for levels in ("as-given", "stretched"):
        args = [command, str(even), str(dim), "--levels", levels, "--pixel-size", "2"]
        assert main([*args, "--model", str(varied_model)]) == 0
        out, err = capsys.readouterr()
        areas[levels] = [float(r["mean_grain_area_px"]) for r in _rows(out)]
        notes = [line for line in err.splitlines() if "levels" in line]
        if levels == "as-given":
            assert notes == [
                f"note: 1 of 2 images use less than half of the 0-255 levels (e.g. {dim}); dim "
                "or flat images are measured far off as given: --levels stretched maps each "
                "image's own levels to 0-255 first"
            ]
        else:
            assert notes == []
    assert abs(areas["as-given"][1] / areas["as-given"][0] - 1) > 0.01
    assert areas["stretched"][1] == pytest.approx(areas["stretched"][0], rel=1e-6)


def test_predict_reads_levels_as_the_model_was_trained(
    stretched_model, rendered_images, tmp_path, capsys
):
    """A model trained on stretched levels (its model.json says so) gets images stretched
    unless --levels says otherwise: a dim copy is answered as the image, without a note."""
    pixels = np.asarray(Image.open(rendered_images / "etched-1.png").convert("RGB"))
    even, dim = tmp_path / "even.png", tmp_path / "dim.png"
    Image.fromarray(pixels // 2 * 2).save(even)
    Image.fromarray(pixels // 2).save(dim)
    areas = {}
    for levels in ([], ["--levels", "as-given"]):
        args = ["predict", str(even), str(dim), "--pixel-size", "2", *levels]
        assert main([*args, "--model", str(stretched_model)]) == 0
        out, err = capsys.readouterr()
        areas[bool(levels)] = [float(r["mean_grain_area_px"]) for r in _rows(out)]
        assert ("levels" in err) == bool(levels)  # the note, only for images read as given
    assert areas[False][1] == pytest.approx(areas[False][0], rel=1e-6)
    assert abs(areas[True][1] / areas[True][0] - 1) > 0.01


def test_predict_missing_model(images, tmp_path, capsys):
    code = main(["predict", str(images / "good.png"), "--model", str(tmp_path / "none.keras")])
    assert code == 2
    assert "cannot load model" in capsys.readouterr().err


@pytest.fixture(scope="module")
def rendering(tmp_path_factory):
    """A default fine microstructure rendered at 1024x768 (the square 0.77 of the height)."""
    from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
    from microcnn.imaging.render import ImageSettings, Renderer, encode_png

    mesh, _ = generate_one(ClassSpec("fine", 1, (0.08, 0.08), 0.25), 3, 0, GenerationSettings())
    path = tmp_path_factory.mktemp("render") / "fine-1024.png"
    path.write_bytes(encode_png(Renderer(ImageSettings(1024, 768)).render(mesh)))
    return path


def test_measure_same_columns_and_the_planimetric_g(rendering, saved_model, capsys):
    code = main(["measure", str(rendering), "--pixel-size", "1.7", "--model", str(saved_model)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    (row,) = _rows(out)
    assert list(row)[: len(columns(NAMES, False))] == columns(NAMES, False)
    assert list(row)[len(columns(NAMES, False)) :] == [
        "astm_g_intercept",
        "mean_intercept_px",
        "grains_equivalent",
    ]
    area_um2 = float(row["mean_grain_area_px"]) * 1.7**2
    assert float(row["astm_g"]) == pytest.approx(astm_g(area_um2), abs=2e-3)
    assert float(row["probability"]) == 1.0  # the classical measurement: a hard decision


def test_measure_in_native_pixels_a_downscale_has_a_quarter_of_the_area(
    rendering, saved_model, capsys, tmp_path
):
    half = tmp_path / "fine-512.png"
    with Image.open(rendering) as image:
        image.resize((512, 384), Image.Resampling.LANCZOS).save(half)
    assert main(["measure", str(rendering), str(half), "--model", str(saved_model)]) == 0
    full, small = (float(r["mean_grain_area_px"]) for r in _rows(capsys.readouterr().out))
    assert full / small == pytest.approx(4.0, rel=0.15)


def test_measure_bad_files_and_blank_images(images, saved_model, capsys, tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((50, 60, 3), 255, np.uint8)).save(blank)
    args = [str(images / "empty.png"), str(images / "text.png"), str(blank)]
    code = main(["measure", *args, "--model", str(saved_model)])
    out, err = capsys.readouterr()
    assert code == 1 and _rows(out) == [] and "Traceback" not in err
    assert err.strip().splitlines()[-1] == "3 of 3 inputs failed"


def test_measure_without_a_model_says_where_the_classes_come_from(images, tmp_path, capsys):
    code = main(["measure", str(images / "good.png"), "--model", str(tmp_path / "x.keras")])
    assert code == 2
    assert "cannot read the classes from the model's metadata" in capsys.readouterr().err


def test_a_bad_pixel_size_is_a_usage_error(images, saved_model, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(images / "good.png"), "--pixel-size", "-1"])
    assert exit_info.value.code == 2
    assert "must be a positive number" in capsys.readouterr().err


# Runs the command in this process and then names the heavy libraries it loaded.
_LOADED = (
    "import sys\n"
    "from microcnn.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "heavy = {'tensorflow', 'keras', 'sklearn', 'matplotlib', 'scipy'}\n"
    "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def test_predict_loads_no_tensorflow_when_the_artefact_is_current(images, saved_model):
    """In a fresh process: the fast path loads none of TensorFlow, Keras, scikit-learn,
    matplotlib or SciPy, and prints nothing but the answer."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    good = str(images / "good.png")
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, "predict", good, "--model", str(saved_model)]
        + ["--pixel-size", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["[]"]
    assert [r["path"] for r in _rows(result.stdout)] == [good]


def test_predict_without_an_artefact_says_so_and_answers_the_same(
    images, saved_model, keras_only_model, capsys
):
    args = [str(images / "good.png"), str(images / "small.png"), "--pixel-size", "2"]
    assert main(["predict", *args, "--model", str(saved_model)]) == 0
    fast = capsys.readouterr()
    assert main(["predict", *args, "--model", str(keras_only_model)]) == 0
    slow = capsys.readouterr()
    assert fast.err == ""
    assert slow.err.splitlines() == [
        "note: running the Keras model (slower start-up): "
        f"{keras_only_model.with_suffix('.tflite')} not found"
    ]
    assert slow.out == fast.out


def test_predict_with_a_damaged_artefact_is_a_model_error(images, saved_model, tmp_path, capsys):
    for source in saved_model.parent.iterdir():
        shutil.copy(source, tmp_path / source.name)
    artefact = tmp_path / "model.tflite"
    artefact.write_bytes(artefact.read_bytes()[:1000])
    code = main(["predict", str(images / "good.png"), "--model", str(tmp_path / "model.keras")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: {artefact}: its SHA-256 differs from the one recorded in model.tflite.json "
        "(corrupt, truncated or replaced): remove both files, or export the model again"
    ]


def test_predict_views(varied_model, rendered_images, tmp_path, capsys):
    """--views 1 measures the image as given; the default averages 4 views, so a mirrored
    copy of an image gets the image's answer; other counts are a usage error."""
    original = rendered_images / "etched-1.png"
    mirrored = tmp_path / "mirrored.png"
    Image.fromarray(np.asarray(Image.open(original))[:, ::-1]).save(mirrored)
    areas = {}
    for views in ([], ["--views", "1"]):
        assert (
            main(["predict", str(original), str(mirrored), "--model", str(varied_model)] + views)
            == 0
        )
        rows = _rows(capsys.readouterr().out)
        areas[len(views)] = [float(r["mean_grain_area_px"]) for r in rows]
    four, one = areas[0], areas[2]
    assert four[0] == pytest.approx(four[1], rel=1e-4)
    assert abs(one[0] / one[1] - 1) > 1e-3
    assert abs(four[0] / one[0] - 1) > 1e-3
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(original), "--views", "3"])
    assert exit_info.value.code == 2
    assert "--views: invalid choice: 3 (choose from 1, 2, 4)" in capsys.readouterr().err
