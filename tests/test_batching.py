"""Images grouped into jobs."""

from microcnn.batching import batch_ranges


def test_batch_ranges_cover_every_index_once():
    ranges = batch_ranges(11, 4)
    assert [list(r) for r in ranges] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]
    assert batch_ranges(4, 50) == [range(0, 4)]
    assert batch_ranges(0, 4) == []
