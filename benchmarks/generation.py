"""Per-image time of a whole microstructure image, seeds to written PNG, two generators.

MicroStructPy path: ``SeedList.from_info`` (through ``microcnn.geometry.generate.make_seeds``),
``SeedList.position``, ``PolyMesh.from_seeds``. Fast path:
``microcnn.geometry.seeds.sample_seeds``, ``microcnn.geometry.positioning.position_seeds``,
``microcnn.geometry.laguerre.laguerre_polymesh``. Both then draw with the project's Renderer
(reference style), encode with ``encode_png`` and write the file with
``microcnn.atomic.write_bytes`` into a temporary directory. Both run in one process, pinned to
one core, on the same per-image seeds, at about 30, 130, 500 and 1,400 grains, for log-normal
diameters (sigma 0.25, the default config's classes) and for equal diameters. At about 500
grains a two-sample KS test compares the pooled cell areas (each normalised by its image's mean
cell area) of the two paths.

Run: python benchmarks/generation.py [--quick] [--out tables.md]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import microstructpy as msp
import numpy as np
import scipy.stats

from microcnn import rng as seeding
from microcnn.atomic import write_bytes
from microcnn.geometry.generate import ClassSpec, domain, make_seeds
from microcnn.geometry.laguerre import laguerre_polymesh
from microcnn.geometry.positioning import position_seeds
from microcnn.geometry.seeds import sample_seeds
from microcnn.imaging.render import STYLES, ImageSettings, Renderer, encode_png

BENCH_SEED = 2024
GRAIN_COUNTS = (30, 130, 500, 1400)
KS_GRAINS = 500
DISTRIBUTIONS = {"log-normal, sigma 0.25": 0.25, "equal sizes": 0.0}
# MicroStructPy images per grain count (default, --quick). Its positioning of equal circles
# nears jamming and takes about 8-15 s per image at 500 grains and about 60 s at 1,400, which
# --quick skips.
MSP_REPEATS = {30: 5, 130: 5, 500: 5, 1400: 3}
MSP_REPEATS_QUICK = {30: 2, 130: 2, 500: 3, 1400: 1}
FAST_REPEATS = 20
FAST_REPEATS_QUICK = 10
MAX_ATTEMPTS = 3  # retries of an image whose MicroStructPy tessellation fails (issues 70, 106)

Stages = tuple[float, float, float, float]


@dataclass
class Runs:
    """Stage times, grains placed and normalised cell areas of the images of one path."""

    stages: list[Stages] = field(default_factory=list)
    grains: list[int] = field(default_factory=list)
    areas: list[np.ndarray] = field(default_factory=list)
    retries: int = 0

    def median(self, stage: int) -> float:
        return statistics.median(s[stage] for s in self.stages)

    @property
    def total(self) -> float:
        """Median of the per-image totals (not the sum of the stage medians)."""
        return statistics.median(sum(s) for s in self.stages)


def mean_diameter_for(grains: int, spread: float) -> float:
    """Mean diameter that gives about `grains` seeds: n = 1 / (pi/4 d^2 exp(sigma^2))."""
    return math.sqrt(4 / (math.pi * grains * math.exp(spread**2)))


def _draw(renderer: Renderer, mesh: msp.meshing.PolyMesh, seed: int, path: Path) -> None:
    write_bytes(path, encode_png(renderer.render(mesh, seed)))


def run_msp(
    d: float, spread: float, seed: int, renderer: Renderer, path: Path
) -> tuple[Stages, msp.meshing.PolyMesh]:
    """MicroStructPy's seeds, positioning and tessellation, then the project's drawing."""
    spec = ClassSpec("benchmark", 1, (d, d), spread)  # uniform(d, d) draws d itself
    t0 = time.perf_counter()
    seeds, _, rng = make_seeds(spec, seed, "microstructpy")
    t1 = time.perf_counter()
    seeds.position(domain(), rng_seed=int(rng.integers(0, 2**31 - 1)), rtol="fit")
    t2 = time.perf_counter()
    mesh = msp.meshing.PolyMesh.from_seeds(seeds, domain())
    t3 = time.perf_counter()
    _draw(renderer, mesh, seed, path)
    t4 = time.perf_counter()
    return (t1 - t0, t2 - t1, t3 - t2, t4 - t3), mesh


def run_fast(
    d: float, spread: float, seed: int, renderer: Renderer, path: Path
) -> tuple[Stages, msp.meshing.PolyMesh]:
    """Vectorised seeds, positioning and tessellation, then the same drawing."""
    t0 = time.perf_counter()
    rng = seeding.random_generator(seed)
    seeds = sample_seeds(d, spread, domain().area, rng)
    t1 = time.perf_counter()
    position_seeds(seeds, domain(), rng, rtol="fit")
    t2 = time.perf_counter()
    mesh = laguerre_polymesh(seeds, domain())
    t3 = time.perf_counter()
    _draw(renderer, mesh, seed, path)
    t4 = time.perf_counter()
    return (t1 - t0, t2 - t1, t3 - t2, t4 - t3), mesh


def _record(
    runs: Runs,
    runner: Callable[..., tuple[Stages, msp.meshing.PolyMesh]],
    d: float,
    spread: float,
    seeds: list[int],
    renderer: Renderer,
    path: Path,
) -> None:
    """One image of `runner`, retried with the next seed when its tessellation fails."""
    for attempt, seed in enumerate(seeds):
        try:
            stages, mesh = runner(d, spread, seed, renderer, path)
        except (AssertionError, ValueError, RuntimeError):
            if attempt + 1 == len(seeds):
                raise
            runs.retries += 1
            continue
        volumes = np.asarray(mesh.volumes, dtype=float)
        runs.stages.append(stages)
        runs.grains.append(len(volumes))
        runs.areas.append(volumes / volumes.mean())
        return


def _measure(
    name: str,
    spread: float,
    target: int,
    n_msp: int,
    n_fast: int,
    renderer: Renderer,
    path: Path,
) -> tuple[Runs, Runs | None]:
    """Images of both paths at one grain count, alternating so that drift hits both alike."""
    d = mean_diameter_for(target, spread)
    fast = Runs()
    msp_runs = Runs() if n_msp else None
    for image in range(max(n_msp, n_fast)):
        # The same per-image seeds for both paths; the later ones serve retries.
        seeds = [
            seeding.derive_seed(BENCH_SEED, "generation", name, target, image, attempt)
            for attempt in range(MAX_ATTEMPTS)
        ]
        if msp_runs is not None and image < n_msp:
            _record(msp_runs, run_msp, d, spread, seeds, renderer, path)
        if image < n_fast:
            _record(fast, run_fast, d, spread, seeds, renderer, path)
    return fast, msp_runs


def _pin_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (os.sched_setaffinity unavailable)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core} (os.sched_setaffinity; child processes inherit it)"


def _fmt(x: float) -> str:
    return f"{x:.4f}" if x < 10 else f"{x:.2f}"


def _table(rows: list[tuple[int, Runs, Runs | None]]) -> list[list[str]]:
    """Rows of one distribution's table: two per grain count (MicroStructPy, fast)."""
    out = []
    for target, fast, msp_runs in rows:
        for method, runs in (("MicroStructPy", msp_runs), ("fast", fast)):
            if runs is None:
                out.append([str(target), method, "0", "-", "-", "-", "-", "-", "-", "skipped"])
                continue
            speedup = ""
            if method == "fast" and msp_runs is not None:
                speedup = f"{msp_runs.total / runs.total:.1f}x"
            out.append(
                [
                    str(target),
                    method,
                    str(len(runs.stages)),
                    f"{np.mean(runs.grains):.0f}",
                    *(_fmt(runs.median(k)) for k in range(4)),
                    _fmt(runs.total),
                    speedup,
                ]
            )
    return out


