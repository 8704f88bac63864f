rule measure:
    """Grain size of the images of one batch, in every look, measured from their pixels (ASTM
    E112) in the box each one's view shows the specimen in, after checking that every image is
    as rendered (its size and SHA-256): every test image, and every image of a sample of the
    training microstructures (`measurement.train_fraction`; the baseline estimates the
    measurement's spread on them). One job per batch, since a measurement takes only 10-25 ms.
    A changed image fails the job before any is measured, naming it and the fix."""
    input:
        images=rules.render.output.images,
        records=rules.render.output.records,
        checksums=rules.render.output.checksums,
        train=rules.split.output.train,
        test=rules.split.output.test,
        code=code("measure"),
    output:
        measurements="results/grainsize/{cls}/batch-{batch}.csv",
    log:
        "results/logs/measure/{cls}/batch-{batch}.log",
    benchmark:
        "results/benchmarks/measure/{cls}/batch-{batch}.tsv"
    conda:
        "../../envs/learning.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc: measure_mem_mb(config, wc.cls),
        runtime=batch_runtime("measure"),
    params:
        train_fraction=config["measurement"]["train_fraction"],
        seed=config["seed"],
    script:
        "../../scripts/measure.py"


rule baseline:
    """The classical baseline: each test image's E112 measurement, classified by the same class
    boundaries as the CNN's; its spread estimated on the training images."""
    input:
        measurements=all_batches(rules.measure.output.measurements),
        train=rules.split.output.train,
        test=rules.split.output.test,
        code=code("baseline"),
    output:
        predictions="results/baseline/test.csv",
        summary="results/baseline/summary.json",
    log:
        "results/logs/baseline.log",
    benchmark:
        "results/benchmarks/baseline.tsv"
    conda:
        "../../envs/learning.yaml"
    params:
        classes=GRAIN_SIZE_CLASSES,
    script:
        "../../scripts/baseline.py"


rule evaluate:
    """CNN and classical measurement side by side: grain-size error, class scores and
    calibration per look and magnification band; confusion matrices, ROC, scatter, mistakes.
    """
    input:
        cnn=rules.predict.output.predictions,
        baseline=rules.baseline.output.predictions,
        code=code("evaluate"),
    output:
        summary=report(
            "results/evaluation/summary.csv",
            category="Evaluation",
            caption="../report/summary.rst",
            labels={"table": "CNN vs baseline per style"},
        ),
        summary_md="results/evaluation/summary.md",
        per_class=report(
            "results/evaluation/per_class.csv",
            category="Evaluation",
            caption="../report/per_class.rst",
            labels={"table": "per-class scores"},
        ),
        per_class_md="results/evaluation/per_class.md",
        confusion=report(
            "results/evaluation/confusion.png",
            category="Evaluation",
            caption="../report/confusion.rst",
            labels={"figure": "confusion matrices"},
        ),
        roc=report(
            "results/evaluation/roc.png",
            category="Evaluation",
            caption="../report/roc.rst",
            labels={"figure": "ROC curves"},
        ),
        misclassified=report(
            "results/evaluation/misclassified.png",
            category="Evaluation",
            caption="../report/misclassified.rst",
            labels={"figure": "misclassified test images"},
        ),
        scatter=report(
            "results/evaluation/scatter.png",
            category="Evaluation",
            caption="../report/scatter.rst",
            labels={"figure": "estimated vs true grain size"},
        ),
        reliability=report(
            "results/evaluation/reliability.png",
            category="Evaluation",
            caption="../report/reliability.rst",
            labels={"figure": "reliability diagram"},
        ),
    log:
        "results/logs/evaluate.log",
    benchmark:
        "results/benchmarks/evaluate.tsv"
    conda:
        "../../envs/learning.yaml"
    params:
        classes=GRAIN_SIZE_CLASSES["names"],
    script:
        "../../scripts/evaluate.py"
