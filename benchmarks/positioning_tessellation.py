"""Per-image time of seed positioning and Laguerre tessellation at about 500 grains.

Compares MicroStructPy (``SeedList.position`` + ``PolyMesh.from_seeds``) with
``microcnn.geometry.positioning.position_seeds`` +
``microcnn.geometry.laguerre.laguerre_polymesh`` on the
same seed lists, in one process pinned to one core, and tests with a two-sample KS test that
the pooled cell areas of both come from the same distribution.

Run: python benchmarks/positioning_tessellation.py [--msp-images 5] [--fast-images 30]
"""

from __future__ import annotations

import argparse
import copy
import os
import tempfile
import time
import warnings

import microstructpy as msp
import numpy as np
import scipy.stats

from microcnn.geometry.laguerre import laguerre_polymesh
from microcnn.geometry.positioning import position_seeds

DISTRIBUTIONS = {
    "lognormal s=0.25": scipy.stats.lognorm(s=0.25, scale=0.05),
    "equal d=0.05": 0.05,
}


def _seed_list(d, domain, image: int) -> msp.seeding.SeedList:
    # from_info draws the sizes from numpy's global generator.
    np.random.seed(image)
    return msp.seeding.SeedList.from_info([{"shape": "circle", "d": d}], domain.area)


def _run_msp(seeds, domain, image: int) -> tuple[float, float, list[float], int]:
    n0 = len(seeds)
    t0 = time.perf_counter()
    seeds.position(domain, rng_seed=image)
    t1 = time.perf_counter()
    mesh = msp.meshing.PolyMesh.from_seeds(seeds, domain)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, list(mesh.volumes), n0 - len(seeds)


def _run_fast(seeds, domain, image: int) -> tuple[float, float, list[float], int]:
    t0 = time.perf_counter()
    dropped = position_seeds(seeds, domain, np.random.default_rng(image))
    t1 = time.perf_counter()
    mesh = laguerre_polymesh(seeds, domain)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, list(mesh.volumes), dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--msp-images", type=int, default=5, help="images with MicroStructPy")
    parser.add_argument("--fast-images", type=int, default=30, help="images with microcnn")
    args = parser.parse_args()

    # One core for this process and for the subprocess that from_seeds starts.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    domain = msp.geometry.Square(side_length=1, corner=(0, 0))
    # Warm-up of both code paths (first calls load modules and fill caches).
    warm = _seed_list(0.2, domain, 0)
    _run_fast(copy.deepcopy(warm), domain, 0)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            _run_msp(warm, domain, 0)
        finally:
            os.chdir(cwd)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # SeedList.position writes a log of dropped seeds into the working directory.
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            for name, d in DISTRIBUTIONS.items():
                results = {}
                for method, runner, n_img in (
                    ("MicroStructPy", _run_msp, args.msp_images),
                    ("microcnn", _run_fast, args.fast_images),
                ):
                    pos, tess, areas, drops, grains = [], [], [], [], []
                    for image in range(n_img):
                        seeds = _seed_list(d, domain, image)
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", RuntimeWarning)
                            p, t, a, k = runner(seeds, domain, image)
                        pos.append(p)
                        tess.append(t)
                        areas.extend(a)
                        drops.append(k)
                        grains.append(len(a))
                    total = np.array(pos) + np.array(tess)
                    results[method] = {
                        "images": n_img,
                        "grains": float(np.mean(grains)),
                        "dropped": float(np.mean(drops)),
                        "position": float(np.median(pos)),
                        "tessellate": float(np.median(tess)),
                        "total": float(np.median(total)),
                        "areas": np.array(areas),
                    }
                ks = scipy.stats.ks_2samp(
                    results["MicroStructPy"]["areas"], results["microcnn"]["areas"]
                )
                speedup = results["MicroStructPy"]["total"] / results["microcnn"]["total"]
                rows.append((name, results, speedup, ks.pvalue))
        finally:
            os.chdir(cwd)

    head = (
        f"{'distribution':<18} {'method':<14} {'images':>6} {'grains':>7} {'dropped':>8} "
        f"{'position s':>11} {'tessellate s':>13} {'total s':>9} {'speed-up':>9} {'KS p':>7}"
    )
    print("median per-image time, one core")
    print(head)
    print("-" * len(head))
    for name, results, speedup, p_value in rows:
        for method, r in results.items():
            fast = method == "microcnn"
            print(
                f"{name:<18} {method:<14} {r['images']:>6d} {r['grains']:>7.1f} "
                f"{r['dropped']:>8.2f} {r['position']:>11.4f} {r['tessellate']:>13.4f} "
                f"{r['total']:>9.4f} {(f'{speedup:.0f}x' if fast else ''):>9} "
                f"{(f'{p_value:.3f}' if fast else ''):>7}"
            )
    print("KS p: two-sample KS test on the pooled cell areas, microcnn against MicroStructPy.")


if __name__ == "__main__":
    main()
