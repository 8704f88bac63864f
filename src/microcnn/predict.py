"""Predict grain-size classes for image files: the one code path behind `microcnn predict` and
the workflow's predict rule."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from microcnn.atomic import write_text
from microcnn.images import ImageError, load_image
from microcnn.split import ManifestRow, read_manifest

PREDICT_BATCH = 64  # batched inference is ~25x faster than one predict() call per image


@dataclass
class Prediction:
    path: str
    label: str
    probabilities: dict[str, float]

    @property
    def probability(self) -> float:
        return self.probabilities[self.label]


class Classifier:
    """A trained model and its class names, loaded from a .keras file and its .json."""

    def __init__(self, model_path: str | Path, threads: int | None = None) -> None:
        from microcnn.training import metadata_path  # imports TensorFlow: only when needed

        model_path = Path(model_path)
        if not model_path.is_file():
            raise FileNotFoundError(f"model not found: {model_path}")
        meta_file = metadata_path(model_path)
        if not meta_file.is_file():
            raise FileNotFoundError(f"model metadata not found beside the model: {meta_file}")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        from microcnn import tf_setup

        tf_setup.configure(threads)
        import keras

        self.model = keras.models.load_model(model_path)
        self.class_names: list[str] = meta["class_names"]
        self.height: int = meta["height"]
        self.width: int = meta["width"]

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


def write_predictions(
    out: TextIO,
    predictions: Sequence[Prediction],
    class_names: Sequence[str],
    truth: Mapping[str, ManifestRow] | None = None,
) -> None:
    """CSV: path, [true_label, style,] label, probability, then p_<class> for every class."""
    writer = csv.writer(out, lineterminator="\n")
    head = ["path"] + (["true_label", "style"] if truth is not None else [])
    writer.writerow(head + ["label", "probability"] + [f"p_{c}" for c in class_names])
    for p in predictions:
        known = [truth[p.path].label, truth[p.path].style] if truth is not None else []
        probs = [f"{p.probabilities[c]:.6f}" for c in class_names]
        writer.writerow([p.path, *known, p.label, f"{p.probability:.6f}", *probs])


def confusion(
    true_labels: Sequence[str], predicted: Sequence[str], class_names: Sequence[str]
) -> dict[str, Any]:
    """Accuracy and the confusion matrix (rows: true class, columns: predicted class)."""
    # The same scikit-learn function the evaluation stage uses; imported here only, since the
    # `microcnn predict` command never scores.
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(list(true_labels), list(predicted), labels=list(class_names))
    n = int(matrix.sum())
    return {
        "n_images": n,
        "accuracy": float(np.trace(matrix) / n) if n else float("nan"),
        "confusion_matrix": matrix.tolist(),
    }


def metrics(
    predictions: Sequence[Prediction], truth: Mapping[str, ManifestRow], class_names: Sequence[str]
) -> dict[str, Any]:
    """Accuracy and confusion matrix overall and per rendering style."""
    result = {"class_names": list(class_names)}
    result.update(
        confusion(
            [truth[p.path].label for p in predictions], [p.label for p in predictions], class_names
        )
    )
    result["confusion_matrix_axes"] = "rows: true class, columns: predicted class"
    result["per_style"] = {}
    for style in sorted({truth[p.path].style for p in predictions}):
        subset = [p for p in predictions if truth[p.path].style == style]
        result["per_style"][style] = confusion(
            [truth[p.path].label for p in subset], [p.label for p in subset], class_names
        )
    return result


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
    buffer = io.StringIO()
    write_predictions(buffer, predictions, classifier.class_names, truth)
    write_text(predictions_path, buffer.getvalue())
    result = metrics(predictions, truth, classifier.class_names)
    write_text(metrics_path, json.dumps(result, indent=2) + "\n")
    return result
