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

# Package data, so that an installed (not only an editable) package finds it.
SCHEMA_PATH = Path(str(importlib.resources.files("microcnn") / "config.schema.yaml"))


class ConfigError(ValueError):
    """The configuration does not match the schema; the message lists every problem."""


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


def _semantic_errors(config: Mapping[str, Any]) -> list[str]:
    """Checks JSON Schema cannot express."""
    errors = []
    for name, spec in config.get("classes", {}).items():
        low, high = spec["mean_diameter"]
        if low > high:
            errors.append(
                f"config key 'classes.{name}.mean_diameter': low {low} is above high {high}; "
                "allowed: [low, high] with 0 < low <= high <= 1"
            )
    low, high = config.get("image", {}).get("magnification", [1.0, 1.0])
    if low > high:
        errors.append(
            f"config key 'image.magnification': low {low} is above high {high}; "
            "allowed: [low, high] with 0.1 <= low <= high <= 10"
        )
    errors += check_bands(list(config.get("classes", {})), config)
    held_out = config.get("training", {}).get("held_out_style")
    styles = config.get("image", {}).get("styles", [])
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


def validate_config(config: Mapping[str, Any], schema_path: str | Path = SCHEMA_PATH) -> dict:
    """Return a copy of `config` with defaults filled in, or raise ConfigError."""
    schema = load_schema(schema_path)
    filled = copy.deepcopy(dict(config))
    _fill_defaults(filled, schema)
    validator = jsonschema.Draft202012Validator(schema)
    messages = [_describe(e) for e in sorted(validator.iter_errors(filled), key=str)]
    if not messages:
        messages = _semantic_errors(filled)
    if messages:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(messages))
    return filled


def load_config(path: str | Path, schema_path: str | Path = SCHEMA_PATH) -> dict:
    """Read a YAML config file and validate it."""
    with open(path, encoding="utf-8") as handle:
        return validate_config(yaml.safe_load(handle) or {}, schema_path)
