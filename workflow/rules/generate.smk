rule generate:
    """Seeds, positions and Laguerre tessellation for one batch of one class (MicroStructPy's
    rules and objects; `generation.generator` picks the project's fast path or MicroStructPy's).
    """
    input:
        code=code("generate"),
    output:
        meshes="results/meshes/{cls}/batch-{batch}.npz",
        records="results/meshes/{cls}/batch-{batch}.csv",
    log:
        "results/logs/generate/{cls}/batch-{batch}.log",
    benchmark:
        "results/benchmarks/generate/{cls}/batch-{batch}.tsv"
    conda:
        "../../envs/geometry.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc: generate_mem_mb(config, wc.cls),
        runtime=batch_runtime("generate"),
    params:
        spec=lambda wc: config["classes"][wc.cls],
        indices=batch_indices,
        seed=config["seed"],
        generation={k: v for k, v in config["generation"].items() if k != "batch_size"},
    script:
        "../../scripts/generate.py"


rule records:
    """Every image's generation record in one table."""
    input:
        records=all_batches(rules.generate.output.records),
        code=code("records"),
    output:
        records=report(
            "results/dataset/records.csv",
            category="Dataset",
            caption="../report/records.rst",
            labels={"table": "image records"},
        ),
    log:
        "results/logs/records.log",
    benchmark:
        "results/benchmarks/records.tsv"
    conda:
        "../../envs/geometry.yaml"
    params:
        image=IMAGE_GEOMETRY,
    script:
        "../../scripts/records.py"


rule plot_dataset:
    """Histograms per class: mean grain area per image, grains per image."""
    input:
        records=rules.records.output.records,
        code=code("plot_dataset"),
    output:
        areas=report(
            "results/dataset/grain_areas.png",
            category="Dataset",
            caption="../report/grain_areas.rst",
            labels={"figure": "grain-area histograms"},
        ),
        counts=report(
            "results/dataset/grains_per_image.png",
            category="Dataset",
            caption="../report/grains_per_image.rst",
            labels={"figure": "grains-per-image histograms"},
        ),
    log:
        "results/logs/plot_dataset.log",
    benchmark:
        "results/benchmarks/plot_dataset.tsv"
    conda:
        "../../envs/geometry.yaml"
    params:
        image=IMAGE_GEOMETRY,
    script:
        "../../scripts/plot_dataset.py"
