"""Configs that look valid: a --configfile is the whole configuration; values that would make a
job fail are rejected before any job with one line naming the key, what is allowed and why."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from microcnn.cli import main
from microcnn.config import ConfigError, load_schema, validate_config

from ..helpers import TINY, changed_config, planned_jobs, snakemake, write_config

TWO_CLASSES = {
    "classes": {
        "small": {"count": 7, "mean_diameter": [0.08, 0.11]},
        "large": {"count": 7, "mean_diameter": [0.2, 0.34]},
    }
}


def _tiny(**changes) -> dict:
    return changed_config(**changes)


def _output(result: subprocess.CompletedProcess) -> str:
    """What Snakemake printed (its messages go to either stream, by version)."""
    return result.stdout + result.stderr


def _one_error(config: dict) -> str:
    """The one problem validation reports for `config`."""
    with pytest.raises(ConfigError) as info:
        validate_config(config)
    lines = str(info.value).splitlines()
    assert lines[0] == "invalid configuration:"
    assert len(lines) == 2, lines
    return lines[1].strip()


def test_a_configfile_replaces_config_yaml(tmp_path):
    """Only the classes of the given file are planned; config.yaml's coarse and fine are not
    merged back in (the schema's defaults fill in the rest)."""
    config = tmp_path / "two.yaml"
    config.write_text(yaml.safe_dump(TWO_CLASSES))
    result = snakemake(tmp_path, "--dry-run", config=config)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "results/meshes/small/batch-0000.npz" in out
    assert "results/meshes/large/batch-0000.npz" in out
    assert "coarse" not in out and "fine" not in out
    counts = planned_jobs(result)
    styles = load_schema()["properties"]["image"]["properties"]["styles"]["default"]
    # One render job per batch draws every default look.
    assert counts["generate"] == 2 and counts["render"] == 2
    for style in styles:
        assert f"results/images/{style}/small/batch-0000" in out


def test_config_overrides_still_apply_on_top_of_a_configfile(tmp_path):
    config = tmp_path / "two.yaml"
    config.write_text(yaml.safe_dump(TWO_CLASSES))
    result = snakemake(
        tmp_path, "--dry-run", "--config", "image={styles: [reference]}", config=config
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert planned_jobs(result)["render"] == 2  # one per batch, drawing the looks given
    assert "results/images/reference/small/batch-0000" in result.stdout
    assert "results/images/grey/" not in result.stdout


def test_config_yaml_is_the_configuration_without_a_configfile(tmp_path):
    (tmp_path / "config.yaml").write_text(TINY.read_text())
    result = snakemake(tmp_path, "--dry-run", "--config", "seed=3", config=None, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert planned_jobs(result)["render"] == 4  # 2 classes x 2 batches, each in both looks


def test_a_single_class_file_is_rejected_not_completed_from_config_yaml(tmp_path):
    config = write_config(tmp_path / "one.yaml")
    one = yaml.safe_load(config.read_text())
    del one["classes"]["fine"]
    config.write_text(yaml.safe_dump(one))
    result = snakemake(tmp_path, "--dry-run", config=config)
    assert result.returncode != 0
    assert "config key 'classes': 1 given, at least 2 required" in _output(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("classes:\n  small: {count: 7, mean_diameter: [0.08,0.11]\n", "line 3 column 1"),
        ("classes:\n\tfine: {}\n", "line 2 column 1"),
        ("", "empty; it needs at least 'classes'"),
        ("- a\n- b\n", "the top level must be keys and values"),
    ],
)
def test_a_broken_config_yaml_names_the_file_and_line(tmp_path, text, expected):
    (tmp_path / "config.yaml").write_text(text)
    result = snakemake(tmp_path, "--dry-run", config=None, timeout=300)
    assert result.returncode != 0
    output = _output(result)
    assert f"config file config.yaml{', ' if 'line' in expected else ':'}" in output
    assert expected in output
    assert "Traceback" not in output
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("classes:\n  small: {count: 7, mean_diameter: [0.08,0.11]\n", "line 3 column 1"),
        ("", "empty"),
    ],
)
def test_check_config_names_the_file_and_line_of_a_configfile(tmp_path, capsys, text, expected):
    """Snakemake reads a --configfile before the workflow starts and names neither file nor
    line; `microcnn check-config` does."""
    path = tmp_path / "my.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"config file {path}") and expected in err
    assert len(err.strip().splitlines()) == 1


