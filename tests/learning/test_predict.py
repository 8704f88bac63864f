"""Prediction: LiteRT answers as the Keras model does on every kind of image; a stale, missing
or damaged artefact; batches and read-ahead bounded in memory."""

import shutil

import numpy as np
import pytest

from microcnn.learning import predict
from microcnn.learning.model_files import ModelError, inference_path, inference_record_path
from microcnn.learning.predict import GrainSizeModel

# The outputs of the LiteRT artefact and of the Keras model agree within this (log10 units).
AGREEMENT = 1e-4


def _estimates(model, paths):
    errors = []
    found = model.estimate_files(paths, lambda path, reason: errors.append(path))
    return {e.path: (e.log10_area_px, e.log10_sd) for e in found}, errors


def test_litert_answers_as_keras_on_every_image(varied_model, rendered_images, images):
    lite = GrainSizeModel(varied_model, threads=2)
    keras = GrainSizeModel(varied_model, threads=2, runtime_name="keras")
    assert (lite.runtime_used, keras.runtime_used) == ("litert", "keras")
    assert lite.fallback_reason is None and keras.fallback_reason is None
    # Rendered looks at 432x288, one at 1024x768, one measured in tiles; users' files of other
    # sizes and modes (RGBA, 16-bit grey, JPEG, 150x100), and bad ones in between.
    paths = sorted(rendered_images.iterdir()) + sorted(images.rglob("*.*"))
    (lite_found, lite_errors), (keras_found, keras_errors) = (
        _estimates(m, paths) for m in (lite, keras)
    )
    assert lite_errors == keras_errors and len(lite_errors) == 4  # empty, text, truncated, .txt
    assert list(lite_found) == list(keras_found) and len(lite_found) == 13
    # The images are told apart, in mean and sd: the comparison means something.
    means, sds = np.array(list(lite_found.values())).T
    assert np.ptp(means) > 0.01 and np.ptp(sds) > 0.001 and sds.min() > 0.005
    for path, (mean, sd) in lite_found.items():
        assert mean == pytest.approx(keras_found[path][0], abs=AGREEMENT), path
        assert sd == pytest.approx(keras_found[path][1], abs=AGREEMENT), path


def test_the_same_image_in_any_batch_gets_the_same_answer(varied_model, rendered_images):
    model = GrainSizeModel(varied_model, threads=2)
    path = rendered_images / "etched-0.png"
    alone, _ = _estimates(model, [path])
    together, _ = _estimates(model, [rendered_images / "sem-1.png", path, path])
    assert together[str(path)] == pytest.approx(alone[str(path)], abs=1e-6)


@pytest.fixture
def model_dir(varied_model, tmp_path):
    """A copy of the varied model with its metadata, artefact and record."""
    for source in (
        varied_model,
        varied_model.with_suffix(".json"),
        inference_path(varied_model),
        inference_record_path(varied_model),
    ):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path / varied_model.name


def test_a_retrained_model_is_not_answered_by_its_old_artefact(model_dir, saved_model):
    shutil.copy(saved_model, model_dir)  # another network in model.keras, the old artefact
    model = GrainSizeModel(model_dir)
    assert model.runtime_used == "keras"
    assert "was made from another model.keras (retrained or replaced since)" in (
        model.fallback_reason
    )
    # The untrained network's answer, not the varied one's.
    mean, sd = model.estimate_arrays(np.zeros((1, 64, 64, 3), np.uint8))
    assert (mean[0], sd[0]) == pytest.approx((3.0, 0.3), rel=1e-5)


@pytest.mark.parametrize("missing", ["artefact", "record"])
def test_without_artefact_or_record_keras_answers(model_dir, missing):
    path = inference_path(model_dir) if missing == "artefact" else inference_record_path(model_dir)
    path.unlink()
    model = GrainSizeModel(model_dir)
    assert model.runtime_used == "keras"
    assert model.fallback_reason.startswith(f"{path} not found")
    with pytest.raises(ModelError, match="cannot run .* on LiteRT: .* not found"):
        GrainSizeModel(model_dir, runtime_name="litert")


