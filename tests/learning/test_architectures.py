"""The networks: shapes, built-in rescaling and a training step for every architecture."""

import numpy as np
import pytest

from microcnn.learning.architectures import ARCHITECTURES, build, compact_cnn, reference_cnn
from microcnn.learning.input_size import MIN_SIDE

pytestmark = pytest.mark.usefixtures("seeded_tensorflow")


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
@pytest.mark.parametrize("n_classes", [2, 3])
def test_shapes_and_softmax(architecture, n_classes):
    model = build(architecture, 288, 432, n_classes)
    assert model.input_shape == (None, 288, 432, 3)  # (height, width, channels)
    assert model.output_shape == (None, n_classes)
    probs = model.predict_on_batch(np.full((2, 288, 432, 3), 255, dtype=np.uint8))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_reference_layers():
    layers = reference_cnn(288, 432, 2).layers
    conv = [layer for layer in layers if layer.__class__.__name__ == "Conv2D"]
    assert [layer.filters for layer in conv] == [8, 16, 32, 32]
    assert all(layer.kernel_size == (3, 3) for layer in conv)


@pytest.mark.parametrize(
    ("architecture", "low", "high"), [("reference", 0.0, 1.0), ("compact", -1.0, 1.0)]
)
def test_rescaling_is_the_first_layer(architecture, low, high):
    first = build(architecture, 288, 432, 2).layers[1]  # layers[0] is the input
    assert first.__class__.__name__ == "Rescaling"
    offset = getattr(first, "offset", 0.0)
    assert first.scale * 0 + offset == pytest.approx(low)  # uint8 pixels map to [low, high]
    assert first.scale * 255 + offset == pytest.approx(high)


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_a_training_step_lowers_the_loss(architecture):
    import keras

    model = build(architecture, 64, 96, 2)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, size=(8, 64, 96, 3)).astype("uint8")
    x[4:] //= 4  # two separable classes: bright and dark
    y = np.array([0] * 4 + [1] * 4)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


def test_the_registry_names_its_networks():
    assert {"reference": reference_cnn, "compact": compact_cnn} == ARCHITECTURES


def test_unknown_architecture():
    with pytest.raises(ValueError, match="allowed: \\['compact', 'reference'\\]"):
        build("vgg", 288, 432, 2)


def test_every_network_has_a_minimum_input_size():
    assert set(MIN_SIDE) == set(ARCHITECTURES)


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_minimum_input_size_is_exact(architecture):
    """Config validation rejects images below MIN_SIDE: the network must build and predict at
    the minimum (in either direction) and fail one pixel below it."""
    side = MIN_SIDE[architecture]
    for height, width in ((side, side), (side, 3 * side), (3 * side, side)):
        model = build(architecture, height, width, 2)
        probs = model.predict_on_batch(np.zeros((1, height, width, 3), dtype=np.uint8))
        assert probs.shape == (1, 2)
    for height, width in ((side - 1, 3 * side), (3 * side, side - 1)):
        with pytest.raises(ValueError):
            build(architecture, height, width, 2)
