"""The inference artefact: a trained .keras network converted to LiteRT (.tflite), so that
prediction starts without TensorFlow (learning/runtime.py runs it).

The artefact takes uint8 RGB images of any size (the network is fully convolutional; the cast
to float is inside it, as the Keras model casts what it is given) and gives the same raw output
as the .keras model. Before it is kept, both are run on probe images of two sizes and must agree
within TOLERANCE; a record beside it names the SHA-256 of the .keras it was made from and its
own, so that an artefact of an older or another model is never used for this one.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from microcnn.atomic import replacing, write_text
from microcnn.data.checksums import file_digest
from microcnn.learning import tf_setup
from microcnn.learning.model_files import inference_path, inference_record_path
from microcnn.learning.runtime import LiteRTNetwork
from microcnn.workflow_io import StageError

tf = tf_setup.tf

# Largest difference allowed between the artefact's raw output and the Keras model's.
TOLERANCE = 1e-4
# Probe batches (batch, height, width): two image sizes, one of them the training size.
PROBE_SHAPES = ((2, 288, 432), (3, 64, 96))


class ExportError(StageError):
    """The converted network does not answer as the Keras model does: nothing is written."""


def convert(model: Any) -> bytes:
    """The .tflite bytes of a Keras network: input uint8 (batch, height, width, 3) of any size,
    TensorFlow Lite's built-in operations only (LiteRT runs them without TensorFlow)."""
    import keras

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        "serve",
        lambda image: model(tf.cast(image, tf.float32), training=False),
        input_signature=[tf.TensorSpec((None, None, None, 3), tf.uint8, name="image")],
    )
    with tempfile.TemporaryDirectory() as saved_model:
        # Keras 3 variables are frozen into constants on the way through a SavedModel.
        archive.write_out(saved_model, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved_model)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        return converter.convert()


def probe_images(seed: int = 0) -> list[np.ndarray]:
    """Batches of random uint8 images of PROBE_SHAPES (noise has boundaries everywhere)."""
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (*shape, 3), dtype=np.uint8) for shape in PROBE_SHAPES]


def max_difference(model: Any, network: LiteRTNetwork) -> float:
    """The largest difference between the raw outputs of the Keras model and the artefact on
    the probe images."""
    return max(
        float(np.max(np.abs(np.asarray(model.predict_on_batch(batch)) - network(batch))))
        for batch in probe_images()
    )


def export_model(model_path: str | Path, threads: int | None = None) -> dict[str, Any]:
    """Convert the .keras model at `model_path`, check it, and write the artefact and its record
    beside it (learning/model_files.inference_path); return the record."""
    from microcnn.learning.architectures import load

    tf_setup.configure(threads)
    model_path = Path(model_path)
    artefact, record_file = inference_path(model_path), inference_record_path(model_path)
    source_sha256 = file_digest(model_path)[1]
    model = load(model_path)
    data = convert(model)
    # The old record goes first: an export interrupted from here on leaves an artefact without
    # a record, which is not used (never an old record beside a new artefact or the reverse).
    record_file.unlink(missing_ok=True)
    with replacing(artefact, suffix=".tflite") as partial:
        partial.write_bytes(data)
        difference = max_difference(model, LiteRTNetwork(partial, threads))
        if not difference <= TOLERANCE:
            raise ExportError(
                f"the LiteRT conversion of {model_path} differs from it by {difference:.3g} "
                f"(more than {TOLERANCE:g}) on the probe images; no artefact was written"
            )
    record = {
        "artefact": artefact.name,
        "sha256": file_digest(artefact)[1],
        "source": model_path.name,
        "source_sha256": source_sha256,
        "input": "uint8 RGB images (batch, height, width, 3), any size",
        "output": "mean and log sd of log10(mean grain area / px^2), at native pixels",
        "max_difference_from_source": difference,
        "probe_shapes": [list(shape) for shape in PROBE_SHAPES],
        "tensorflow": tf.__version__,
    }
    write_text(record_file, json.dumps(record, indent=2) + "\n")
    return record
