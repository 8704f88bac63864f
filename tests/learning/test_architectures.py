"""The networks: any image size, built-in rescaling, a likelihood that trains, a specimen
average that ignores a white margin."""

import math

import numpy as np
import pytest

from microcnn.imaging.margin import MARGIN_LEVEL
from microcnn.learning.architectures import (
    ARCHITECTURES,
    MIN_LOG10_SD,
    SpecimenAverage,
    build,
    gaussian_nll,
    load,
    log10_area_error,
    margin_mask,
    split_output,
)
from microcnn.learning.input_size import MIN_SIDE

pytestmark = pytest.mark.usefixtures("seeded_tensorflow")


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
@pytest.mark.parametrize("shape", [(288, 432), (64, 96), (384, 512)])
def test_any_image_size_gives_two_numbers(architecture, shape):
    model = build(architecture, log10_area_mean=2.5)
    out = np.asarray(model.predict_on_batch(np.full((2, *shape, 3), 255, dtype=np.uint8)))
    assert out.shape == (2, 2)
    mean, sd = (np.asarray(v) for v in split_output(out))
    # Untrained: every image starts at the given mean with a wide sd.
    np.testing.assert_allclose(mean, 2.5, atol=1e-5)
    np.testing.assert_allclose(sd, 0.3, rtol=1e-4)


@pytest.mark.parametrize(
    ("architecture", "low", "high"), [("reference", 0.0, 1.0), ("compact", -1.0, 1.0)]
)
def test_rescaling_is_the_first_layer(architecture, low, high):
    first = build(architecture).layers[1]  # layers[0] is the input
    assert first.__class__.__name__ == "Rescaling"
    offset = getattr(first, "offset", 0.0)
    assert first.scale * 0 + offset == pytest.approx(low)  # uint8 pixels map to [low, high]
    assert first.scale * 255 + offset == pytest.approx(high)


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_a_bfloat16_trunk_keeps_a_float32_head_and_float32_weights(architecture):
    import keras

    before = keras.config.dtype_policy().name
    mixed = build(architecture, log10_area_mean=2.5, precision="bfloat16")
    assert keras.config.dtype_policy().name == before  # building leaves the default alone
    head = {"specimen_weight", "specimen_average", "hidden", "log10_area"}
    head |= {layer.name for layer in mixed.layers if layer.name.startswith("margin_")}
    head |= {"specimen_weight_in_margin"}
    for layer in mixed.layers[1:]:
        expected = "float32" if layer.name in head else "bfloat16"
        assert layer.compute_dtype == expected, layer.name
    assert all(w.dtype == "float32" for w in mixed.weights)
    # Its weights go into a float32 network of the same kind, which gives nearly its answers.
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 0.1, w.shape).astype("float32") for w in mixed.get_weights()]
    mixed.set_weights(weights)
    plain = build(architecture, log10_area_mean=2.5)
    plain.set_weights(weights)
    x = rng.integers(0, 255, size=(2, 64, 96, 3)).astype("uint8")
    a, b = np.asarray(mixed.predict_on_batch(x)), np.asarray(plain.predict_on_batch(x))
    assert a.dtype == b.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=0.05, atol=0.01)
    assert not np.array_equal(a, b)  # the trunk did compute in bfloat16


def test_specimen_average_weights_positions():
    features = np.zeros((1, 2, 2, 1), dtype="float32")
    features[0, 0, 0, 0] = 4.0  # the one specimen position has feature 4, the margin 0
    weights = np.zeros((1, 2, 2, 1), dtype="float32")
    weights[0, 0, 0, 0] = 1.0
    out = np.asarray(SpecimenAverage()([features, weights]))
    assert out[0, 0] == pytest.approx(math.log(4.0 + 1e-3), rel=1e-4)