def test_a_damaged_artefact_is_an_error_not_a_fallback(model_dir):
    artefact = inference_path(model_dir)
    data = bytearray(artefact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artefact.write_bytes(bytes(data))
    with pytest.raises(
        ModelError, match=r"model.tflite: its SHA-256 differs from the one recorded"
    ):
        GrainSizeModel(model_dir)


def test_a_broken_record_is_named(model_dir):
    inference_record_path(model_dir).write_text('{"source_sha256": "abc"')
    with pytest.raises(ModelError, match=r"model.tflite.json: not the record the export stage"):
        GrainSizeModel(model_dir)


def test_batches_stay_within_their_pixel_budget(saved_model, monkeypatch, tmp_path):
    """Many image sizes, few images each: the batches being filled are run early, so that
    they never hold more than PENDING_PIXELS together, and every image is still answered."""
    from PIL import Image

    sizes = [(40 + 8 * k, 48) for k in range(12)]  # (width, height)
    paths = []
    rng = np.random.default_rng(0)
    for k, (width, height) in enumerate(sizes * 3):
        paths.append(tmp_path / f"{k:02d}.png")
        pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(paths[-1])
    monkeypatch.setattr(predict, "PENDING_PIXELS", 3 * 100 * 48)
    model = GrainSizeModel(saved_model, threads=2)
    seen = []
    run = model._network
    model._network = lambda batch: (seen.append(batch.shape), run(batch))[1]
    found, errors = _estimates(model, paths)
    assert not errors and list(found) == [str(p) for p in paths]
    # Each batch goes through the network once per view.
    assert sum(n for n, *_ in seen) == model.views * len(paths)
    assert len(seen) > model.views * len(sizes)
    assert predict._Batch((5000, 5000, 3)).pixels.shape[0] == 1  # one huge image per batch
    assert predict._Batch((288, 432, 3)).pixels.shape[0] == predict.PREDICT_BATCH


def test_views_are_the_flips_training_augments_with():
    batch = np.arange(2 * 3 * 4 * 3, dtype=np.uint8).reshape(2, 3, 4, 3)
    given, turned, left_right, up_down = predict.flipped_views(batch, 4)
    assert np.array_equal(given, batch)
    assert np.array_equal(turned, np.rot90(batch, 2, axes=(1, 2)))
    assert np.array_equal(left_right, batch[:, :, ::-1])
    assert np.array_equal(up_down, batch[:, ::-1])
    assert all(view.flags.c_contiguous for view in (turned, left_right, up_down))
    assert len(predict.flipped_views(batch, 2)) == 2
    assert len(predict.flipped_views(batch, 1)) == 1
    with pytest.raises(ValueError, match=r"views must be one of \(1, 2, 4\), not 3"):
        predict.flipped_views(batch, 3)


def test_the_estimate_averages_the_views(varied_model, rendered_images):
    """With 2 or 4 views: the mean of the single-view estimates of the flipped images and the
    root-mean-square of their sds."""
    from microcnn.imaging.images import load_image

    batch = np.stack([load_image(rendered_images / f"etched-{k}.png") for k in (0, 1)])
    one = GrainSizeModel(varied_model, threads=2, views=1)
    singles = [one.estimate_arrays(view) for view in predict.flipped_views(batch, 4)]
    means, sds = np.array([m for m, _ in singles]), np.array([s for _, s in singles])
    assert np.ptp(means, axis=0).min() > 1e-3  # the flips do get different answers
    for count in (2, 4):
        mean, sd = GrainSizeModel(varied_model, threads=2, views=count).estimate_arrays(batch)
        assert mean == pytest.approx(means[:count].mean(axis=0), abs=1e-6)
        assert sd == pytest.approx(np.sqrt((sds[:count] ** 2).mean(axis=0)), abs=1e-6)


def test_with_four_views_a_mirrored_image_gets_the_same_answer(varied_model, rendered_images):
    from microcnn.imaging.images import load_image

    image = load_image(rendered_images / "sem-1.png")[None]
    for flipped in (image[:, :, ::-1], image[:, ::-1], image[:, ::-1, ::-1]):
        flipped = np.ascontiguousarray(flipped)
        four = GrainSizeModel(varied_model, threads=2, views=4)
        assert four.estimate_arrays(flipped)[0] == pytest.approx(
            four.estimate_arrays(image)[0], abs=1e-5
        )
    one = GrainSizeModel(varied_model, threads=2, views=1)
    mirrored = np.ascontiguousarray(image[:, :, ::-1])
    assert abs(one.estimate_arrays(mirrored)[0][0] - one.estimate_arrays(image)[0][0]) > 1e-3


def test_an_unknown_number_of_views_is_refused(varied_model):
    with pytest.raises(ValueError, match=r"views must be one of \(1, 2, 4\), not 8"):
        GrainSizeModel(varied_model, views=8)


def test_images_are_read_with_the_levels_the_model_was_trained_on(
    varied_model, stretched_model, rendered_images, tmp_path
):
    """Metadata naming stretched levels: every image stretched unless the call says otherwise;
    without the key (models trained before it), as given."""
    from PIL import Image

    dim = tmp_path / "dim.png"
    pixels = np.asarray(Image.open(rendered_images / "etched-1.png").convert("RGB"))
    Image.fromarray(pixels // 2).save(dim)
    assert GrainSizeModel(varied_model).levels == "as-given"
    model = GrainSizeModel(stretched_model)
    assert model.levels == "stretched"
    by_default, _ = _estimates(model, [dim])
    stretched = {e.path: (e.log10_area_px, e.log10_sd)
                 for e in model.estimate_files([dim], print, stretched=True)}  # fmt: skip
    as_given = {e.path: (e.log10_area_px, e.log10_sd)
                for e in model.estimate_files([dim], print, stretched=False)}  # fmt: skip
    assert by_default == stretched != as_given


def test_unmeasurable_says_why():
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    assert predict.unmeasurable(noise, 28) is None
    assert predict.unmeasurable(noise[:28, :28], 28) is None
    assert predict.unmeasurable(noise[:27], 28).startswith("image 60x27 is smaller")
    assert predict.unmeasurable(noise[:, :27], 28).startswith("image 27x40 is smaller")
    flat = np.full((40, 60, 3), (10, 20, 30), np.uint8)
    assert predict.unmeasurable(flat, 28) == (
        "uniform image (every pixel 10, 20, 30): no grain boundaries to measure"
    )
    flat[39, 59, 2] = 31  # one channel of one pixel is enough to measure
    assert predict.unmeasurable(flat, 28) is None


def _tiled_scan(monkeypatch, tmp_path, specimen):
    """A 256x384 image measured in 128x128 tiles (the limits shrunk for the test), white but
    for `specimen` in its top-left tile."""
    from PIL import Image

    monkeypatch.setattr(predict, "MAX_WHOLE_PIXELS", 200 * 200)
    monkeypatch.setattr(predict, "TILE", 128)
    scan = np.full((256, 384, 3), 255, np.uint8)
    scan[:128, :128] = specimen
    path = tmp_path / "scan.png"
    Image.fromarray(scan).save(path)
    return path


def test_a_large_image_is_measured_by_its_tiles_that_hold_microstructure(
    varied_model, rendered_images, monkeypatch, tmp_path
):
    """White tiles of a scan measured in tiles are left out: the scan gets the answer of the
    one tile that holds microstructure (averaged in, the five white tiles moved it)."""
    from PIL import Image

    specimen = np.asarray(Image.open(rendered_images / "etched-0.png"))[:128, :128]
    crop = tmp_path / "crop.png"
    Image.fromarray(specimen).save(crop)
    scan = _tiled_scan(monkeypatch, tmp_path, specimen)
    model = GrainSizeModel(varied_model, threads=2)
    found, errors = _estimates(model, [scan, crop])
    assert not errors
    np.testing.assert_allclose(found[str(scan)], found[str(crop)], rtol=0, atol=1e-6)
    white = model.estimate_arrays(np.full((1, 128, 128, 3), 255, np.uint8))
    assert abs(white[0][0] - found[str(crop)][0]) > 0.01  # a white tile's output differs


def test_a_large_image_whose_tiles_are_each_of_one_colour_is_refused(
    saved_model, monkeypatch, tmp_path
):
    scan = _tiled_scan(monkeypatch, tmp_path, np.full((128, 128, 3), 90, np.uint8))
    errors = []
    found = GrainSizeModel(saved_model, threads=2).estimate_files(
        [scan], lambda path, reason: errors.append((path, reason))
    )
    assert found == []
    assert errors == [(str(scan), "no part of the image holds a grain boundary to measure")]
