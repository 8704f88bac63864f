"""Grain-size classes: bands from the config, boundaries, class and probabilities from an area."""

import math

import pytest

from microcnn.classes import GrainSizeClasses, astm_g, check_bands, delta_g

CONFIG = {
    "classes": {
        "coarse": {"count": 4, "mean_diameter": [0.21, 0.39], "spread": 0.25},
        "fine": {"count": 4, "mean_diameter": [0.049, 0.155], "spread": 0.25},
    },
    "measurement": {"domain_mm": 1.0, "class_boundaries_um2": None},
}


def test_bands_and_the_boundary_at_the_geometric_middle_of_the_gap():
    classes = GrainSizeClasses.from_config(CONFIG)
    assert classes.names == ("fine", "coarse")  # finest first, whatever the config's order
    factor = math.pi / 4 * math.exp(0.25**2) * 1000.0**2
    (fine_low, fine_high), (coarse_low, _) = classes.bands_um2
    assert fine_low == pytest.approx(factor * 0.049**2)
    assert fine_high == pytest.approx(factor * 0.155**2)
    assert classes.boundaries_um2[0] == pytest.approx(math.sqrt(fine_high * coarse_low))
    assert coarse_low == pytest.approx(factor * 0.21**2)


def test_class_at_the_band_edges():
    classes = GrainSizeClasses.from_config(CONFIG)
    (fine_low, fine_high), (coarse_low, coarse_high) = classes.bands_um2
    for area in (fine_low, fine_high):
        assert classes.label(area) == "fine"
    for area in (coarse_low, coarse_high):
        assert classes.label(area) == "coarse"
    boundary = classes.boundaries_um2[0]
    assert classes.label(boundary * 0.999) == "fine" and classes.label(boundary) == "coarse"


def test_probabilities_from_a_normal_estimate():
    classes = GrainSizeClasses.from_config(CONFIG)
    boundary = math.log10(classes.boundaries_um2[0])
    on = classes.probabilities(boundary, 0.1)
    assert on["fine"] == pytest.approx(0.5) and on["coarse"] == pytest.approx(0.5)
    # One sd below the boundary: Phi(1) = 0.8413 for the finer class.
    below = classes.probabilities(boundary - 0.1, 0.1)
    assert below["fine"] == pytest.approx(0.8413, abs=1e-4)
    assert sum(below.values()) == pytest.approx(1.0)
    assert classes.probabilities(boundary - 0.1, 0.0) == {"fine": 1.0, "coarse": 0.0}


def test_configured_boundaries_and_three_classes():
    config = {
        "classes": {
            "a": {"count": 2, "mean_diameter": [0.03, 0.04]},
            "b": {"count": 2, "mean_diameter": [0.1, 0.12]},
            "c": {"count": 2, "mean_diameter": [0.3, 0.4]},
        },
        "measurement": {"domain_mm": 2.0, "class_boundaries_um2": [5000.0, 60000.0]},
    }
    classes = GrainSizeClasses.from_config(config)
    assert classes.names == ("a", "b", "c") and classes.boundaries_um2 == (5000.0, 60000.0)
    assert [classes.label(x) for x in (4999, 5000, 59999, 60000)] == ["a", "b", "b", "c"]
    assert GrainSizeClasses.from_json(classes.to_json()) == classes


def test_bad_boundaries_are_named():
    bad = {**CONFIG, "measurement": {"domain_mm": 1, "class_boundaries_um2": [1.0, 2.0]}}
    (message,) = check_bands(list(CONFIG["classes"]), bad)
    assert "measurement.class_boundaries_um2" in message and "1 increasing" in message
    with pytest.raises(ValueError, match="increase"):
        GrainSizeClasses(("a", "b", "c"), (2.0, 1.0), ((0, 1),) * 3)


def test_astm_g_and_delta_g():
    # G = 3.321928 log10(N_A) - 2.954, so N_A = 2^(G + 2.954) grains per mm^2.
    assert astm_g(1e6 / 2 ** (5 + 2.954)) == pytest.approx(5.0, abs=1e-4)
    assert astm_g(1e6 / 2 ** (8 + 2.954)) == pytest.approx(8.0, abs=1e-4)
    assert delta_g(200.0, 100.0) == pytest.approx(1.0, abs=1e-3)  # a factor 2 in area
