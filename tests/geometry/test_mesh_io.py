"""A batch of meshes written to one .npz file and read back unchanged."""

import numpy as np

from microcnn.geometry.generate import GenerationSettings, generate_one
from microcnn.geometry.mesh_io import load_meshes, save_meshes


def test_round_trip_keeps_every_array(fine_spec, coarse_spec, tmp_path):
    meshes = [
        generate_one(spec, 3, index, GenerationSettings())[0]
        for spec, index in ((fine_spec, 5), (coarse_spec, 9))
    ]
    path = tmp_path / "batch.npz"
    save_meshes(path, [5, 9], meshes)
    loaded = load_meshes(path)
    assert [index for index, _ in loaded] == [5, 9]
    for original, (_, copy) in zip(meshes, loaded, strict=True):
        np.testing.assert_array_equal(copy.points, original.points)
        np.testing.assert_array_equal(copy.facets, original.facets)
        assert [list(r) for r in copy.regions] == [list(r) for r in original.regions]
        np.testing.assert_array_equal(copy.volumes, original.volumes)
        np.testing.assert_array_equal(copy.seed_numbers, original.seed_numbers)
        np.testing.assert_array_equal(copy.facet_neighbors, original.facet_neighbors)
    assert [p.name for p in tmp_path.iterdir()] == ["batch.npz"]


def test_same_meshes_same_bytes(fine_spec, tmp_path):
    mesh = generate_one(fine_spec, 3, 0, GenerationSettings())[0]
    save_meshes(tmp_path / "a.npz", [0], [mesh])
    save_meshes(tmp_path / "b.npz", [0], [mesh])
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
