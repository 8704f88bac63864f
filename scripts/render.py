"""Snakemake entry point: render one batch of microstructures in one look, with a record per
image and each image's size and SHA-256 (checked before the images are read again)."""

from microcnn.data.checksums import record_checksums
from microcnn.geometry.mesh_io import load_meshes
from microcnn.imaging.render import LOOKS, ImageSettings, render_batch
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    written = render_batch(
        load_meshes(smk.input.meshes),
        smk.wildcards.cls,
        smk.output.images,
        ImageSettings.from_config(smk.params.image),
        LOOKS[smk.wildcards.style],
        smk.params.seed,
        smk.params.domain_mm,
        smk.output.records,
    )
    record_checksums(written, smk.output.checksums)
