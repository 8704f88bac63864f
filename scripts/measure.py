"""Snakemake entry point: measure the grain size of one batch of images (ASTM E112)."""

from pathlib import Path

from microcnn.baseline import measure_batch
from microcnn.render import ImageSettings
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    measure_batch(
        sorted(Path(smk.input.images).glob("*.png")),
        smk.wildcards.style,
        ImageSettings.from_config(smk.params.image),
        smk.params.domain_mm,
        smk.output.measurements,
    )
