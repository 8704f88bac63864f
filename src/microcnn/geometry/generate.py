"""Make microstructures: MicroStructPy seeds drawn from a class's grain-size distribution,
positioned in the unit square and tessellated into a Laguerre (power) diagram.

Two generators write the same files: `fast` (the default) keeps MicroStructPy's rules and
objects but places seeds and tessellates with vectorised code (`seeds`, `positioning`,
`laguerre`); `microstructpy` runs MicroStructPy's own `SeedList.position` and
`PolyMesh.from_seeds`."""

from __future__ import annotations

import contextlib
import math
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import microstructpy as msp
import numpy as np
import scipy.stats

from microcnn.atomic import write_csv
from microcnn.geometry.mesh_io import save_meshes
from microcnn.rng import image_seed, random_generator

# Retries with a derived seed when MicroStructPy's tessellation fails on a seed set
# (MicroStructPy issues 70 and 106 report sporadic AssertionErrors in PolyMesh.from_seeds).
MAX_ATTEMPTS_PER_IMAGE = 3

RECORD_FIELDS = [
    "class",
    "index",
    "seed",
    "attempt",
    "target_mean_diameter",
    "grains_requested",
    "grains_placed",
    "grains_dropped",
    "mean_grain_area",
    "mean_equivalent_diameter",
]


@dataclass(frozen=True)
class ClassSpec:
    """A grain-size class as given in the config."""

    name: str
    count: int
    mean_diameter: tuple[float, float]
    spread: float = 0.25

    @classmethod
    def from_config(cls, name: str, spec: Mapping[str, Any]) -> ClassSpec:
        low, high = spec["mean_diameter"]
        return cls(name, int(spec["count"]), (float(low), float(high)), float(spec["spread"]))


GENERATORS = ("fast", "microstructpy")


@dataclass(frozen=True)
class GenerationSettings:
    """How seeds are positioned and tessellated.

    generator "microstructpy" runs MicroStructPy's own `SeedList.position` and
    `PolyMesh.from_seeds`; "fast" places the seeds by the same rule (largest first, the same
    rtol and attempt limit) with vectorised candidate batches, and computes the same Laguerre
    diagram with Qhull, returning MicroStructPy's own PolyMesh (see fast_positioning.py and
    laguerre.py). Both write the same files.
    """

    rtol: float | str = "fit"
    max_attempts: int = 10000
    generator: str = "fast"

    @classmethod
    def from_config(cls, generation: Mapping[str, Any]) -> GenerationSettings:
        return cls(
            rtol=generation["rtol"],
            max_attempts=int(generation["max_attempts"]),
            generator=generation.get("generator", "fast"),
        )


@dataclass
class ImageRecord:
    """What is known of one generated microstructure."""

    class_: str
    index: int
    seed: int
    attempt: int
    target_mean_diameter: float
    grains_requested: int
    grains_placed: int
    grains_dropped: int
    mean_grain_area: float
    mean_equivalent_diameter: float

    def row(self) -> dict[str, Any]:
        row = asdict(self)
        row["class"] = row.pop("class_")
        return {k: row[k] for k in RECORD_FIELDS}


class GenerationError(RuntimeError):
    """A microstructure could not be made; the message names class, index and seed."""


def domain() -> msp.geometry.Square:
    """The unit square every microstructure fills."""
    return msp.geometry.Square(side_length=1.0, corner=(0.0, 0.0))


def phase_for(mean_diameter: float, spread: float) -> dict[str, Any]:
    """MicroStructPy phase of circles whose equivalent diameters have the given mean."""
    if spread == 0:
        return {"shape": "circle", "d": mean_diameter}
    # A log-normal with mean `mean_diameter`: scale = mean * exp(-sigma^2 / 2).
    scale = mean_diameter * math.exp(-(spread**2) / 2)
    return {"shape": "circle", "d": scipy.stats.lognorm(s=spread, scale=scale)}


