"""Snakemake entry point: score the CNN and the classical measurement; tables and figures."""

from microcnn.evaluation.summary import EvaluationFiles, evaluate
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    evaluate(
        {"CNN": smk.input.cnn, "E112 measurement": smk.input.baseline},
        smk.params.classes,
        EvaluationFiles(
            **{f: getattr(smk.output, f) for f in EvaluationFiles.__dataclass_fields__}
        ),
    )
