rule split:
    """Train and test manifests: microstructures split train:test per class (deterministic
    from the seed); training images in the training styles, test images in every style.
    """
    input:
        images=all_images(),
        records=all_batches(rules.render.output.records),
        code=code("split"),
    output:
        train="results/split/train.csv",
        test="results/split/test.csv",
    log:
        "results/logs/split.log",
    benchmark:
        "results/benchmarks/split.tsv"
    conda:
        "../../envs/geometry.yaml"
    params:
        classes=CLASSES,
        train_styles=TRAIN_STYLES,
        train_share=config["split"]["train"],
        test_share=config["split"]["test"],
        seed=config["seed"],
    script:
        "../../scripts/split.py"
