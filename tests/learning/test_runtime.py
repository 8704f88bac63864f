"""LiteRT without TensorFlow: when an artefact may answer for a model, and what it says about a
file it cannot run."""

import importlib.util
import json
import os
import shutil

import numpy as np
import pytest

from microcnn.data.checksums import file_digest
from microcnn.learning import runtime
from microcnn.learning.model_files import ModelError, inference_path, inference_record_path


@pytest.fixture
def model_copy(saved_model, tmp_path):
    for source in (
        saved_model,
        saved_model.with_suffix(".json"),
        inference_path(saved_model),
        inference_record_path(saved_model),
    ):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path / saved_model.name


def test_a_fresh_export_is_current(saved_model):
    assert runtime.why_not_current(saved_model) is None


def test_without_litert_installed_keras_answers(model_copy, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "ai_edge_litert" else real(name, *args),
    )
    assert runtime.why_not_current(model_copy) == (
        "LiteRT (the package ai-edge-litert) is not installed"
    )


def test_the_network_runs_any_size_one_batch_after_another(saved_model):
    network = runtime.LiteRTNetwork(inference_path(saved_model), threads=2)
    for shape in [(3, 288, 432, 3), (1, 100, 150, 3), (2, 288, 432, 3), (1, 32, 32, 3)]:
        out = network(np.full(shape, 200, np.uint8))
        assert out.shape == (shape[0], 2)
        # The untrained network: log10 area 3 and log sd log(0.3) for every image.
        np.testing.assert_allclose(out, [[3.0, np.log(0.3)]] * shape[0], rtol=1e-5)


def test_threads_default_to_the_cores_this_process_may_use():
    assert runtime.default_threads() == len(os.sched_getaffinity(0))


def _rerecord(model):
    """The record rewritten to match whatever the artefact now holds."""
    record_file = inference_record_path(model)
    record = json.loads(record_file.read_text())
    record["sha256"] = file_digest(inference_path(model))[1]
    record_file.write_text(json.dumps(record))


def test_a_file_litert_cannot_read_is_named(model_copy):
    inference_path(model_copy).write_bytes(b"not a flatbuffer at all" * 10)
    _rerecord(model_copy)
    assert runtime.why_not_current(model_copy) is None  # the record vouches for it
    with pytest.raises(ModelError, match=r"model.tflite: cannot be loaded by LiteRT \("):
        runtime.LiteRTNetwork(inference_path(model_copy))


def test_a_network_of_another_kind_is_named(model_copy, tmp_path):
    """A .tflite file that takes float images of a fixed size (a converter's default), not the
    export stage's uint8 images of any size."""
    import keras
    import tensorflow as tf

    inputs = keras.Input((64, 64, 3))
    model = keras.Model(
        inputs, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(inputs))
    )
    inference_path(model_copy).write_bytes(
        tf.lite.TFLiteConverter.from_keras_model(model).convert()
    )
    with pytest.raises(
        ModelError, match=r"takes \[-1, 64, 64, 3\] float32 .*not made by the export"
    ):
        runtime.LiteRTNetwork(inference_path(model_copy))
