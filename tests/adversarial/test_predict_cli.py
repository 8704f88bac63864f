"""`microcnn predict` on hostile inputs: one bad input is one line and the others are still
answered (exit 1); a bad destination or model is one line naming the file, before any work
(exit 2); nothing else on stderr."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from microcnn.cli import main

from ..helpers import REPO


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error: ")]


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    """Small files that claim huge images: 20000x20000 (above Pillow's own hard limit) and
    10000x10000 (where Pillow only warns)."""
    root = tmp_path_factory.mktemp("bombs")
    Image.new("1", (20000, 20000)).save(root / "bomb.png")
    Image.new("1", (10000, 10000)).save(root / "large.png")
    return root


def test_a_decompression_bomb_is_one_bad_input(images, bombs, saved_model, capsys):
    good = str(images / "good.png")
    bomb, large = str(bombs / "bomb.png"), str(bombs / "large.png")
    code = main(["predict", bomb, good, large, "--model", str(saved_model)])
    out, err = capsys.readouterr()
    assert code == 1
    assert [r["path"] for r in _rows(out)] == [good]
    errors = _errors(err)
    assert errors[0].startswith(f"error: {bomb}: image is larger than the limit of 64,000,000")
    assert errors[1].startswith(f"error: {large}: image 10000x10000 is larger than the limit")
    assert len(errors) == 2
    assert "DecompressionBomb" not in err and "warnings.warn" not in err
    assert err.strip().splitlines()[-1] == "2 of 3 inputs failed"


@pytest.mark.parametrize(
    ("output", "problem"), [("missing/out.csv", "folder {tmp}/missing does not exist"), ("", "")]
)
def test_a_bad_output_is_refused_before_any_work(images, tmp_path, capsys, output, problem):
    """Checked before the model is even looked at: a missing model does not come first."""
    target = tmp_path / output if output else tmp_path
    problem = problem.format(tmp=tmp_path) if output else "is a folder; give a file name"
    args = ["predict", str(images / "good.png"), "--model", str(tmp_path / "none.keras")]
    code = main([*args, "--output", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [f"error: --output {target}: {problem}"]


def test_output_is_written_when_it_can_be(images, saved_model, tmp_path, capsys):
    out = tmp_path / "p.csv"
    args = ["predict", str(images / "good.png"), "--model", str(saved_model), "-o", str(out)]
    args += ["--pixel-size", "2"]  # known: no note on stderr
    out.write_text("an older file, replaced whole\n")
    assert main(args) == 0
    assert [r["path"] for r in _rows(out.read_text())] == [str(images / "good.png")]
    assert capsys.readouterr().err == ""


@pytest.fixture
def model_copy(saved_model, tmp_path):
    """A copy of the saved model and its model.json, to damage."""
    model = tmp_path / "model.keras"
    shutil.copy(saved_model, model)
    shutil.copy(saved_model.with_suffix(".json"), model.with_suffix(".json"))
    return model


def _model_error(images, model, capsys) -> str:
    code = main(["predict", str(images / "good.png"), "--model", str(model)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_truncated_model_is_named(images, model_copy, capsys):
    data = model_copy.read_bytes()
    model_copy.write_bytes(data[: len(data) // 2])
    line = _model_error(images, model_copy, capsys)
    assert line == (
        f"error: {model_copy}: not a Keras model file (not a zip archive: corrupt, truncated "
        "or another format)"
    )


def test_a_damaged_model_archive_is_named(images, model_copy, capsys):
    import zipfile

    with zipfile.ZipFile(model_copy, "w") as archive:
        archive.writestr("config.json", "{not json")
    line = _model_error(images, model_copy, capsys)
    assert line.startswith(f"error: {model_copy}: cannot be loaded as a Keras model (")


def test_a_broken_model_json_is_named_with_its_line(images, model_copy, capsys):
    model_copy.with_suffix(".json").write_text('{"class_names": ["coarse",\n')
    line = _model_error(images, model_copy, capsys)
    assert line.startswith(f"error: {model_copy.with_suffix('.json')}: not valid JSON (line 2")


@pytest.mark.parametrize(
    "meta",
    [
        '{"class_names": ["coarse", "fine"]}',  # a classifier's metadata
        '{"classes": {"names": ["a", "b"], "boundaries_um2": [1], "bands_um2": [[0, 1], [1, 2]]}}',
        '{"classes": {"names": ["a", "b"], "boundaries_um2": []}, "reference_pixel_size_um": 4}',
        '["not", "a", "mapping"]',
    ],
)
def test_metadata_without_classes_or_pixel_size_is_named(images, model_copy, capsys, meta):
    model_copy.with_suffix(".json").write_text(meta)
    line = _model_error(images, model_copy, capsys)
    assert line.startswith(f"error: {model_copy.with_suffix('.json')}: needs classes (")


def test_a_model_of_another_kind_is_named(images, model_copy, capsys):
    """A network whose output is not (mean, log sd) of log10 area, e.g. a three-class
    classifier, beside valid metadata."""
    import keras

    inputs = keras.Input((None, None, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    keras.Model(inputs, keras.layers.Dense(3)(pooled)).save(model_copy)
    line = _model_error(images, model_copy, capsys)
    assert line.startswith(f"error: {model_copy}: outputs (3,), not a grain-size estimate")


def test_broken_links_in_a_folder_are_named(images, saved_model, tmp_path, capsys):
    folder = tmp_path / "linked"
    folder.mkdir()
    shutil.copy(images / "good.png", folder / "good.png")
    os.symlink("gone.png", folder / "dangling.png")
    os.symlink("loop-b.png", folder / "loop-a.png")
    os.symlink("loop-a.png", folder / "loop-b.png")
    code = main(["predict", str(folder), "--model", str(saved_model)])
    out, err = capsys.readouterr()
    assert code == 1
    assert [r["path"] for r in _rows(out)] == [str(folder / "good.png")]
    assert _errors(err) == [
        f"error: {folder / 'dangling.png'}: dangling symbolic link (to gone.png)",
        f"error: {folder / 'loop-a.png'}: symbolic link loop",
        f"error: {folder / 'loop-b.png'}: symbolic link loop",
    ]
    assert err.strip().splitlines()[-1] == "3 of 4 inputs failed"


def test_a_dangling_link_given_by_name_is_named(images, saved_model, tmp_path, capsys):
    os.symlink("gone.png", tmp_path / "link.png")
    code = main(["predict", str(tmp_path / "link.png"), "--model", str(saved_model)])
    assert code == 1
    assert "link.png: dangling symbolic link (to gone.png)" in capsys.readouterr().err


def test_a_run_prints_nothing_but_its_answer(images, saved_model):
    """In a fresh process: TensorFlow's start-up lines and Pillow's warnings stay off stderr."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    result = subprocess.run(
        [sys.executable, "-m", "microcnn.cli", "predict", str(images / "good.png")]
        + ["--model", str(saved_model), "--pixel-size", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert [r["path"] for r in _rows(result.stdout)] == [str(images / "good.png")]
