"""Predict grain-size classes for image files: the one code path behind `microcnn predict` and
the workflow's predict rule."""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from microcnn.atomic import write_text
from microcnn.data.manifest import read_manifest
from microcnn.data.predictions import Prediction, save_predictions
from microcnn.imaging.images import ImageError, load_image
from microcnn.learning.model_files import ModelError, metadata_path, read_metadata

PREDICT_BATCH = 64  # batched inference is ~25x faster than one predict() call per image


def _load_model(model_path: Path, threads: int | None) -> Any:
    """The Keras model in `model_path`, or ModelError naming the file.

    Keras says "File not found" for any file that is not a readable zip, so a corrupt or
    truncated model is recognised here first.
    """
    if not zipfile.is_zipfile(model_path):
        raise ModelError(
            f"{model_path}: not a Keras model file (not a zip archive: corrupt, truncated or "
            "another format)"
        )
    from microcnn.learning import tf_setup  # imports TensorFlow: only once a model is there

    tf_setup.configure(threads)
    import keras

    try:
        return keras.models.load_model(model_path)
    except Exception as error:  # Keras raises many types for a damaged archive
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise ModelError(
            f"{model_path}: cannot be loaded as a Keras model ({type(error).__name__}: {reason})"
        ) from None


def _check_agreement(model_path: Path, model: Any, meta: dict[str, Any]) -> None:
    """ModelError if the metadata's classes or input size do not match the model's layers."""
    meta_file = metadata_path(model_path)
    n_outputs = model.output_shape[-1]
    if n_outputs != len(meta["class_names"]):
        raise ModelError(
            f"{meta_file}: names {len(meta['class_names'])} classes but the model {model_path} "
            f"outputs {n_outputs}"
        )
    if tuple(model.input_shape[1:3]) != (meta["height"], meta["width"]):
        raise ModelError(
            f"{meta_file}: says {meta['width']}x{meta['height']} images but the model "
            f"{model_path} takes {model.input_shape[2]}x{model.input_shape[1]}"
        )


class Classifier:
    """A trained model and its class names, loaded from a .keras file and its .json."""

    def __init__(self, model_path: str | Path, threads: int | None = None) -> None:
        meta = read_metadata(model_path)
        self.model = _load_model(Path(model_path), threads)
        self.class_names: list[str] = meta["class_names"]
        self.height: int = meta["height"]
        self.width: int = meta["width"]
        _check_agreement(Path(model_path), self.model, meta)

    def predict_arrays(self, batch: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict_on_batch(batch))

    def predict_files(
        self,
        paths: Sequence[str | Path],
        on_error: Callable[[str, str], None],
        on_note: Callable[[str, str], None],
    ) -> list[Prediction]:
        """Predictions for every readable image; the others are reported through `on_error`."""
        results: list[Prediction] = []
        pending: list[tuple[str, np.ndarray]] = []

        def flush() -> None:
            if not pending:
                return
            probs = self.predict_arrays(np.stack([pixels for _, pixels in pending]))
            for (name, _), row in zip(pending, probs, strict=True):
                per_class = {c: float(p) for c, p in zip(self.class_names, row, strict=True)}
                label = self.class_names[int(np.argmax(row))]
                results.append(Prediction(name, label, per_class))
            pending.clear()

        for path in paths:
            name = str(path)
            try:
                loaded = load_image(path, self.height, self.width)
            except ImageError as exc:
                on_error(name, str(exc))
                continue
            if loaded.note:
                on_note(name, loaded.note)
            pending.append((name, loaded.pixels))
            if len(pending) == PREDICT_BATCH:
                flush()
        flush()
        return results


def evaluate_manifest(
    model_path: str | Path,
    manifest: str | Path,
    predictions_path: str | Path,
    metrics_path: str | Path,
    threads: int | None = None,
) -> dict[str, Any]:
    """Predict every image of a manifest and write the predictions CSV and metrics JSON."""
    rows = read_manifest(manifest)
    truth = {row.path: row for row in rows}
    classifier = Classifier(model_path, threads)
    failures: list[str] = []

    def on_error(path: str, reason: str) -> None:
        failures.append(f"{path}: {reason}")

    def on_note(path: str, note: str) -> None:
        print(f"warning: {path}: {note}", file=sys.stderr)

    predictions = classifier.predict_files([row.path for row in rows], on_error, on_note)
    if failures:
        # Every test image was made by this workflow: one that cannot be read is a broken run.
        raise RuntimeError("unreadable test images:\n" + "\n".join(failures))
    save_predictions(predictions_path, predictions, classifier.class_names, truth)
    from microcnn.evaluation.scores import metrics  # scikit-learn: not needed by the CLI

    result = metrics(predictions, truth, classifier.class_names)
    write_text(metrics_path, json.dumps(result, indent=2) + "\n")
    return result
