"""Snakemake entry point: plot the training history."""

import json
from pathlib import Path

from microcnn.learning.history import plot_history
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    metadata = json.loads(Path(smk.input.metadata).read_text())
    plot_history(smk.input.history, smk.output.plot, metadata["best_epoch"])
