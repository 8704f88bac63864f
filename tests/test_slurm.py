"""The tiny config on a real single-node SLURM cluster gives the same results as a local run.

Needs root and Debian's slurm-wlm and munge (tests/slurm/install.sh). Skipped where they are
missing, unless MICROCNN_REQUIRE_SLURM=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import REPO, read_csv, snakemake

CLUSTER = REPO / "tests" / "slurm" / "cluster.sh"
# What a local single-node cluster without an accounting database needs on top of the profile
# (tests/slurm/README.md): status from squeue, not sacct, and all the cores of this machine.
SLURM_ARGS = [
    "--profile",
    str(REPO / "profiles" / "slurm"),
    "--workflow-profile",
    "none",
    "--cores",
    str(os.cpu_count()),
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "5",
]

pytestmark = pytest.mark.slow


def _slurm_missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root to start the SLURM daemons"
    for program in ("slurmctld", "slurmd", "munged", "sbatch"):
        if shutil.which(program) is None:
            return f"{program} not installed (run tests/slurm/install.sh)"
    return None


def _dead_pid() -> int:
    """The PID of a process that has ended and been reaped."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.fixture(scope="module")
def cluster():
    reason = _slurm_missing()
    if reason:
        if os.environ.get("MICROCNN_REQUIRE_SLURM") == "1":
            pytest.fail(f"SLURM test required but {reason}")
        pytest.skip(reason)
    # Start as after an interrupted run (or a machine restored with /run kept): the state file
    # lists daemons whose processes are gone. The start must recover from that on its own.
    asked = subprocess.run(
        ["bash", str(CLUSTER), "state-file"], capture_output=True, text=True, check=True
    )
    state_file = Path(asked.stdout.strip())
    stale = not state_file.exists()
    if stale:
        state_file.write_text(f"munged {_dead_pid()}\nslurmctld {_dead_pid()}\n")
    started = subprocess.run(
        ["bash", str(CLUSTER), "start"], capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr[-3000:]
    if stale:
        assert "incomplete start" in started.stderr
    try:
        yield
    finally:
        subprocess.run(["bash", str(CLUSTER), "stop"], check=False, timeout=120)


def _images(run: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(run)): p.read_bytes() for p in (run / "results" / "images").rglob("*.png")
    }


def test_slurm_run_matches_local_run(cluster, tiny_run, tmp_path):
    workdir = tmp_path / "slurm"
    result = snakemake(workdir, *SLURM_ARGS, timeout=600, slurm=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    log = result.stdout + result.stderr
    # It went through SLURM, as four jobs: the profile runs every batch's generate and render
    # jobs together (four batches to a SLURM job), then train, the measure jobs of every batch
    # (after the split, up to eight to a SLURM job) and predict.
    submitted = [line for line in log.splitlines() if "has been submitted with SLURM jobid" in line]
    assert len(submitted) == 4, submitted
    assert "group_image_batches" in submitted[0]
    assert sum("group_measure_batches" in line for line in submitted) == 1, submitted
    local, slurm = _images(tiny_run), _images(workdir)
    assert len(local) == 28 and local == slurm
    for name in ("train.csv", "test.csv"):
        assert read_csv(workdir / "results/split" / name) == read_csv(
            tiny_run / "results/split" / name
        )
    from microcnn.learning import architectures

    # Through the project's loader, which registers its own layers (keras alone cannot).
    model = architectures.load(workdir / "results/model/model.keras")
    assert model.output_shape == (None, 2)
    assert (workdir / "results/predictions/metrics.json").is_file()
