"""Snakemake entry point: a grid of sample images per class, magnification and look."""

from microcnn.geometry.mesh_io import load_meshes
from microcnn.imaging.render import ImageSettings
from microcnn.imaging.samples import plot_samples
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    # The first batch of each class, in the order of the classes; its first microstructure.
    paths = zip(smk.params.classes, smk.input.meshes, strict=True)
    plot_samples(
        {cls: load_meshes(path)[0] for cls, path in paths},
        smk.params.styles,
        smk.output.plot,
        ImageSettings.from_config(smk.params.image),
        smk.params.seed,
    )
