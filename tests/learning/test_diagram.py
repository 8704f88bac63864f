"""A trained model described: its summary text and its layer diagram."""

import pytest

from microcnn.learning.architectures import compact_cnn
from microcnn.learning.diagram import describe, draw_diagram

pytestmark = pytest.mark.usefixtures("seeded_tensorflow")


def test_describe_gives_the_parameter_count():
    model = compact_cnn()
    text = describe(model)
    assert "compact_cnn" in text
    assert f"{model.count_params():,}" in text
    assert "Param #" in text  # the column is not cut off in the captured table


def test_draw_diagram_draws_one_box_per_layer(tmp_path):
    model = compact_cnn()
    out = tmp_path / "compact.png"
    assert draw_diagram(model, out) == len(model.layers)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*"))  # written atomically: no temporary file left
