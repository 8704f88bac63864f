"""Load and validate the workflow configuration against its JSON Schema.

`snakemake.utils.validate` fills defaults only one level deep and reports an error as a dump of
the schema; this module fills defaults at every level and reports every error as one line that
names the key, the value and what is allowed, before any job is planned.
"""

from __future__ import annotations

import copy
import importlib.resources
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from microcnn.classes import check_bands
from microcnn.data.split import class_split, minimum_count
from microcnn.learning.input_size import MIN_SIDE

# Package data, so that an installed (not only an editable) package finds it.
SCHEMA_PATH = Path(str(importlib.resources.files("microcnn") / "config.schema.yaml"))


class ConfigError(ValueError):
    """The configuration does not match the schema; the message lists every problem."""


# Grains narrower than this (the smallest class's lower mean diameter, in pixels of the drawn
# square) are mostly boundary line: on 3 images per case at 2.5 px the measurement found no
# grain in some of them (an infinite mean area that the baseline cannot fit), at 3.3 px and
# above in none (32x32 to 4096x4096, every style).
MIN_GRAIN_PX = 4.0
# A drawn square narrower than this holds too few pixels to draw or measure anything.
MIN_DOMAIN_PX = 16.0


def read_config_file(path: str | Path) -> dict[str, Any]:
    """The mapping in a YAML config file, or ConfigError naming the file (and line)."""
    try:
        with open(path, encoding="utf-8") as handle:
            loaded = yaml.safe_load(handle)
    except OSError as error:
        raise ConfigError(f"config file {path}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"config file {path}{where}: not valid YAML ({problem})") from None
    if loaded is None:
        raise ConfigError(
            f"config file {path}: empty; it needs at least 'classes' "
            "(see config.yaml and src/microcnn/config.schema.yaml)"
        )
    if not isinstance(loaded, dict):
        raise ConfigError(
            f"config file {path}: the top level must be keys and values "
            f"(found a {type(loaded).__name__})"
        )
    return loaded


def load_schema(path: str | Path = SCHEMA_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _fill_defaults(instance: Any, schema: Mapping[str, Any]) -> None:
    """Insert schema defaults for missing keys, recursing into objects (in place)."""
    if not isinstance(instance, dict):
        return
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        if key in instance:
            _fill_defaults(instance[key], sub)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        for key, value in instance.items():
            if key not in schema.get("properties", {}):
                _fill_defaults(value, extra)


def _whole_numbers_as_int(instance: Any, schema: Mapping[str, Any]) -> Any:
    """`instance` with whole-number floats turned into ints where the schema says integer.

    JSON Schema counts 7.0 as an integer, so `count: 7.0` passes validation; the stages then
    need a real int (range(), array shapes), so validation hands them one.
    """
    types = schema.get("type")
    if isinstance(instance, float) and (
        types == "integer" or (isinstance(types, list) and "integer" in types)
    ):
        return int(instance) if instance.is_integer() else instance
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            key: _whole_numbers_as_int(
                value, properties.get(key, extra if isinstance(extra, dict) else {})
            )
            for key, value in instance.items()
        }
    if isinstance(instance, list) and isinstance(schema.get("items"), dict):
        return [_whole_numbers_as_int(item, schema["items"]) for item in instance]
    return instance


def _key(path: Iterator[Any]) -> str:
    return ".".join(str(part) for part in path) or "<top level>"


def _describe(error: jsonschema.ValidationError) -> str:
    """One line: the key, the offending value and the allowed values or range."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = f"config key '{_key(error.absolute_path)}'"
    if error.validator == "oneOf":
        allowed = []
        for option in schema.get("oneOf", []):
            if "enum" in option:
                allowed.extend(repr(v) for v in option["enum"])
            else:
                low, high = option.get("minimum"), option.get("maximum")
                allowed.append(f"a {option.get('type')} in [{low}, {high}]")
        return f"{where}: {error.instance!r} is not allowed; allowed: {' or '.join(allowed)}"
    if error.validator == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        return f"{where}: {error.message}; allowed keys: {', '.join(known)}"
    if error.validator == "minProperties":
        return (
            f"{where}: {len(error.instance)} given, at least {error.validator_value} required"
            + (f" ({schema['description'].strip()})" if "description" in schema else "")
        )
    hint = f" ({schema['description'].strip()})" if "description" in schema else ""
    return f"{where}: {error.message}{hint}"


def _range_errors(config: Mapping[str, Any]) -> list[str]:
    """Diameter ranges given high before low."""
    errors = []
    for name, spec in config["classes"].items():
        low, high = spec["mean_diameter"]
        if low > high:
            errors.append(
                f"config key 'classes.{name}.mean_diameter': low {low} is above high {high}; "
                "allowed: [low, high] with 0 < low <= high <= 1"
            )
    low, high = config["image"]["magnification"]
    if low > high:
        errors.append(
            f"config key 'image.magnification': low {low} is above high {high}; "
            "allowed: [low, high] with 0.1 <= low <= high <= 10"
        )
    return errors


def _style_errors(config: Mapping[str, Any]) -> list[str]:
    """A held-out style must be rendered and must leave another style to train on."""
    errors = []
    held_out = config["training"]["held_out_style"]
    styles = config["image"]["styles"]
    if held_out is not None and held_out not in styles:
        errors.append(
            f"config key 'training.held_out_style': {held_out!r} is not a rendered style; "
            f"allowed: null or one of {styles} (image.styles)"
        )
    if held_out is not None and len(styles) < 2:
        errors.append(
            "config key 'training.held_out_style': holding out the only style leaves nothing "
            "to train on; allowed: null"
        )
    return errors


def _count_errors(config: Mapping[str, Any]) -> list[str]:
    """Every class needs a microstructure to fit on, one to validate on and one to test on:
    an empty side makes training or scoring fail inside a job."""
    train, test = config["split"]["train"], config["split"]["test"]
    fraction = config["training"]["validation_fraction"]
    rule = f"split {train}:{test} and training.validation_fraction {fraction}"
    needed = minimum_count(train, test, fraction)
    errors = []
    for name, spec in config["classes"].items():
        parts = class_split(spec["count"], train, test, fraction)
        if min(parts) >= 1:
            continue
        given = (
            f"config key 'classes.{name}.count': {spec['count']} microstructures give "
            f"{parts.fit} to fit, {parts.validation} for validation and {parts.test} for test"
        )
        if needed is None:
            errors.append(f"{given}; no count leaves one on every side with {rule}")
        else:
            errors.append(
                f"{given}; at least {needed} are needed with {rule} (one or more on every side)"
            )
    return errors


def _size_errors(config: Mapping[str, Any]) -> list[str]:
    """Images too small for the network, the drawn square or the smallest grains."""
    image = config["image"]
    width, height = image["width"], image["height"]
    errors = []
    architecture = config["training"]["architecture"]
    need = MIN_SIDE[architecture]
    for key, side in (("width", width), ("height", height)):
        if side < need:
            errors.append(
                f"config key 'image.{key}': {side} px is too small for training.architecture "
                f"{architecture!r}; allowed: at least {need} px (its feature map would be empty)"
            )
    square = image["domain_fraction"] * min(width, height)
    if square < MIN_DOMAIN_PX:
        errors.append(
            f"config key 'image.domain_fraction': {image['domain_fraction']} draws the square "
            f"{square:.1f} px wide; allowed: at least {MIN_DOMAIN_PX / min(width, height):.4g} "
            f"(a square of {MIN_DOMAIN_PX:g} px) at {width}x{height}"
        )
        return errors  # every class would be too small as well: one line says it
    # The smallest grains are drawn at the lowest magnification.
    smallest = square * min(image["magnification"])
    for name, spec in config["classes"].items():
        low = spec["mean_diameter"][0]
        if low * smallest < MIN_GRAIN_PX:
            errors.append(
                f"config key 'classes.{name}.mean_diameter': grains of mean diameter {low} are "
                f"{low * smallest:.1f} px wide in a {smallest:.0f} px square (image.magnification "
                f"low end); allowed: at least {MIN_GRAIN_PX / smallest:.4g} here "
                f"({MIN_GRAIN_PX:g} px; smaller grains are mostly boundary line and cannot be "
                "measured)"
            )
    return errors


def _semantic_errors(config: Mapping[str, Any]) -> list[str]:
    """Checks JSON Schema cannot express: values that pass the schema but would make a job
    fail, each as one line naming the key, what is allowed and why."""
    return [
        *_range_errors(config),
        *_style_errors(config),
        *_count_errors(config),
        *_size_errors(config),
        *check_bands(list(config["classes"]), config),
    ]


def validate_config(config: Mapping[str, Any], schema_path: str | Path = SCHEMA_PATH) -> dict:
    """Return a copy of `config` with defaults filled in, or raise ConfigError."""
    schema = load_schema(schema_path)
    filled = copy.deepcopy(dict(config))
    _fill_defaults(filled, schema)
    validator = jsonschema.Draft202012Validator(schema)
    messages = [_describe(e) for e in sorted(validator.iter_errors(filled), key=str)]
    if not messages:
        filled = _whole_numbers_as_int(filled, schema)
        messages = _semantic_errors(filled)
    if messages:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(messages))
    return filled


def load_config(path: str | Path, schema_path: str | Path = SCHEMA_PATH) -> dict:
    """Read a YAML config file and validate it."""
    return validate_config(read_config_file(path), schema_path)
