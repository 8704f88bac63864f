"""Snakemake entry point: score the CNN and the baseline per style; tables and figures."""

from pathlib import Path

from microcnn.evaluation import evaluate
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    evaluate(
        {"CNN": smk.input.cnn, "grain-size threshold": smk.input.baseline},
        smk.params.classes,
        Path(smk.output.summary).parent,
    )