def test_check_config_accepts_the_tiny_config(capsys):
    assert main(["check-config", str(TINY)]) == 0
    assert capsys.readouterr().out.strip() == f"{TINY}: valid (2 classes, 28 images)"


# Values within the schema that used to make a job fail, and the one line that now says why.
REJECTED = {
    "schema's minimum count": (
        {"classes.fine.count": 2},
        "config key 'classes.fine.count': 2 microstructures give 1 to fit, 0 for validation "
        "and 1 for test; at least 3 are needed with split 6:1 and "
        "training.validation_fraction 0.15",
    ),
    "split 1:20": (
        {"split.train": 1, "split.test": 20, "classes.coarse.count": 31, "classes.fine.count": 40},
        "config key 'classes.coarse.count': 31 microstructures give 1 to fit, 0 for validation "
        "and 30 for test; at least 32 are needed with split 1:20",
    ),
    "validation_fraction 0.99": (
        {
            "training.validation_fraction": 0.99,
            "classes.coarse.count": 58,
            "classes.fine.count": 59,
        },
        "at least 59 are needed with split 6:1 and training.validation_fraction 0.99",
    ),
    "domain_fraction 0.01": (
        {"image.domain_fraction": 0.01},
        "config key 'image.domain_fraction': 0.01 draws the square 2.9 px wide; allowed: at "
        "least 0.05556",
    ),
    "grains below 4 px": (
        {"classes.fine.mean_diameter": [0.01, 0.11]},
        # 0.01 x 222 px x the 0.5 low end of image.magnification.
        "config key 'classes.fine.mean_diameter': grains of mean diameter 0.01 are 1.1 px wide",
    ),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_configs_that_would_fail_in_a_job_are_rejected_with_one_line(case):
    changes, expected = REJECTED[case]
    line = _one_error(_tiny(**changes))
    assert line.startswith("config key '") and expected in line, line


@pytest.mark.parametrize("case", ["schema's minimum count", "domain_fraction 0.01"])
def test_rejected_before_any_job(tmp_path, case):
    changes, expected = REJECTED[case]
    config = write_config(tmp_path / "config.yaml", **changes)
    result = snakemake(tmp_path / "run", "--cores", "1", config=config)
    assert result.returncode != 0
    assert expected in _output(result)
    assert "Traceback" not in _output(result)
    assert not (tmp_path / "run" / "results").exists()


def test_whole_number_floats_are_integers():
    config = validate_config(
        _tiny(
            **{
                "classes.coarse.count": 7.0,
                "training.epochs": 2.0,
                "training.batch_size": 4.0,
                "image.width": 432.0,
                "generation.batch_size": 4.0,
                "seed": 7.0,
            }
        )
    )
    for value in (
        config["classes"]["coarse"]["count"],
        config["training"]["epochs"],
        config["training"]["batch_size"],
        config["image"]["width"],
        config["generation"]["batch_size"],
        config["seed"],
    ):
        assert type(value) is int
    assert type(config["training"]["learning_rate"]) is float  # numbers stay numbers
    assert "not of type 'integer'" in _one_error(_tiny(**{"training.epochs": 2.5}))


def test_whole_number_floats_plan_like_integers(tmp_path):
    changes = {"classes.coarse.count": 7.0, "generation.batch_size": 4.0, "image.width": 432.0}
    config = write_config(tmp_path / "floats.yaml", **changes)
    result = snakemake(tmp_path, "--dry-run", config=config)
    assert result.returncode == 0, result.stderr[-2000:]
    assert planned_jobs(result)["generate"] == 4
