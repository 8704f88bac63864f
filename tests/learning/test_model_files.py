"""Where a model's metadata lives, and what is said when a file is missing."""

import json

import pytest

from microcnn.learning.model_files import DEFAULT_MODEL, metadata_path, read_metadata


def test_metadata_sits_beside_the_model():
    assert str(metadata_path(DEFAULT_MODEL)) == "results/model/model.json"


def test_read_metadata(tmp_path):
    model = tmp_path / "m.keras"
    with pytest.raises(FileNotFoundError, match="model not found"):
        read_metadata(model)
    model.write_bytes(b"zip")
    with pytest.raises(FileNotFoundError, match="metadata not found beside the model"):
        read_metadata(model)
    classes = {"names": ["a", "b"], "boundaries_um2": [10.0], "bands_um2": [[1, 5], [20, 30]]}
    meta = {"classes": classes, "reference_pixel_size_um": 4.5}
    (tmp_path / "m.json").write_text(json.dumps(meta))
    assert read_metadata(model) == meta
