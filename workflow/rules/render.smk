rule render:
    """One PNG per microstructure of a batch in every look, each at a magnification drawn for
    it; a record per image with its view and its true grain size in pixels. One job per batch
    draws all the looks: one start-up and one mesh load instead of one per look (each image's
    view and look come from its own seeds, so the images are the same as one job per look
    made). The outputs are lists, one entry per look in the order of `image.styles`."""
    input:
        meshes=rules.generate.output.meshes,
        code=code("render"),
    output:
        images=directory(
            expand("results/images/{style}/{{cls}}/batch-{{batch}}", style=STYLES)
        ),
        records=expand(
            "results/images/{style}/{{cls}}/batch-{{batch}}.csv", style=STYLES
        ),
        checksums=expand(
            "results/checksums/{style}/{{cls}}/batch-{{batch}}.csv", style=STYLES
        ),
    log:
        "results/logs/render/{cls}/batch-{batch}.log",
    benchmark:
        "results/benchmarks/render/{cls}/batch-{batch}.tsv"
    conda:
        "../../envs/geometry.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc: render_mem_mb(config, wc.cls),
        runtime=batch_runtime("render"),
    params:
        styles=STYLES,
        image=IMAGE_GEOMETRY,
        seed=config["seed"],
        domain_mm=config["measurement"]["domain_mm"],
    script:
        "../../scripts/render.py"


rule verify_dataset:
    """Every image the train or predict stage reads still has the size and SHA-256 it was
    rendered with. The output is temporary and read by that one stage only: the check runs
    again whenever the stage does (a forced retrain too), and fails before Snakemake removes
    the stage's old outputs (the model); it never makes another stage rerun."""
    input:
        checksums=lambda wc: all_batches(
            of_styles(rules.render.output.checksums, STAGE_STYLES[wc.stage])
        ),
        code=code("verify_images"),
    output:
        verified=temp("results/checksums/{stage}.verified"),
    log:
        "results/logs/verify_images/{stage}.log",
    benchmark:
        "results/benchmarks/verify_images/{stage}.tsv"
    conda:
        "../../envs/geometry.yaml"
    params:
        batch_dirs=lambda wc: all_batches(
            of_styles(rules.render.output.images, STAGE_STYLES[wc.stage])
        ),
    script:
        "../../scripts/verify_images.py"


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
