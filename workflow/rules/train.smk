rule train:
    """The CNN, trained to measure each training image's log mean grain area in its own pixels,
    with a per-class validation hold-out of microstructures."""
    input:
        train=rules.split.output.train,
        images=all_images(),
        verified=rules.verify_dataset.output.verified.format(stage="train"),
        code=code("train"),
    output:
        model=DEFAULT_MODEL,
        metadata=str(metadata_path(DEFAULT_MODEL)),
        history="results/model/history.csv",
    log:
        "results/logs/train.log",
    benchmark:
        "results/benchmarks/train.tsv"
    conda:
        "../../envs/learning.yaml"
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb(config),
        runtime=train_runtime,
    params:
        classes=GRAIN_SIZE_CLASSES,
        height=config["image"]["height"],
        width=config["image"]["width"],
        training=config["training"],
        seed=config["seed"],
        reference_pixel_size_um=REFERENCE_PIXEL_SIZE_UM,
    script:
        "../../scripts/train.py"


rule export_model:
    """The trained model converted for LiteRT, which predicts without TensorFlow's start-up;
    a rule of its own, so that a change to the conversion reruns it and not the training.
    """
    input:
        model=rules.train.output.model,
        code=code("export_model"),
    output:
        artefact=str(inference_path(DEFAULT_MODEL)),
        record=str(inference_record_path(DEFAULT_MODEL)),
    log:
        "results/logs/export_model.log",
    benchmark:
        "results/benchmarks/export_model.tsv"
    conda:
        "../../envs/learning.yaml"
    script:
        "../../scripts/export_model.py"


rule plot_loss:
    """Loss and accuracy curves of the training run."""
    input:
        history=rules.train.output.history,
        metadata=rules.train.output.metadata,
        code=code("plot_loss"),
    output:
        plot=report(
            "results/plots/loss.png",
            category="Training",
            caption="../report/loss.rst",
            labels={"figure": "loss curves"},
        ),
    log:
        "results/logs/plot_loss.log",
    benchmark:
        "results/benchmarks/plot_loss.tsv"
    conda:
        "../../envs/learning.yaml"
    script:
        "../../scripts/plot_loss.py"


rule describe_model:
    """model.summary() as text and a diagram of the layers."""
    input:
        model=rules.train.output.model,
        code=code("describe_model"),
    output:
        summary=report(
            "results/model/summary.txt",
            category="Training",
            caption="../report/model_summary.rst",
            labels={"table": "model summary"},
        ),
        diagram=report(
            "results/model/diagram.png",
            category="Training",
            caption="../report/model_diagram.rst",
            labels={"figure": "model diagram"},
        ),
    log:
        "results/logs/describe_model.log",
    benchmark:
        "results/benchmarks/describe_model.tsv"
    conda:
        "../../envs/learning.yaml"
    script:
        "../../scripts/describe_model.py"
