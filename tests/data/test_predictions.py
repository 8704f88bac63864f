"""The predictions CSV that the CNN and the classical measurement both write."""

import io
import math

import pytest

from microcnn.classes import GrainSizeClasses, astm_g
from microcnn.data.manifest import ManifestRow
from microcnn.data.predictions import (
    classify,
    columns,
    save_predictions,
    shown_label,
    write_predictions,
)

CLASSES = GrainSizeClasses(("fine", "coarse"), (10000.0,), ((2e3, 8e3), (2e4, 9e4)))


def test_classify_at_the_pixel_size():
    # 1000 px at 2 um per pixel: 4000 um^2, well below the boundary.
    p = classify("a.png", 3.0, 0.05, CLASSES, 2.0)
    assert p.label == "fine" and p.probability > 0.999 and p.area_um2 == pytest.approx(4000)
    # The same pixels at 5 um per pixel: 25000 um^2, coarse.
    assert classify("a.png", 3.0, 0.05, CLASSES, 5.0).label == "coarse"


def test_columns_without_truth_and_unknown_pixel_size():
    out = io.StringIO()
    write_predictions(out, [classify("a.png", 3.0, 0.1, CLASSES, 2.0, False)], CLASSES)
    header, row = out.getvalue().splitlines()
    assert header.split(",") == columns(CLASSES.names, False)
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["label"] == "fine" and values["mean_grain_area_px"] == "1000.0000"
    low, high = float(values["area_px_low90"]), float(values["area_px_high90"])
    assert low == pytest.approx(10 ** (3 - 0.16449), rel=1e-4)
    assert high == pytest.approx(10 ** (3 + 0.16449), rel=1e-4)
    # Pixel size not known: no micrometres, no G.
    assert values["pixel_size_um"] == values["mean_grain_area_um2"] == values["astm_g"] == ""


def test_columns_with_truth_and_extra(tmp_path):
    truth = {"a.png": ManifestRow("a.png", "fine", "grey", 1100.0, 2.0, 0.9)}
    prediction = classify("a.png", 3.0, 0.1, CLASSES, 2.0)
    extra = {"a.png": {"astm_g_intercept": "5.1"}}
    buffer = io.StringIO()
    write_predictions(buffer, [prediction], CLASSES, truth, extra)
    header, row = buffer.getvalue().splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert header.split(",")[1:6] == [
        "true_label",
        "drawn_label",
        "style",
        "true_mean_grain_area_px",
        "magnification",
    ]
    assert header.endswith("astm_g,astm_g_intercept") and values["astm_g_intercept"] == "5.1"
    assert float(values["astm_g"]) == pytest.approx(astm_g(4000.0), abs=1e-3)
    save_predictions(tmp_path / "p.csv", [prediction], CLASSES, truth)
    assert (tmp_path / "p.csv").read_text().splitlines()[0] == ",".join(
        columns(CLASSES.names, True)
    )
    assert math.isclose(prediction.area_px, 1000.0)


def test_true_class_is_the_class_of_the_grain_size_shown():
    # Drawn from the fine class, but the grains in view average 1100 px at 4 um per pixel:
    # 17,600 um^2, above the boundary (10,000): the image shows coarse grains.
    row = ManifestRow("a.png", "fine", "grey", 1100.0, 4.0, 2.3)
    assert shown_label(row, CLASSES) == "coarse"
    assert shown_label(row._replace(pixel_size_um=2.0), CLASSES) == "fine"  # 4,400 um^2
    # On the boundary: the coarser class, as for estimates.
    assert shown_label(row._replace(mean_grain_area_px=2500.0, pixel_size_um=2.0), CLASSES) == (
        "coarse"
    )
    # No truth in pixels (an old manifest): the drawn class.
    assert shown_label(ManifestRow("a.png", "fine", "grey"), CLASSES) == "fine"
    buffer = io.StringIO()
    write_predictions(buffer, [classify("a.png", 3.5, 0.1, CLASSES, 4.0)], CLASSES, {"a.png": row})
    values = dict(zip(*(line.split(",") for line in buffer.getvalue().splitlines()), strict=True))
    assert (values["true_label"], values["drawn_label"], values["label"]) == (
        "coarse",
        "fine",
        "coarse",
    )
