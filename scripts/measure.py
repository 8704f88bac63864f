"""Snakemake entry point: check that one batch's images (every look) are as rendered, then
measure the grain size of its test images and of its sampled training images."""

from microcnn.data.checksums import verify_images
from microcnn.data.manifest import read_manifest
from microcnn.measurement.measure import measure_records
from microcnn.measurement.selection import images_to_measure
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    verify_images(list(smk.input.checksums), list(smk.input.images))
    selected = images_to_measure(
        read_manifest(smk.input.train),
        read_manifest(smk.input.test),
        smk.params.train_fraction,
        smk.params.seed,
    )
    measure_records(list(smk.input.records), smk.output.measurements, only=selected)
