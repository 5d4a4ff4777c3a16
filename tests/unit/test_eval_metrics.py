"""The evaluation's arithmetic (precision, recall, F1, accuracies), its name
matching, and the set's validation errors (each names its file and item)."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tracker.config import PROJECT_ROOT
from tracker.evaluation.dataset import Checkpoint, DatasetError, load_dataset
from tracker.evaluation.feeds import render_feed
from tracker.evaluation.metrics import Names, Score, score
from tracker.evaluation.report import figures
from tracker.evaluation.runner import RunResult, Seen, StateSeen, StoryResult, reading_seen, state_seen
from tracker.ingest.parser import parse_feed

SHIPPED = PROJECT_ROOT / "tests" / "fixtures" / "eval"

STORY: dict[str, Any] = {
    "story": {
        "slug": "acme-talks",
        "title": "Acme talks",
        "rules": {"all_of": [["Acme", "Acme Corp"]], "any_of": ["talks"], "parties": {"Acme": ["Acme Corp"]}},
    },
    "checkpoints": [
        {"after": "s2", "threads": [["Acme", "Bolt", "talks_held"]], "open_questions": [["Bolt", "no_response"]]}
    ],
    "items": [
        {
            "id": "s1",
            "feed": "wire",
            "outlet": "Wire",
            "published": "2024-01-01T10:00:00Z",
            "link": "https://wire.example/s1",
            "title": "Acme in talks with Bolt",
            "description": "Acme and Bolt held talks.",
            "labels": {
                "story": "acme-talks",
                "relevance": "core",
                "kinds": ["talks_held"],
                "relations": [["Acme", "Bolt", "talks_held"]],
                "statements": [],
            },
        },
        {
            "id": "s2",
            "feed": "wire",
            "outlet": "Wire",
            "published": "2024-01-02T10:00:00Z",
            "link": "https://wire.example/s2",
            "title": "Bolt silent on Acme talks",
            "description": "Bolt did not respond; Acme declined to comment.",
            "labels": {
                "story": "acme-talks",
                "relevance": "core",
                "kinds": ["no_response", "declined_to_comment"],
                "relations": [],
                "statements": [["Bolt", "no_response"], ["Acme", "declined_to_comment"]],
            },
        },
    ],
}
DISTRACTORS: dict[str, Any] = {
    "items": [
        {
            "id": "d1",
            "feed": "sport",
            "outlet": "Sport",
            "published": "2024-01-01T12:00:00Z",
            "link": "https://sport.example/d1",
            "title": "Acme Rovers in talks with a striker",
            "description": "The football club is negotiating.",
            "labels": {"story": "none", "kinds": ["talks_held"], "relations": [], "statements": []},
        }
    ]
}


def write_set(folder: Path, story: dict[str, Any] | None = None, distractors: dict[str, Any] | None = None) -> Path:
    (folder / "story.json").write_text(json.dumps(story or STORY), encoding="utf-8")
    (folder / "distractors.json").write_text(json.dumps(distractors or DISTRACTORS), encoding="utf-8")
    return folder


def broken(change: Any) -> dict[str, Any]:
    story = copy.deepcopy(STORY)
    change(story)
    return story


# -- arithmetic -------------------------------------------------------------------


def test_precision_recall_f1_from_counts() -> None:
    s = Score()
    s.add({"a", "b", "c"}, {"a", "b", "d"})
    s.add({"e"}, set())
    assert (s.tp, s.fp, s.fn) == (2, 1, 2)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 4)
    assert s.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert s.accuracy == pytest.approx(2 / 5)


def test_empty_score_is_perfect_not_a_division_by_zero() -> None:
    s = Score()
    assert (s.precision, s.recall, s.accuracy) == (1.0, 1.0, 1.0)
    none_right = Score(tp=0, fp=3, fn=2)
    assert (none_right.precision, none_right.recall, none_right.f1) == (0.0, 0.0, 0.0)


def test_names_ignore_case_punctuation_and_map_aliases(tmp_path: Path) -> None:
    dataset = load_dataset(write_set(tmp_path))
    names = Names(dataset.stories)
    assert names.key("ACME corp") == names.key("Acme") == names.key("acme")
    assert names.pair("Bolt", "Acme Corp", "talks_held") == names.pair("acme", "BOLT", "talks_held")
    assert names.key("Character.AI") == names.key("character ai")


def _result(tmp_path: Path, attached: dict[str, Seen], state: StateSeen) -> RunResult:
    dataset = load_dataset(write_set(tmp_path))
    story = StoryResult("acme-talks", attached=attached, suggested=set())
    checkpoint = dataset.checkpoints[0]
    return RunResult(dataset, {"acme-talks": story}, [(checkpoint, state)], cycles=[], seconds=1.0)


def test_scores_count_each_area_and_list_every_miss(tmp_path: Path) -> None:
    attached = {
        "s1": Seen(("talks_held",), (("bolt", "ACME CORP", "talks_held"),), (), "core", "reading"),
        # s2: the right kinds, one speaker wrong (Acme for Bolt), one missed; read as context
        "s2": Seen(("no_response", "declined_to_comment"), (), (("Acme", "no_response"),), "context", "reading"),
        "d1": Seen(("talks_held",), (), (), "core", "reading"),  # a distractor attached
    }
    state = StateSeen((("Acme", "Bolt", "no_agreement"),), (("Bolt", "no_response"), ("Acme", "no_response")), "state")
    scores = score(_result(tmp_path, attached, state))
    assert (scores.attachment.relevant, scores.attachment.attached, scores.attachment.foreign) == (2, 2, 1)
    assert scores.attachment.precision == pytest.approx(2 / 3)
    assert (scores.kinds.tp, scores.kinds.fp, scores.kinds.fn) == (3, 0, 0)
    assert (scores.relations.tp, scores.relations.fp, scores.relations.fn) == (1, 0, 0)
    assert (scores.statements.tp, scores.statements.fp, scores.statements.fn) == (0, 1, 2)
    # Bolt's no_response: its kind was found, under another speaker; Acme's declined: kind not found
    assert (scores.attribution.tp, scores.attribution.fn) == (0, 1)
    assert (scores.relevance.tp, scores.relevance.fn) == (1, 1)
    assert (scores.threads.tp, scores.threads.fp, scores.threads.fn) == (0, 1, 1)
    assert (scores.open_questions.tp, scores.open_questions.fp) == (1, 1)
    areas = sorted((m.area, m.where) for m in scores.misses)
    assert areas == [
        ("attachment", "d1"),
        ("open_questions", "acme-talks after s2"),
        ("relevance", "s2"),
        ("statements", "s2"),
        ("threads", "acme-talks after s2"),
    ]
    data = figures(scores, _result(tmp_path, attached, state))
    assert data["attachment"]["distractors_attached"] == 1
    assert data["threads"]["accuracy"] == 0.0
    assert len(data["misses"]) == 5


def test_a_relevant_item_not_attached_is_a_miss(tmp_path: Path) -> None:
    attached = {"s1": Seen(("talks_held",), (("Acme", "Bolt", "talks_held"),), (), "core", "reading")}
    scores = score(_result(tmp_path, attached, StateSeen((), (), "state")))
    assert scores.attachment.recall == 0.5
    assert any(m.area == "attachment" and m.where == "s2" and "neither" in m.got for m in scores.misses)
    assert scores.read_items == 1


# -- the fall-backs for today's reports and state ------------------------------------------


class _OldReport:
    kinds = ("talks_held", "declined_to_comment")
    parties = ("Acme", "Bolt")
    speakers = ("Bolt",)


class _Question:
    def __init__(self, party: str, kind: str) -> None:
        self.party, self.kind = party, kind


class _OldState:
    open_questions = (_Question("Bolt", "declined_to_comment"), _Question("", "no_agreement"))


def test_reports_without_a_reading_are_scored_from_their_kinds_parties_and_speakers() -> None:
    seen = reading_seen(_OldReport())
    assert seen.source == "legacy"
    assert seen.relations == (("Acme", "Bolt", "talks_held"),)
    assert seen.statements == (("Bolt", "declined_to_comment"),)
    state = state_seen(_OldState())
    assert (state.source, state.threads, state.open_questions) == ("legacy", (), (("Bolt", "declined_to_comment"),))


# -- the shipped set -------------------------------------------------------------------


def test_the_shipped_set_loads_and_is_big_enough() -> None:
    dataset = load_dataset(SHIPPED)
    assert len(dataset.items) >= 100
    assert len(dataset.stories) >= 3
    assert len(dataset.feeds) >= 3
    for story in dataset.stories:
        assert sum(1 for c in dataset.checkpoints if c.story == story.slug) >= 4
    assert sum(1 for i in dataset.items if i.labels.story == "none") >= 15
    assert sum(1 for i in dataset.items if i.content) >= 5
    assert all(isinstance(c, Checkpoint) for c in dataset.checkpoints)


def test_the_held_out_set_loads() -> None:
    dataset = load_dataset(SHIPPED / "holdout")
    assert len(dataset.stories) == 1 and len(dataset.checkpoints) >= 4
    assert {i.id for i in dataset.items}.isdisjoint({i.id for i in load_dataset(SHIPPED).items})


def test_the_seed_story_is_defined_with_the_seed_slug_and_rules() -> None:
    seed = tomllib.loads((PROJECT_ROOT / "seeds" / "meta-xai-court-character-ai.toml").read_text(encoding="utf-8"))
    stories = {s.slug: s for s in load_dataset(SHIPPED).stories}
    assert stories[seed["story"]["slug"]].rules == seed["story"]["rules"]


def test_feeds_carry_the_full_body_as_content_encoded() -> None:
    dataset = load_dataset(SHIPPED)
    item = next(i for i in dataset.items if i.content)
    body = render_feed(item.feed, [item])
    assert b"<content:encoded><![CDATA[" in body
    parsed = parse_feed(body, {"content-type": "application/rss+xml"}, "http://127.0.0.1/x.xml")
    assert parsed.items[0].identity == item.guid
    assert parsed.items[0].published_at == item.published.astimezone(UTC)


# -- validation errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["items"][1].pop("published"), "story.json: item s2: missing field 'published'"),
        (lambda s: s["items"][1].update(published="yesterday"), "story.json: item s2: published 'yesterday'"),
        (lambda s: s["items"][1].update(published="2024-01-02T10:00:00"), "story.json: item s2: published"),
        (lambda s: s["items"][0]["labels"].update(story="nope"), "story.json: item s1: unknown story 'nope'"),
        (lambda s: s["items"][0]["labels"].update(kinds=["chatting"]), "story.json: item s1: kinds: unknown kind"),
        (lambda s: s["items"][0]["labels"].update(relevance="maybe"), "story.json: item s1: labels: relevance"),
        (
            lambda s: s["items"][0]["labels"].update(relations=[["Acme", "talks_held"]]),
            "story.json: item s1: relations",
        ),
        (
            lambda s: s["items"][0]["labels"].update(kinds=["other"]),
            "story.json: item s1: labels: kinds must also list talks_held",
        ),
        (lambda s: s["items"][1].update(id="s1"), "item s1: id already used"),
        (lambda s: s["items"][0].update(link="wire.example/s1"), "story.json: item s1: link"),
        (
            lambda s: s["items"][1].update(published="2023-12-01T00:00:00Z"),
            "story.json: item s2: published before the item above it",
        ),
        (lambda s: s["checkpoints"][0].update(after="s9"), "story.json: checkpoints[0]: after 's9': no such item"),
        (
            lambda s: s["checkpoints"][0].update(threads=[["Acme", "Bolt", "friendly"]]),
            "story.json: checkpoints[0]: threads: unknown kind 'friendly'",
        ),
        (lambda s: s["story"]["rules"].update(any_off=["x"]), "story.json: story acme-talks: rules: unknown key"),
        (lambda s: s["story"].pop("slug"), "story.json: story: missing field 'slug'"),
    ],
)
def test_a_bad_set_names_the_file_and_the_item(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(DatasetError) as raised:
        load_dataset(write_set(tmp_path, broken(change)))
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_unreadable_json_and_a_missing_folder_are_named(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.json: not valid JSON"):
        load_dataset(tmp_path)
    with pytest.raises(DatasetError, match="no such file or folder"):
        load_dataset(tmp_path / "missing")


def test_published_dates_keep_their_time_zone(tmp_path: Path) -> None:
    dataset = load_dataset(write_set(tmp_path))
    assert dataset.items[0].published == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert [i.id for i in dataset.items] == ["s1", "d1", "s2"]  # served in publication order
