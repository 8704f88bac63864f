"""The compact CNN: shapes, built-in rescaling, a training step; its summary and diagram."""

import numpy as np
import pytest

from microcnn.architectures import compact_cnn, describe, draw_diagram

pytestmark = pytest.mark.usefixtures("seeded_tensorflow")


@pytest.mark.parametrize("n_classes", [2, 3])
def test_shapes_and_softmax(n_classes):
    model = compact_cnn(288, 432, n_classes)
    assert model.input_shape == (None, 288, 432, 3)  # (height, width, channels)
    assert model.output_shape == (None, n_classes)
    probs = model.predict_on_batch(np.full((2, 288, 432, 3), 255, dtype=np.uint8))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_rescaling_is_the_first_layer():
    model = compact_cnn(288, 432, 2)
    first = model.layers[1]  # layers[0] is the input
    assert first.__class__.__name__ == "Rescaling"
    # uint8 pixels map to [-1, 1].
    assert first.scale * 0 + first.offset == pytest.approx(-1.0)
    assert first.scale * 255 + first.offset == pytest.approx(1.0)


def test_a_training_step_lowers_the_loss():
    import keras

    model = compact_cnn(64, 96, 2)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, size=(8, 64, 96, 3)).astype("uint8")
    x[4:] //= 4  # two separable classes: bright and dark
    y = np.array([0] * 4 + [1] * 4)
    before = model.evaluate(x, y, verbose=0)
    model.train_on_batch(x, y)
    assert model.evaluate(x, y, verbose=0) < before


def test_describe_gives_the_parameter_count():
    model = compact_cnn(288, 432, 2)
    text = describe(model)
    assert "compact_cnn" in text
    assert f"{model.count_params():,}" in text
    assert "Param #" in text  # the column is not cut off in the captured table


def test_draw_diagram_draws_one_box_per_layer(tmp_path):
    model = compact_cnn(288, 432, 3)
    out = tmp_path / "compact.png"
    assert draw_diagram(model, out) == len(model.layers)
    assert out.is_file() and out.stat().st_size > 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
