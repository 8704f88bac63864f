"""TensorFlow start-up: quiet logs, bounded threads, deterministic kernels."""

from __future__ import annotations

import os

# Must be set before TensorFlow is imported to silence its C++ start-up banner.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402  (after the variable too: it imports TensorFlow)
import tensorflow as tf  # noqa: E402

_configured = False


def configure(threads: int | None = None, seed: int | None = None) -> None:
    """Set TensorFlow's thread pools (once per process) and, given a seed, make runs repeatable.

    Deterministic ops cost nothing measurable for this model on the CPU.
    """
    global _configured
    if not _configured and threads:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            pass  # TensorFlow already started in this process (e.g. in tests): keep its pools
    _configured = True
    if seed is not None:
        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
