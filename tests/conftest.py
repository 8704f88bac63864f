"""Shared fixtures: class specs, a saved (untrained) model, users' image files, the tiny run."""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from .helpers import REPO, snakemake


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Whole runs (marked slow) first, in their order, then the rest: pytest-xdist hands tests
    out in this order, one at a time (`--maxschedchunk 1` in pyproject.toml), so the long runs
    start at once on both workers and the short tests fill the gaps. Its default hands each
    worker a block of consecutive tests first (a quarter of its share): the first worker got
    every whole run and finished them alone while the other ran out of tests."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fine_spec():
    from microcnn.geometry.generate import ClassSpec

    return ClassSpec("fine", 4, (0.08, 0.11), 0.25)


@pytest.fixture(scope="session")
def coarse_spec():
    from microcnn.geometry.generate import ClassSpec

    return ClassSpec("coarse", 4, (0.2, 0.34), 0.25)


@pytest.fixture(scope="module")
def seeded_tensorflow() -> None:
    """TensorFlow on 2 threads, seeded, with deterministic ops (as training runs it)."""
    from microcnn.learning import tf_setup

    tf_setup.configure(2, seed=0)


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory) -> Path:
    """An untrained compact network saved as the workflow saves it, with its metadata and its
    LiteRT artefact: it answers log10 area 3.0 (1000 px) with sd 0.3 for every image."""
    from microcnn.classes import GrainSizeClasses
    from microcnn.learning import tf_setup
    from microcnn.learning.architectures import build
    from microcnn.learning.export import export_model

    tf_setup.configure(2, seed=1)
    path = tmp_path_factory.mktemp("model") / "model.keras"
    build("compact", log10_area_mean=3.0).save(path)
    classes = GrainSizeClasses(("fine", "coarse"), (10000.0,), ((2e3, 8e3), (2e4, 9e4)))
    meta = {"classes": classes.to_json(), "reference_pixel_size_um": 4.5}
    path.with_suffix(".json").write_text(json.dumps(meta))
    export_model(path, threads=2)
    return path


@pytest.fixture(scope="session")
def keras_only_model(saved_model, tmp_path_factory) -> Path:
    """The saved model and its metadata without the LiteRT artefact (a model trained before
    there was one): prediction runs on Keras."""
    path = tmp_path_factory.mktemp("keras_only") / "model.keras"
    shutil.copy(saved_model, path)
    shutil.copy(saved_model.with_suffix(".json"), path.with_suffix(".json"))
    return path


@pytest.fixture(scope="session")
def images(tmp_path_factory):
    """A folder with good and bad files of every kind the command must handle."""
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, size=(288, 432, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(root / "good.png")
    Image.fromarray(np.dstack([rgb, np.full((288, 432), 128, np.uint8)])).save(root / "rgba.png")
    grey16 = (rng.integers(0, 65535, size=(288, 432))).astype(np.uint16)
    Image.fromarray(grey16).save(root / "grey16.png")
    Image.fromarray(rgb[:100, :150]).save(root / "small.png")
    (root / "nested").mkdir()
    Image.fromarray(rgb).save(root / "nested" / "deep.jpg")
    (root / "empty.png").write_bytes(b"")
    (root / "text.png").write_text("not an image at all\n")
    data = (root / "good.png").read_bytes()
    (root / "truncated.png").write_bytes(data[: len(data) // 2])
    (root / "notes.txt").write_text("ignored when a folder is searched")
    return root


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, worker_id: str) -> Path:
    """The tiny config run locally once, through every stage: once for the whole session, also
    with pytest-xdist, whose workers each have their own session. The first worker to need it
    runs it under a lock in the folder the workers share; the others wait for it and reuse it
    (the tests only read it, dry-run in it or copy it), instead of running it again: a worker
    building its own at the end of the suite left the other idle for a whole tiny run."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    workdir, done = shared / "tiny", shared / "tiny.done"
    with open(shared / "tiny.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(workdir, ignore_errors=True)
            result = snakemake(workdir, "--cores", "2")
            assert result.returncode == 0, result.stderr[-4000:]
            done.touch()
    return workdir


@pytest.fixture(scope="session")
def varied_model(tmp_path_factory) -> Path:
    """A compact network whose answer differs from image to image (random weights in its last
    layer, which an untrained network starts at zero), saved and exported as the workflow does:
    for comparing the LiteRT artefact with the Keras model."""
    from microcnn.classes import GrainSizeClasses
    from microcnn.learning import tf_setup
    from microcnn.learning.architectures import build
    from microcnn.learning.export import export_model

    tf_setup.configure(2, seed=2)
    model = build("compact", log10_area_mean=3.0)
    kernel = model.get_layer("log10_area").kernel
    # Scales that keep the sd (second output) inside its clipped range.
    weights = np.random.default_rng(2).normal(0, (0.5, 0.05), kernel.shape)
    kernel.assign(weights.astype("float32"))
    path = tmp_path_factory.mktemp("varied") / "model.keras"
    model.save(path)
    classes = GrainSizeClasses(("fine", "coarse"), (10000.0,), ((2e3, 8e3), (2e4, 9e4)))
    meta = {"classes": classes.to_json(), "reference_pixel_size_um": 4.5}
    path.with_suffix(".json").write_text(json.dumps(meta))
    export_model(path, threads=2)
    return path


@pytest.fixture(scope="session")
def stretched_model(varied_model, tmp_path_factory) -> Path:
    """The varied model, its artefact and record, with metadata saying it was trained on
    stretched levels (training.levels)."""
    folder = tmp_path_factory.mktemp("stretched")
    for source in varied_model.parent.iterdir():
        shutil.copy(source, folder / source.name)
    path = folder / varied_model.name
    meta = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(json.dumps({**meta, "levels": "stretched"}))
    return path


@pytest.fixture(scope="session")
def rendered_images(tmp_path_factory) -> Path:
    """Rendered microstructures as the workflow writes them: a fine and a coarse one in three
    looks at 432x288, one at 1024x768, and one tiled to 4320x4032 (above the size measured
    whole, so measured in tiles)."""
    from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
    from microcnn.imaging.render import LOOKS, ImageSettings, Renderer, encode_png

    root = tmp_path_factory.mktemp("rendered")
    meshes = [
        generate_one(ClassSpec(name, 1, diameters, 0.25), 5, 0, GenerationSettings())[0]
        for name, diameters in (("fine", (0.08, 0.08)), ("coarse", (0.25, 0.25)))
    ]
    for look in ("reference", "etched", "sem"):
        renderer = Renderer(style=LOOKS[look])
        for k, mesh in enumerate(meshes):
            (root / f"{look}-{k}.png").write_bytes(encode_png(renderer.render(mesh, seed=k)))
    pixels = Renderer(ImageSettings(1024, 768)).render(meshes[0])
    (root / "large-1024x768.png").write_bytes(encode_png(pixels))
    tiled = np.tile(Renderer(style=LOOKS["etched"]).render(meshes[0], seed=3), (14, 10, 1))
    (root / "tiled-4320x4032.png").write_bytes(encode_png(tiled, compress_level=1))
    return root
