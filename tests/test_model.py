"""The reference CNN: shapes, built-in rescaling, a training step."""

import numpy as np
import pytest

from microcnn.model import build, reference_cnn

pytestmark = pytest.mark.usefixtures("seeded_tensorflow")


@pytest.mark.parametrize("n_classes", [2, 3])
def test_shapes_and_softmax(n_classes):
    model = reference_cnn(288, 432, n_classes)
    assert model.input_shape == (None, 288, 432, 3)  # (height, width, channels)
    assert model.output_shape == (None, n_classes)
    conv = [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert [layer.filters for layer in conv] == [8, 16, 32, 32]
    assert all(layer.kernel_size == (3, 3) for layer in conv)
    probs = model.predict_on_batch(np.zeros((2, 288, 432, 3), dtype=np.uint8))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_rescaling_is_inside_the_model():
    model = reference_cnn(288, 432, 2)
    assert model.layers[1].__class__.__name__ == "Rescaling"
    assert model.layers[1].scale == pytest.approx(1 / 255)


def test_a_training_step_lowers_the_loss():
    import keras

    model = reference_cnn(64, 96, 2)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, size=(8, 64, 96, 3)).astype("uint8")
    x[4:] //= 4  # two separable classes: bright and dark
    y = np.array([0] * 4 + [1] * 4)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


def test_unknown_architecture():
    with pytest.raises(ValueError, match="allowed: \\['compact', 'reference'\\]"):
        build("vgg", 288, 432, 2)