def make_seeds(
    spec: ClassSpec, seed: int, generator: str = "fast"
) -> tuple[msp.seeding.SeedList, float, np.random.Generator]:
    """Seeds filling the unit square for one image, with the mean diameter drawn for it.

    "microstructpy" uses `SeedList.from_info`; "fast" draws the same distribution with the same
    stopping rule in vectorised chunks (fast_seeds.py): about 4 ms instead of 100 ms at 500
    seeds, which would otherwise be more than positioning and tessellation together.
    """
    rng = random_generator(seed)
    target = float(rng.uniform(*spec.mean_diameter))
    if generator == "fast":
        from microcnn.geometry.seeds import sample_seeds

        return sample_seeds(target, spec.spread, domain().area, rng), target, rng
    sub = rng.integers(0, 2**31 - 1, size=2)
    seeds = msp.seeding.SeedList.from_info(
        phase_for(target, spec.spread),
        domain().area,
        rng_seeds={"d": int(sub[0]), "phase": int(sub[1])},
    )
    return seeds, target, rng


def _mean_equivalent_diameter(areas: Sequence[float]) -> float:
    return float(np.mean(np.sqrt(4 * np.asarray(areas) / np.pi)))


def _position_and_tessellate_msp(
    seeds: msp.seeding.SeedList, rng: np.random.Generator, settings: GenerationSettings
) -> msp.meshing.PolyMesh:
    """MicroStructPy's own positioning and tessellation."""
    # SeedList.position writes seed_position_reject.log into the working directory and warns
    # when it drops seeds: keep that file out of the user's tree (dropped seeds are counted in
    # the record instead).
    with (
        tempfile.TemporaryDirectory() as tmp,
        contextlib.chdir(tmp),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", "Seeds were removed", RuntimeWarning)
        seeds.position(
            domain(),
            rng_seed=int(rng.integers(0, 2**31 - 1)),
            rtol=settings.rtol,
            max_attempts=settings.max_attempts,
        )
        return msp.meshing.PolyMesh.from_seeds(seeds, domain())


def _position_and_tessellate_fast(
    seeds: msp.seeding.SeedList, rng: np.random.Generator, settings: GenerationSettings
) -> msp.meshing.PolyMesh:
    """The same placement rule and diagram, vectorised (fast_positioning, laguerre)."""
    from microcnn.geometry.laguerre import laguerre_polymesh
    from microcnn.geometry.positioning import position_seeds

    position_seeds(seeds, domain(), rng, rtol=settings.rtol, max_attempts=settings.max_attempts)
    return laguerre_polymesh(seeds, domain())


def generate_one(
    spec: ClassSpec, global_seed: int, index: int, settings: GenerationSettings
) -> tuple[msp.meshing.PolyMesh, ImageRecord]:
    """One microstructure: seeds, positions, Laguerre tessellation, and its record."""
    if settings.generator not in GENERATORS:
        raise ValueError(f"unknown generator {settings.generator!r}; allowed: {GENERATORS}")
    tessellate = (
        _position_and_tessellate_fast
        if settings.generator == "fast"
        else _position_and_tessellate_msp
    )
    failures = []
    for attempt in range(MAX_ATTEMPTS_PER_IMAGE):
        seed = image_seed(global_seed, spec.name, index, attempt)
        seeds, target, rng = make_seeds(spec, seed, settings.generator)
        requested = len(seeds)
        try:
            mesh = tessellate(seeds, rng, settings)
        except (AssertionError, ValueError, RuntimeError) as exc:
            failures.append(f"seed {seed}: {type(exc).__name__}: {exc}")
            continue
        record = ImageRecord(
            class_=spec.name,
            index=index,
            seed=seed,
            attempt=attempt,
            target_mean_diameter=target,
            grains_requested=requested,
            grains_placed=len(mesh.volumes),
            grains_dropped=requested - len(seeds),
            mean_grain_area=float(np.mean(mesh.volumes)),
            mean_equivalent_diameter=_mean_equivalent_diameter(mesh.volumes),
        )
        return mesh, record
    raise GenerationError(
        f"class {spec.name!r} image {index}: tessellation failed {len(failures)} times: "
        + "; ".join(failures)
    )


def write_records(path: str | Path, records: Sequence[ImageRecord]) -> None:
    """CSV of image records, written atomically."""
    write_csv(path, RECORD_FIELDS, (record.row() for record in records))


def generate_batch(
    spec: ClassSpec,
    indices: Sequence[int],
    global_seed: int,
    settings: GenerationSettings,
    meshes_path: str | Path,
    records_path: str | Path,
) -> list[ImageRecord]:
    """Generate the images `indices` of one class; write their meshes and records."""
    meshes, records = [], []
    for index in indices:
        mesh, record = generate_one(spec, global_seed, index, settings)
        meshes.append(mesh)
        records.append(record)
    save_meshes(meshes_path, list(indices), meshes)
    write_records(records_path, records)
    return records
