"""How often a story is snapshotted: every 50 events while short, then an eighth of its length."""

from tracker.eventsourcing_overrides import snapshot_interval


def test_a_short_story_is_snapshotted_every_base_interval() -> None:
    assert [snapshot_interval(50, v) for v in (1, 49, 50, 499, 511)] == [50, 50, 50, 50, 50]


def test_a_long_story_is_snapshotted_at_most_an_eighth_and_at_least_a_sixteenth_of_its_length_apart() -> None:
    for version in (1_000, 4_095, 4_096, 6_251, 100_000, 1_000_000):
        interval = snapshot_interval(50, version)
        assert version / 16 < interval <= version / 8, (version, interval)
        assert interval & (interval - 1) == 0  # a power of two: boundaries stay put as the story grows


def test_the_base_interval_is_never_undercut() -> None:
    assert snapshot_interval(5_000, 6_251) == 5_000
