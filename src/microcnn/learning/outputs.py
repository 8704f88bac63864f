"""What a grain-size network's two outputs mean, without Keras: the range of its standard
deviation and the split of its raw output into (mean, sd), in NumPy.

The loss (`architectures.gaussian_nll`, Keras) and prediction (`learning/predict.py`, on Keras
or on LiteRT) read the output through these same constants, so they cannot disagree.
"""

from __future__ import annotations

import numpy as np

# An estimate's standard deviation in log10 units is kept in [0.005, 3]: wide enough for any
# image, and never zero, which would make the likelihood infinite.
MIN_LOG10_SD, MAX_LOG10_SD = 0.005, 3.0


def split_output(output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, sd) of log10 area from a network's raw output (..., 2): the mean as it is, the sd
    exp(log sd) kept in [MIN_LOG10_SD, MAX_LOG10_SD], in float32 as the network computes them
    (architectures.split_output does the same in Keras ops)."""
    output = np.asarray(output, dtype=np.float32)
    sd = np.clip(np.exp(output[..., 1]), np.float32(MIN_LOG10_SD), np.float32(MAX_LOG10_SD))
    return output[..., 0], sd
