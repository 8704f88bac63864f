"""CNN_Microstructure: synthetic microstructures -> images -> split -> CNN -> predictions."""

from snakemake.utils import min_version

min_version("9.0")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


wildcard_constraints:
    cls="|".join(CLASSES),
    batch=r"\d{4}",
    stage="train|predict",


localrules:
    all,
    records,
    plot_dataset,
    split,
    plot_loss,
    plot_samples,
    verify_dataset,
    describe_model,
    export_model,
    baseline,
    evaluate,


include: "workflow/rules/generate.smk"
include: "workflow/rules/render.smk"
include: "workflow/rules/split.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/predict.smk"
include: "workflow/rules/evaluate.smk"


rule all:
    default_target: True
    input:
        rules.records.output.records,
        rules.plot_dataset.output.areas,
        rules.train.output.model,
        rules.export_model.output.artefact,
        rules.plot_loss.output.plot,
        rules.describe_model.output.diagram,
        rules.plot_samples.output.plot,
        rules.predict.output.predictions,
        rules.predict.output.metrics,
        rules.evaluate.output.summary,
