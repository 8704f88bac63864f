rule generate:
    """MicroStructPy seeds, positions and Laguerre tessellation for one batch of one class."""
    input:
        code=code(
            "generate",
            "seeding",
            "mesh_io",
            "fast_seeds",
            "fast_positioning",
            "laguerre",
        ),
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
        mem_mb=lambda wc: 300 + config["generation"]["batch_size"],
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
        records=all_batches("results/meshes/{cls}/batch-{batch}.csv"),
        code=code("dataset"),
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
        image={k: v for k, v in config["image"].items() if k != "styles"},
    script:
        "../../scripts/records.py"


rule plot_dataset:
    """Histograms per class: mean grain area per image, grains per image."""
    input:
        records="results/dataset/records.csv",
        code=code("dataset_plots"),
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
        image={k: v for k, v in config["image"].items() if k != "styles"},
    script:
        "../../scripts/plot_dataset.py"
