"""The NumPy reading of a network's output is the Keras one (the loss's)."""

import numpy as np

from microcnn.learning import architectures, outputs


def test_numpy_split_equals_the_keras_split():
    raw = np.stack([np.linspace(-3, 6, 50), np.linspace(-8, 3, 50)], axis=-1).astype(
        np.float32
    )  # log sd from far below to far above the range
    mean, sd = outputs.split_output(raw)
    keras_mean, keras_sd = (np.asarray(v) for v in architectures.split_output(raw))
    assert mean.dtype == sd.dtype == np.float32
    np.testing.assert_array_equal(mean, keras_mean)
    np.testing.assert_allclose(sd, keras_sd, rtol=1e-6)  # exp: NumPy and TensorFlow differ by 1 ulp
    assert sd.min() == np.float32(outputs.MIN_LOG10_SD)
    assert sd.max() == np.float32(outputs.MAX_LOG10_SD)
