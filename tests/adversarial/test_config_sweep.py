"""Random configs within the schema (fixed seed): planning never raises anything but a
ConfigError of one line per problem, and a config that passes gives every job a plan (batches,
split sides, memory) that the stages can run."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcnn.batching import batch_ranges
from microcnn.config import ConfigError, validate_config
from microcnn.data.split import class_split
from microcnn.imaging.render import LOOKS
from microcnn.resources import (
    generate_mem_mb,
    measure_mem_mb,
    predict_mem_mb,
    render_mem_mb,
    split_images,
    train_mem_mb,
)

# Every look the schema allows, and a style name that is no longer one (fullframe is now a
# magnification): the sweep must reject it in one line.
STYLES = [*LOOKS, "fullframe"]


def integer(low: int, high: int) -> st.SearchStrategy:
    """An integer, sometimes written as a whole-number float (7.0), as YAML users do."""
    return st.integers(low, high).flatmap(lambda n: st.sampled_from([n, float(n)]))


def optional(**entries: st.SearchStrategy) -> st.SearchStrategy:
    """A mapping holding any subset of `entries` (left-out keys take the schema's default)."""
    return st.fixed_dictionaries({}, optional=entries)


unit = st.floats(1e-4, 1.0, allow_nan=False)
classes = st.dictionaries(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True),
    st.fixed_dictionaries(
        {
            "count": integer(2, 400),
            "mean_diameter": st.tuples(unit, unit).map(lambda p: sorted(p)),
        },
        optional={"spread": st.floats(0, 1.5)},
    ),
    min_size=2,
    max_size=4,
)
styles = st.lists(st.sampled_from(STYLES), min_size=1, max_size=6, unique=True)
CONFIGS = st.fixed_dictionaries(
    {"classes": classes},
    optional={
        "seed": integer(0, 2**32 - 1),
        "generation": optional(
            generator=st.sampled_from(["fast", "microstructpy"]),
            batch_size=integer(1, 1000),
            rtol=st.one_of(st.just("fit"), st.floats(0, 1)),
            max_attempts=integer(1, 100_000),
        ),
        "image": optional(
            width=integer(32, 4096),
            height=integer(32, 4096),
            domain_fraction=st.floats(1e-3, 1.0),
            styles=styles,
        ),
        "measurement": optional(domain_mm=st.floats(1e-6, 1e3)),
        "split": optional(train=integer(1, 50), test=integer(1, 50)),
        "training": optional(
            architecture=st.sampled_from(["compact", "reference"]),
            epochs=integer(1, 200),
            batch_size=integer(1, 1024),
            learning_rate=st.floats(1e-8, 10.0),
            schedule=st.sampled_from(["cosine", "plateau"]),
            validation_fraction=st.floats(0.001, 0.999),
            early_stopping_patience=integer(0, 50),
            min_delta=st.floats(0, 1.0),
            held_out_style=st.one_of(st.none(), st.sampled_from(STYLES)),
            augment=st.booleans(),
            invert=st.booleans(),
            blur=st.booleans(),
            zoom=st.booleans(),
            halve=st.booleans(),
            threads=integer(1, 64),
        ),
        "prediction": optional(views=st.sampled_from([1, 2, 4])),
    },
)


def plan(config: dict) -> None:
    """What the Snakefile works out before any job (common.smk and the rule files)."""
    split, training = config["split"], config["training"]
    for name, spec in config["classes"].items():
        ranges = batch_ranges(spec["count"], config["generation"]["batch_size"])
        assert sum(len(r) for r in ranges) == spec["count"]
        sides = class_split(
            spec["count"], split["train"], split["test"], training["validation_fraction"]
        )
        assert min(sides) >= 1 and sum(sides) == spec["count"]
        for memory in (
            generate_mem_mb(config, name),
            render_mem_mb(config, name),
            measure_mem_mb(config, name),
        ):
            assert isinstance(memory, int) and memory > 0
    assert min(split_images(config).values()) >= 1
    for memory in (train_mem_mb(config), predict_mem_mb(config)):
        assert isinstance(memory, int) and 0 < memory < math.inf


@settings(
    max_examples=250,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(CONFIGS)
def test_random_configs_are_planned_or_rejected_in_one_line_each(config):
    try:
        validated = validate_config(config)
    except ConfigError as error:
        lines = str(error).splitlines()
        assert lines[0] == "invalid configuration:"
        assert all(line.startswith("  config key '") for line in lines[1:]), lines
        return
    plan(validated)
