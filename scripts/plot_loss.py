"""Snakemake entry point: plot the training history."""

from microcnn.plots import plot_history
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    plot_history(smk.input.history, smk.output.plot)
