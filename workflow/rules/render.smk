rule render:
    """One PNG per microstructure of a batch, in one rendering style, each at a magnification
    drawn for it; a record per image with its view and its true grain size in pixels."""
    input:
        meshes=rules.generate.output.meshes,
        code=code("render"),
    output:
        images=directory("results/images/{style}/{cls}/batch-{batch}"),
        records="results/images/{style}/{cls}/batch-{batch}.csv",
    log:
        "results/logs/render/{style}/{cls}/batch-{batch}.log",
    benchmark:
        "results/benchmarks/render/{style}/{cls}/batch-{batch}.tsv"
    conda:
        "../../envs/geometry.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=batch_runtime("render"),
    params:
        image=IMAGE_GEOMETRY,
        seed=config["seed"],
        domain_mm=config["measurement"]["domain_mm"],
    script:
        "../../scripts/render.py"


rule plot_samples:
    """A grid of sample images: rows by class and magnification, columns by look. Drawn
    afresh from each class's first microstructure at two fixed magnifications, with that
    image's look seed, so the columns differ only by their look (images picked from the
    render records would differ in microstructure and magnification as well)."""
    input:
        meshes=[
            rules.generate.output.meshes.format(cls=c, batch="0000") for c in CLASSES
        ],
        code=code("plot_samples"),
    output:
        plot=report(
            "results/plots/samples.png",
            category="Dataset",
            caption="../report/samples.rst",
            labels={"figure": "sample images"},
        ),
    log:
        "results/logs/plot_samples.log",
    benchmark:
        "results/benchmarks/plot_samples.tsv"
    conda:
        "../../envs/geometry.yaml"
    params:
        classes=CLASSES,
        styles=STYLES,
        image=IMAGE_GEOMETRY,
        seed=config["seed"],
    script:
        "../../scripts/plot_samples.py"