HEADER = [
    "target",
    "method",
    "images",
    "grains",
    "seeds s",
    "positioning s",
    "tessellation s",
    "drawing s",
    "total s",
    "speed-up",
]


def _text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = [
        "  ".join(
            h.rjust(w) if i > 1 else h.ljust(w)
            for i, (h, w) in enumerate(zip(HEADER, widths, strict=True))
        )
    ]
    lines.append("-" * len(lines[0]))
    for r in rows:
        lines.append(
            "  ".join(
                c.rjust(w) if i > 1 else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(lines)


def _markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---"] * len(HEADER)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats; skip MicroStructPy at 1,400 equal-size grains",
    )
    parser.add_argument("--out", type=Path, help="also write the tables as Markdown to this file")
    args = parser.parse_args()

    pinning = _pin_one_core()
    msp_repeats = MSP_REPEATS_QUICK if args.quick else MSP_REPEATS
    fast_repeats = FAST_REPEATS_QUICK if args.quick else FAST_REPEATS
    renderer = Renderer(ImageSettings(), STYLES["reference"])

    tables: dict[str, list[list[str]]] = {}
    summary: list[str] = []
    ks_p: dict[str, float] = {}
    speedup_500: dict[str, float] = {}
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="generation-bench-") as tmp,
        # SeedList.position writes seed_position_reject.log into the working directory.
        contextlib.chdir(tmp),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", "Seeds were removed", RuntimeWarning)
        path = Path(tmp) / "image.png"
        # Warm-up of both paths: the first calls import modules and fill caches.
        for runner in (run_msp, run_fast):
            runner(mean_diameter_for(30, 0.25), 0.25, 0, renderer, path)

        for name, spread in DISTRIBUTIONS.items():
            rows = []
            for target in GRAIN_COUNTS:
                n_msp = msp_repeats[target]
                if args.quick and target == 1400 and spread == 0:
                    n_msp = 0
                fast, msp_runs = _measure(name, spread, target, n_msp, fast_repeats, renderer, path)
                rows.append((target, fast, msp_runs))
                if msp_runs is not None and target == KS_GRAINS:
                    a, b = np.concatenate(msp_runs.areas), np.concatenate(fast.areas)
                    result = scipy.stats.ks_2samp(a, b)
                    ks_p[name] = float(result.pvalue)
                    summary.append(
                        f"KS test, {name}, ~{KS_GRAINS} grains, cell area / image mean cell "
                        f"area: {len(msp_runs.areas)} MicroStructPy images ({len(a)} cells) vs "
                        f"{len(fast.areas)} fast images ({len(b)} cells): "
                        f"D = {result.statistic:.4f}, p = {result.pvalue:.3g}"
                    )
                    speedup_500[name] = msp_runs.total / fast.total
                    summary.append(
                        f"fast path, {name}, ~{KS_GRAINS} grains: median {fast.total:.4f} s "
                        f"per image (target 0.1 s)"
                    )
                for label, runs in (("MicroStructPy", msp_runs), ("fast", fast)):
                    if runs is not None and runs.retries:
                        summary.append(
                            f"{name}, {target} grains, {label}: {runs.retries} image(s) "
                            "retried with the next seed after a tessellation failure"
                        )
            tables[name] = _table(rows)

    elapsed = time.perf_counter() - started
    head = [
        f"Per-image time, seeds to written PNG ({ImageSettings().width}x"
        f"{ImageSettings().height}, reference style); {pinning}.",
        "Each stage column is the median over the images; total s is the median of the "
        "per-image totals; speed-up = MicroStructPy total / fast total.",
        "seeds: from_info vs sample_seeds; positioning: SeedList.position vs position_seeds; "
        "tessellation: PolyMesh.from_seeds vs laguerre_polymesh; drawing: render + encode_png "
        "+ write.",
        "target: grains aimed at (mean diameter from n = 1 / (pi/4 d^2 exp(sigma^2))); "
        "grains: mean cells per image.",
    ]
    if args.quick:
        head.append("--quick: fewer repeats; MicroStructPy skipped at 1,400 equal-size grains.")
    summary.append(f"benchmark wall time: {elapsed:.0f} s")
    text, markdown = list(head), [f"- {line}" for line in head]
    for name, rows in tables.items():
        text += ["", f"{name}:", _text_table(rows)]
        markdown += ["", f"### {name}", "", _markdown_table(rows)]
    print("\n".join([*text, "", *summary]))
    if args.out:
        bullets = [f"- {line}" for line in summary]
        args.out.write_text("\n".join([*markdown, "", *bullets]) + "\n")
    names = list(DISTRIBUTIONS)
    p_min = min(ks_p.values())
    print(
        f"speedup_500={speedup_500[names[0]]:.2f} speedup_500_equal={speedup_500[names[1]]:.2f} "
        f"ks_p={p_min:.3g}"
    )


if __name__ == "__main__":
    main()
