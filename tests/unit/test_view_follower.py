"""The follower projects handed saves on its own thread and is waited for once."""

from __future__ import annotations

import threading

import pytest

from tracker.ingest.follower import ViewFollower


def test_the_follower_catches_up_to_the_last_save_handed_and_finish_waits_for_it() -> None:
    seen: list[int] = []
    release = threading.Event()

    def catch_up_to(notification_id: int) -> None:
        release.wait(5)
        seen.append(notification_id)

    follower = ViewFollower(catch_up_to)
    for notification_id in (3, 9, 7):
        follower.saved(notification_id)
    release.set()
    follower.finish()
    assert seen and seen[-1] == 9 and seen == sorted(seen)


def test_an_error_met_by_the_follower_is_raised_when_the_cycle_waits_for_it() -> None:
    def failing(notification_id: int) -> None:
        raise RuntimeError(f"read models stuck before {notification_id}")

    follower = ViewFollower(failing)
    follower.saved(4)
    with pytest.raises(RuntimeError, match="stuck before 4"):
        follower.finish()
    quiet = ViewFollower(failing)
    quiet.saved(5)
    quiet.finish(quietly=True)  # the cycle already fails with its own error


def test_during_a_big_cycle_saves_gather_for_the_pause_and_finish_projects_them_at_once() -> None:
    import time

    seen: list[int] = []
    follower = ViewFollower(seen.append, pause=30.0, pausing=lambda: True)
    for notification_id in (1, 2, 3):
        follower.saved(notification_id)
        time.sleep(0.02)
    assert seen == []  # still gathering
    started = time.monotonic()
    follower.finish()
    assert seen == [3]  # one catch-up for all three
    assert time.monotonic() - started < 5  # finish does not sit out the pause


def test_a_small_cycle_projects_each_save_as_it_comes() -> None:
    import time

    seen: list[int] = []
    follower = ViewFollower(seen.append, pause=30.0, pausing=lambda: False)
    follower.saved(1)
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen == [1]
    follower.finish()
