"""Configuration: defaults, the shipped configs, and bad configs rejected with clear messages."""

import copy

import pytest
import yaml

from microcnn.config import SCHEMA_PATH as SCHEMA
from microcnn.config import ConfigError, load_config, validate_config

from .helpers import REPO

MINIMAL = {
    "classes": {
        "coarse": {"count": 4, "mean_diameter": [0.2, 0.3]},
        "fine": {"count": 4, "mean_diameter": [0.05, 0.1]},
    }
}


def test_shipped_configs_are_valid():
    default = load_config(REPO / "config.yaml", SCHEMA)
    assert list(default["classes"]) == ["coarse", "fine"]
    assert (default["image"]["width"], default["image"]["height"]) == (432, 288)
    assert default["image"]["styles"][0] == "reference"
    assert default["split"] == {"train": 6, "test": 1}
    load_config(REPO / "tests" / "tiny" / "config.yaml", SCHEMA)


def test_defaults_are_filled_at_every_level():
    config = validate_config({**MINIMAL, "training": {"epochs": 3}}, SCHEMA)
    assert config["training"]["epochs"] == 3
    assert config["training"]["batch_size"] == 32
    assert config["training"]["invert"] is True
    assert config["generation"] == {
        "generator": "fast",
        "batch_size": 100,
        "rtol": "fit",
        "max_attempts": 10000,
    }
    assert config["classes"]["fine"]["spread"] == 0.25
    assert config["seed"] == 42


def test_input_is_not_modified():
    given = copy.deepcopy(MINIMAL)
    validate_config(given, SCHEMA)
    assert given == MINIMAL


def _error(config) -> str:
    with pytest.raises(ConfigError) as info:
        validate_config(config, SCHEMA)
    return str(info.value)


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        (
            {"training": {"architecture": "vgg"}},
            ["training.architecture", "['compact', 'reference']"],
        ),
        ({"training": {"width": 0}}, ["training.width", "minimum of 1"]),
        ({"training": {"width": 1.5}}, ["training.width", "not of type 'integer'"]),
        ({"generation": {"rtol": "loose"}}, ["generation.rtol", "'fit'", "[0, 1]"]),
        ({"image": {"width": 0}}, ["image.width", "minimum of 32"]),
        ({"image": {"margin": 0.6}}, ["image.margin", "maximum of 0.5"]),
        ({"image": {"margin": -0.1}}, ["image.margin", "minimum of 0"]),
        ({"split": {"test": 0}}, ["split.test", "minimum of 1"]),
        ({"seed": -1}, ["seed", "minimum of 0"]),
        ({"training": {"invert": "yes"}}, ["training.invert", "not of type 'boolean'"]),
        ({"training": {"blur": 1}}, ["training.blur", "not of type 'boolean'"]),
        ({"training": {"zoom": "on"}}, ["training.zoom", "not of type 'boolean'"]),
        ({"training": {"tone": "gamma"}}, ["training.tone", "not of type 'boolean'"]),
        ({"prediction": {"views": 3}}, ["prediction.views", "[1, 2, 4]"]),
        ({"measurement": {"train_fraction": 0}}, ["measurement.train_fraction", "minimum of 0"]),
        ({"measurement": {"train_fraction": 1.5}}, ["measurement.train_fraction", "maximum of 1"]),
        (
            {"training": {"precision": "float16"}},
            ["training.precision", "['auto', 'float32', 'bfloat16']"],
        ),
        ({"imgae": {}}, ["'imgae' was unexpected", "allowed keys", "image"]),
    ],
)
def test_bad_values_name_key_and_allowed_values(patch, expected):
    message = _error({**MINIMAL, **patch})
    for text in expected:
        assert text in message


def test_bad_class_definitions():
    one_class = {"classes": {"coarse": MINIMAL["classes"]["coarse"]}}
    assert "config key 'classes'" in _error(one_class)
    assert "1 given, at least 2 required" in _error(one_class)

    bad_name = {
        "classes": {**MINIMAL["classes"], "9 bad": {"count": 2, "mean_diameter": [0.1, 0.2]}}
    }
    assert "letters, digits" in _error(bad_name)

    reversed_range = copy.deepcopy(MINIMAL)
    reversed_range["classes"]["fine"]["mean_diameter"] = [0.2, 0.1]
    assert "classes.fine.mean_diameter" in _error(reversed_range)

    too_big = copy.deepcopy(MINIMAL)
    too_big["classes"]["fine"]["mean_diameter"] = [0.1, 2]
    assert "classes.fine.mean_diameter.1" in _error(too_big)

    missing_count = copy.deepcopy(MINIMAL)
    del missing_count["classes"]["fine"]["count"]
    assert "'count' is a required property" in _error(missing_count)


def test_held_out_style_must_be_a_rendered_style():
    config = {**MINIMAL, "image": {"styles": ["reference", "grey"]}}
    message = _error({**config, "training": {"held_out_style": "micrograph"}})
    assert "training.held_out_style" in message and "['reference', 'grey']" in message
    assert "training.held_out_style" in _error({**config, "training": {"held_out_style": "x"}})
    only = {**MINIMAL, "image": {"styles": ["grey"]}, "training": {"held_out_style": "grey"}}
    assert "nothing to train on" in _error(only)
    assert "image.styles.0" in _error({**MINIMAL, "image": {"styles": ["sepia"]}})


def test_every_error_is_listed(tmp_path):
    config = {**MINIMAL, "seed": "x", "training": {"epochs": 0}}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ConfigError) as info:
        load_config(path, SCHEMA)
    assert "config key 'seed'" in str(info.value)
    assert "config key 'training.epochs'" in str(info.value)


def test_the_schema_offers_the_views_prediction_knows():
    from microcnn.learning.model_files import DEFAULT_VIEWS, VIEWS

    views = yaml.safe_load(SCHEMA.read_text())["properties"]["prediction"]["properties"]["views"]
    assert tuple(views["enum"]) == VIEWS and views["default"] == DEFAULT_VIEWS
    assert validate_config(MINIMAL, SCHEMA)["prediction"]["views"] == DEFAULT_VIEWS


def test_the_schema_offers_the_precisions_training_knows():
    from microcnn.learning.precision import PRECISIONS

    schema = yaml.safe_load(SCHEMA.read_text())
    precision = schema["properties"]["training"]["properties"]["precision"]
    assert tuple(precision["enum"]) == PRECISIONS and precision["default"] == "auto"
