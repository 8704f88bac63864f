"""The predictions CSV that the CNN and the baseline both write."""

import io

from microcnn.data.manifest import ManifestRow
from microcnn.data.predictions import Prediction, save_predictions, write_predictions

PREDICTIONS = [
    Prediction("a.png", "fine", {"coarse": 0.25, "fine": 0.75}),
    Prediction("b.png", "coarse", {"coarse": 0.9, "fine": 0.1}),
]


def test_columns_without_truth():
    out = io.StringIO()
    write_predictions(out, PREDICTIONS, ["coarse", "fine"])
    assert out.getvalue().splitlines() == [
        "path,label,probability,p_coarse,p_fine",
        "a.png,fine,0.750000,0.250000,0.750000",
        "b.png,coarse,0.900000,0.900000,0.100000",
    ]


def test_columns_with_truth_written_to_a_file(tmp_path):
    truth = {
        "a.png": ManifestRow("a.png", "fine", "grey"),
        "b.png": ManifestRow("b.png", "fine", ""),
    }
    save_predictions(tmp_path / "p.csv", PREDICTIONS, ["coarse", "fine"], truth)
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0] == "path,true_label,style,label,probability,p_coarse,p_fine"
    assert lines[2] == "b.png,fine,,coarse,0.900000,0.900000,0.100000"
