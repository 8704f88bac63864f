"""Snakemake entry point: check that one class's images in one style are as rendered."""

from microcnn.atomic import write_text
from microcnn.data.checksums import verify_images
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    checked = verify_images(list(smk.input.checksums), list(smk.params.batch_dirs))
    write_text(smk.output.verified, f"{checked} images as rendered\n")
