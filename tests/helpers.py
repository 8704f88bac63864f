"""Helpers shared by the tests: the repository's paths, the tiny config, running the workflow."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from microcnn.atomic import write_bytes

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "microcnn"
TINY = REPO / "tests" / "tiny" / "config.yaml"
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
# An `scontrol` that fails at once, first on PATH for local runs: see the script for why.
NO_CONTROLLER = REPO / "tests" / "slurm" / "no-controller"
# Held exclusively while a test edits the package's source, and shared by every workflow run
# in a folder that has run before: what such a run plans depends on the source's times, so
# under pytest-xdist it must not see an edit made on another worker. A run in a new folder
# builds everything whatever the times, and an edit (a comment, restored with its old times)
# changes none of its outputs: it goes ahead beside an edit. One lock per checkout, so two test
# sessions of the same checkout keep out of each other's way too.
SOURCE_LOCK = Path(tempfile.gettempdir()) / (
    "microcnn-tests-" + hashlib.sha1(str(REPO).encode()).hexdigest()[:12] + ".lock"
)


@contextlib.contextmanager
def source_lock(exclusive: bool = False) -> Iterator[None]:
    """Hold the checkout's source lock: shared for a run, exclusive for an edit."""
    with open(SOURCE_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def edited(path: Path) -> Iterator[None]:
    """`path` with a line appended (new content and a new time: Snakemake ignores a touch that
    keeps the checksum), restored with its old times afterwards; no other run sees it."""
    before, source = path.stat(), path.read_bytes()
    # Written whole or not at all (temp file and rename): other tests may import it meanwhile.
    with source_lock(exclusive=True):
        try:
            write_bytes(path, source + b"\n# edited\n")
            yield
        finally:
            write_bytes(path, source)
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def snakemake(
    workdir: Path,
    *args: str,
    config: Path | None = TINY,
    timeout: float = 900,
    slurm: bool = False,
    lock: bool = True,
) -> subprocess.CompletedProcess:
    """Run the workflow in `workdir` (a subprocess, killed after `timeout` seconds) with
    `config` as its configfile (None: none, so the folder's config.yaml); with `slurm`, SLURM's
    own scontrol is left on PATH (a run through the test cluster). In a folder
    that has run before it holds the source lock shared, unless `lock` is False (inside
    `edited`, which holds it already)."""
    lock = lock and (workdir / ".snakemake").exists()
    env = dict(os.environ)
    if not slurm:
        env["PATH"] = os.pathsep.join([str(NO_CONTROLLER), env.get("PATH", "")])
    configfile = [] if config is None else ["--configfile", str(config)]
    with source_lock() if lock else contextlib.nullcontext():
        return subprocess.run(
            [*SNAKEMAKE, "--directory", str(workdir), *configfile, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )


def copy_run(source: Path, target: Path) -> None:
    """A copy of a run's folder to change and run again, without Snakemake's logs: another
    worker's dry run in `source` may write (and remove) a log meanwhile."""
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("log"))


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
