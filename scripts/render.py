"""Snakemake entry point: render one batch of microstructures in one look, with records."""

from microcnn.geometry.mesh_io import load_meshes
from microcnn.imaging.render import LOOKS, ImageSettings, render_batch
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    render_batch(
        load_meshes(smk.input.meshes),
        smk.wildcards.cls,
        smk.output.images,
        ImageSettings.from_config(smk.params.image),
        LOOKS[smk.wildcards.style],
        smk.params.seed,
        smk.params.domain_mm,
        smk.output.records,
    )
