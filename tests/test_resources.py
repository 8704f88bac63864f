"""Declared memory follows the config and covers what the stages were measured to use."""

import pytest

from microcnn.config import validate_config
from microcnn.resources import (
    generate_mem_mb,
    measure_mem_mb,
    predict_mem_mb,
    render_mem_mb,
    train_mem_mb,
)

from .helpers import REPO, TINY, changed_config


def _config(base=TINY, **changes) -> dict:
    return validate_config(changed_config(base, **changes))


# (config changes, class, measured peak MB per stage): the points in microcnn/resources.py.
MEASURED = [
    # The default run (2 cores): generate and train from its benchmark files; render and measure
    # (50 images in 9 looks per job) with /usr/bin/time -v.
    ("default", {}, "fine", {"generate": 171, "render": 181, "measure": 63, "train": 2200}),
    # Large grain counts: 2 images of about 47,800 grains per job (render and measure: in the
    # tiny config's 2 looks).
    (
        "tiny",
        {
            "classes.fine.mean_diameter": [0.005, 0.005],
            "generation.batch_size": 2,
            "image.width": 4096,
            "image.height": 4096,
            "image.domain_fraction": 1.0,
        },
        "fine",
        {"generate": 394, "render": 1877, "measure": 1342},
    ),
    # 4096x4096 images, the tiny counts, batch 4: 9.1 GB measured in training.
    ("tiny", {"image.width": 4096, "image.height": 4096}, "fine", {"train": 9100}),
    # 2048x2048, 24 images at batch 4.
    (
        "tiny",
        {
            "classes.coarse.count": 12,
            "classes.fine.count": 12,
            "image.width": 2048,
            "image.height": 2048,
            "image.styles": ["reference"],
            "split.test": 1,
            "split.train": 6,
        },
        "fine",
        {"train": 2474},
    ),
    # The reference network at 432x288, batch 32.
    (
        "tiny",
        {"training.architecture": "reference", "training.batch_size": 32},
        "fine",
        {"train": 1319},
    ),
]
DECLARED = {
    "generate": generate_mem_mb,
    "render": render_mem_mb,
    "measure": measure_mem_mb,
}


@pytest.mark.parametrize(("base", "changes", "cls", "peaks"), MEASURED)
def test_declared_memory_covers_the_measured_peaks(base, changes, cls, peaks):
    config = _config(REPO / "config.yaml" if base == "default" else TINY, **changes)
    for stage, peak in peaks.items():
        declared = train_mem_mb(config) if stage == "train" else DECLARED[stage](config, cls)
        assert declared >= peak, (stage, declared, peak)


def test_memory_grows_with_images_grains_and_batches():
    tiny = _config()
    big = _config(**{"image.width": 4096, "image.height": 4096})
    assert train_mem_mb(big) > 4 * train_mem_mb(tiny)
    assert render_mem_mb(big, "fine") > 4 * render_mem_mb(tiny, "fine")
    assert measure_mem_mb(big, "fine") > 4 * measure_mem_mb(tiny, "fine")
    assert predict_mem_mb(big) > 3 * predict_mem_mb(tiny)
    grains = _config(
        **{
            "classes.fine.mean_diameter": [0.02, 0.03],
            "generation.batch_size": 50,
            "image.magnification": [1.0, 1.0],
        }
    )
    assert generate_mem_mb(grains, "fine") > generate_mem_mb(tiny, "fine")
    assert generate_mem_mb(grains, "fine") > generate_mem_mb(grains, "coarse")
    batch = _config(**{"training.batch_size": 64})
    assert train_mem_mb(batch) > train_mem_mb(tiny)
    assert train_mem_mb(_config(**{"training.width": 2})) > train_mem_mb(tiny)


def test_the_stages_use_the_limits_the_formulas_assume():
    from microcnn import resources
    from microcnn.learning import predict, training

    assert resources.PREDICT_BATCH == predict.PREDICT_BATCH
    assert resources.CACHE_LIMIT_BYTES == training.CACHE_LIMIT_BYTES