def test_likelihood_and_error():
    y_pred = np.array([[2.0, math.log(0.1)], [3.0, math.log(1e-6)]], dtype="float32")
    y_true = np.array([2.1, 3.0], dtype="float32")
    z = 0.1 / 0.1
    expected = np.mean([0.5 * z**2 + math.log(0.1), math.log(MIN_LOG10_SD)])
    assert float(gaussian_nll(y_true, y_pred)) == pytest.approx(expected, rel=1e-4)
    assert float(log10_area_error(y_true, y_pred)) == pytest.approx(0.05, rel=1e-4)


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_a_few_steps_learn_the_target(architecture, tmp_path):
    import keras

    model = build(architecture, log10_area_mean=2.0)
    model.compile(keras.optimizers.Adam(3e-3), loss=gaussian_nll, metrics=[log10_area_error])
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, size=(8, 64, 96, 3)).astype("uint8")
    x[4:] //= 4  # two kinds of image with different targets
    y = np.array([1.5] * 4 + [2.5] * 4, dtype="float32")
    _, error_before = model.evaluate(x, y, verbose=0)  # 0.5: both answer the mean, 2.0
    model.fit(x, y, epochs=20, batch_size=8, verbose=0)
    # The estimates, not the likelihood: once the sd has shrunk, one small miss can raise the
    # loss above its start while the estimates have learned (seen: 1 of 12 initial weights).
    # Over 12 initial weights of each network the error fell to 0.011-0.157.
    _, error_after = model.evaluate(x, y, verbose=0)
    assert error_after < 0.5 * error_before
    path = tmp_path / "m.keras"
    model.save(path)
    np.testing.assert_allclose(
        load(path).predict_on_batch(x), model.predict_on_batch(x), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_width_multiplies_every_convolutions_filters(architecture):
    def filters(model):
        return {
            layer.name: layer.filters
            for layer in model.layers
            # The margin mask's fixed block sums and the head's weights are not the trunk.
            if hasattr(layer, "filters") and layer.name not in ("margin_blocks", "specimen_weight")
        }

    narrow, wide = build(architecture), build(architecture, width=3)
    assert filters(narrow) and filters(wide) == {k: 3 * v for k, v in filters(narrow).items()}
    assert wide.count_params() > 3 * narrow.count_params()
    # The head is the same, so the output is still two numbers per image.
    out = np.asarray(wide.predict_on_batch(np.full((1, 64, 96, 3), 200, dtype=np.uint8)))
    assert out.shape == (1, 2) and np.isfinite(out).all()


@pytest.mark.parametrize("width", [0, -1])
def test_width_below_one_is_refused(width):
    with pytest.raises(ValueError, match="width must be a whole number of at least 1"):
        build("compact", width=width)


def test_unknown_architecture():
    with pytest.raises(ValueError, match="allowed: \\['compact', 'reference'\\]"):
        build("vgg")


def test_every_network_has_a_minimum_input_size():
    assert set(MIN_SIDE) == set(ARCHITECTURES)


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_minimum_input_size_is_exact(architecture):
    """Config validation rejects images below MIN_SIDE: at the minimum (in either direction)
    the last feature map (the specimen average's input) has a position, one pixel below none."""
    import keras

    model = build(architecture)
    features = keras.Model(model.input, model.get_layer("specimen_weight").input)
    side = MIN_SIDE[architecture]

    def positions(height: int, width: int) -> int:
        try:
            shape = features.compute_output_shape((1, height, width, 3))
        except ValueError:  # Keras: "output size would be zero or negative"
            return 0
        return int(np.prod(shape[1:3]))

    for height, width in ((side, side), (side, 3 * side), (3 * side, side)):
        assert positions(height, width) >= 1
    for height, width in ((side - 1, 3 * side), (3 * side, side - 1)):
        assert positions(height, width) == 0


def test_the_margin_mask_keeps_the_cells_near_a_non_white_pixel():
    import keras

    inputs = keras.Input(shape=(None, None, 3))
    mask = keras.Model(inputs, margin_mask(inputs))
    image = np.full((1, 256, 320, 3), MARGIN_LEVEL, dtype=np.float32)
    image[0, 100, 150, 2] = 254  # one channel of one pixel off white, in cell (3, 4)
    got = np.asarray(mask.predict_on_batch(image))[0, :, :, 0]
    expected = np.zeros((8, 10))
    expected[2:5, 3:6] = 1
    np.testing.assert_array_equal(got, expected)


def test_a_wider_white_margin_leaves_the_estimate_unchanged():
    """The same specimen in a white frame and in a much larger one (the positions beyond a cell
    of it masked): the same estimate, though an untrained network's specimen weights are about
    a half everywhere, white or not."""
    model = build("compact", log10_area_mean=2.5)
    # Give the head's last layer weights, so that the estimate depends on the features.
    last = model.get_layer("log10_area")
    kernel, bias = last.get_weights()
    last.set_weights([np.random.default_rng(1).normal(0, 0.5, kernel.shape), bias])
    specimen = np.random.default_rng(0).integers(0, 255, (128, 160, 3))
    small = np.full((1, 512, 544, 3), MARGIN_LEVEL, dtype=np.uint8)
    large = np.full((1, 768, 1024, 3), MARGIN_LEVEL, dtype=np.uint8)
    for frame in (small, large):  # the same place on the 32-pixel grid, far from the edges
        frame[0, 192:320, 192:352] = specimen
    a, b = (np.asarray(model.predict_on_batch(x))[0] for x in (small, large))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    # The positions deep in the margin would otherwise count: with the mask off, it moves.
    unmasked = build("compact", log10_area_mean=2.5)
    unmasked.set_weights(model.get_weights())
    unmasked.get_layer("margin_blocks").set_weights([np.zeros((4, 4, 3, 1))])
    c, d = (np.asarray(unmasked.predict_on_batch(x))[0] for x in (small, large))
    assert abs(c[0] - d[0]) > 1e-3
