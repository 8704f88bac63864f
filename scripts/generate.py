"""Snakemake entry point: generate one batch of microstructures of one class."""

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_batch
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    start, stop = smk.params.indices
    generate_batch(
        ClassSpec.from_config(smk.wildcards.cls, smk.params.spec),
        range(start, stop),
        smk.params.seed,
        GenerationSettings.from_config(smk.params.generation),
        smk.output.meshes,
        smk.output.records,
    )
