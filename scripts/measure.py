"""Snakemake entry point: measure the grain size of one class's images in one style."""

from pathlib import Path

from microcnn.imaging.render import ImageSettings
from microcnn.measurement.measure import measure_batch
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    measure_batch(
        sorted(p for folder in smk.input.images for p in Path(folder).glob("*.png")),
        smk.wildcards.style,
        ImageSettings.from_config(smk.params.image),
        smk.params.domain_mm,
        smk.output.measurements,
    )
