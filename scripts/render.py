"""Snakemake entry point: render one batch of microstructures in every look, with a record per
image and each image's size and SHA-256 (checked before the images are read again)."""

from microcnn.data.checksums import record_checksums
from microcnn.geometry.mesh_io import load_meshes
from microcnn.imaging.render import LOOKS, ImageSettings, render_looks
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    # The outputs are lists in the order of the styles: one folder, records and checksums each.
    looks = [LOOKS[style] for style in smk.params.styles]
    written = render_looks(
        load_meshes(smk.input.meshes),
        smk.wildcards.cls,
        zip(looks, smk.output.images, smk.output.records, strict=True),
        ImageSettings.from_config(smk.params.image),
        smk.params.seed,
        smk.params.domain_mm,
    )
    for paths, checksums in zip(written, smk.output.checksums, strict=True):
        record_checksums(paths, checksums)
