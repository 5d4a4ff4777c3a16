"""`tracker story SLUG --replay` through the real console script: the state after each step."""

from __future__ import annotations

import pytest
from licensing_story import SLUG


@pytest.fixture
def story(licensing_story: str) -> str:
    return licensing_story


def test_the_replay_prints_each_development_in_published_order_with_the_state_after_it(tracker, story) -> None:
    result = tracker("story", SLUG, "--replay")
    assert result.code == 0, result.err
    steps = result.out.split("\n\n")
    heads = [step.splitlines()[0] for step in steps]
    assert heads == [
        "Step 1/4  2024-05-20  First report; Meta – Character.AI: new thread → talks held",
        "Step 2/4  2024-05-25  open question: Meta declined to comment on the talks",
        "Step 3/4  2024-05-26  Meta – Character.AI: talks held → no agreement yet",
        "Step 4/4  2024-05-28  Google – Character.AI: new thread → agreement reached",
    ]
    assert "Google" not in steps[2].split("Parties:")[0]  # the deal is not known at step 3
    assert "    Google – Character.AI: agreement reached since 2024-05-28 (deal)" in steps[3]
    assert "  - Meta declined to comment on the talks" in steps[1] and "(none)" in steps[0]


def test_the_replay_as_json_carries_each_step_s_moves_and_state(tracker, story) -> None:
    body = tracker("story", SLUG, "--replay", "--json").json()
    assert [s["step"] for s in body["steps"]] == [1, 2, 3, 4]
    third = body["steps"][2]
    assert third["moves"] == [
        {"thread": "Meta – Character.AI", "before": "talks_held", "after": "no_agreement", "report_id": "no-deal"}
    ]
    assert [t["status"] for t in third["state"]["threads"]] == ["no_agreement"]


def test_a_replay_with_a_moment_or_of_an_unknown_story_is_a_one_line_error(tracker, story) -> None:
    result = tracker("story", SLUG, "--replay", "--version", "2")
    assert result.code == 1 and "--replay walks the whole story" in result.err
    result = tracker("story", "no-such-story", "--replay")
    assert result.code == 1 and result.err.startswith("tracker: error:")
