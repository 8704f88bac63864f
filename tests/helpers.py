"""Helpers shared by the tests: the repository's paths, the tiny config, running the workflow."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "microcnn"
TINY = REPO / "tests" / "tiny" / "config.yaml"
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
# An `scontrol` that fails at once, first on PATH for local runs: see the script for why.
NO_CONTROLLER = REPO / "tests" / "slurm" / "no-controller"


def snakemake(
    workdir: Path, *args: str, config: Path = TINY, timeout: float = 900, slurm: bool = False
) -> subprocess.CompletedProcess:
    """Run the workflow in `workdir` (a subprocess, killed after `timeout` seconds); with
    `slurm`, SLURM's own scontrol is left on PATH (a run through the test cluster)."""
    env = dict(os.environ)
    if not slurm:
        env["PATH"] = os.pathsep.join([str(NO_CONTROLLER), env.get("PATH", "")])
    return subprocess.run(
        [*SNAKEMAKE, "--directory", str(workdir), "--configfile", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def planned_jobs(result: subprocess.CompletedProcess) -> dict[str, int]:
    """Jobs per rule from the 'Job stats' table of a dry run's output (empty: nothing to do)."""
    counts: dict[str, int] = {}
    lines = result.stdout.splitlines()
    if "Job stats:" not in lines:
        return counts
    for line in lines[lines.index("Job stats:") + 3 :]:
        parts = line.split()
        if len(parts) != 2 or parts[0] == "total":
            break
        counts[parts[0]] = int(parts[1])
    return counts


def changed_config(base: Path = TINY, **changes) -> dict:
    """A config file's contents with dotted keys changed (e.g. `image.width=64`)."""
    config = yaml.safe_load(base.read_text())
    for dotted, value in changes.items():
        node = config
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return config


def write_config(path: Path, **changes) -> Path:
    """The tiny config with dotted keys changed, written to `path`."""
    path.write_text(yaml.safe_dump(changed_config(**changes)))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))
