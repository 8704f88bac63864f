"""The LiteRT artefact: written beside the model with a record of the .keras it came from,
checked against the Keras model before it is kept."""

import json

import pytest

from microcnn.data.checksums import file_digest
from microcnn.learning import export
from microcnn.learning.model_files import inference_path, inference_record_path


def test_the_artefact_and_its_record_sit_beside_the_model(varied_model):
    artefact, record_file = inference_path(varied_model), inference_record_path(varied_model)
    assert (artefact.name, record_file.name) == ("model.tflite", "model.tflite.json")
    record = json.loads(record_file.read_text())
    assert record["source_sha256"] == file_digest(varied_model)[1]
    assert record["sha256"] == file_digest(artefact)[1]
    assert record["max_difference_from_source"] <= export.TOLERANCE
    assert not list(artefact.parent.glob(".*"))  # no temporary file left


def test_an_artefact_that_disagrees_is_not_written(varied_model, tmp_path, monkeypatch):
    import shutil

    model = tmp_path / "model.keras"
    shutil.copy(varied_model, model)
    inference_record_path(model).write_text("an older record\n")
    monkeypatch.setattr(export, "TOLERANCE", -1.0)  # any difference is too much
    with pytest.raises(export.ExportError, match="differs from it by .*; no artefact was written"):
        export.export_model(model, threads=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]
