"""The orjson-decoding transcoder must read stored events exactly as the library's own does."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError

from tracker.application.transcoder import OrjsonTranscoder
from tracker.domain.story import Story


def _pair() -> tuple[JSONTranscoder, OrjsonTranscoder]:
    app = Application()
    library, ours = JSONTranscoder(), OrjsonTranscoder()
    app.register_transcodings(library)
    app.register_transcodings(ours)
    return library, ours


def test_every_story_event_decodes_to_the_same_state_as_with_the_library_decoder() -> None:
    library, ours = _pair()
    story = Story.open(title="Talks", slug="talks", summary="s")
    story.add_report(
        report_id="r1",
        headline="Meta and xAI hold talks",
        summary="No deal yet.",
        outlet="FT",
        url="https://example.org/1",
        parties=["Meta", "xAI"],
        kinds=["talks_held"],
        published_at=datetime(2024, 5, 25, 9, 30, tzinfo=UTC),
    )
    story.correct_report("r1", headline="Meta and xAI held talks", reason="tense", by="desk")
    story.retract_report("r1", reason="wrong outlet", by="desk")
    for event in story.collect_events():
        encoded = library.encode(dict(event.__dict__))
        assert ours.encode(dict(event.__dict__)) == encoded  # stored bytes do not change
        assert ours.decode(encoded) == library.decode(encoded)


def test_nested_tagged_values_are_restored_inside_lists_and_dicts() -> None:
    library, ours = _pair()
    value = {
        "a": [{"when": datetime(2024, 1, 1, tzinfo=UTC), "id": uuid4()}, Decimal("1.50")],
        "b": {"c": {"d": [datetime(2025, 2, 3, 4, 5, 6, 7, tzinfo=UTC)]}},
        "e": "plain",
    }
    encoded = library.encode(value)
    decoded = ours.decode(encoded)
    assert decoded == library.decode(encoded) == value
    assert isinstance(decoded["a"][0]["when"], datetime)


def test_values_orjson_refuses_fall_back_to_the_library_decoder() -> None:
    library, ours = _pair()
    encoded = library.encode({"nan": float("nan"), "big": 2**80})
    decoded = ours.decode(encoded)
    assert math.isnan(decoded["nan"]) and decoded["big"] == 2**80


def test_an_unregistered_type_tag_raises_the_library_error() -> None:
    _, ours = _pair()
    with pytest.raises(TranscodingNotRegisteredError):
        ours.decode(b'{"x": {"_type_": "martian", "_data_": 1}}')


def test_the_newsroom_reads_its_events_with_the_orjson_transcoder() -> None:
    from tracker.application import Newsroom

    app = Newsroom()
    assert isinstance(app.mapper.transcoder, OrjsonTranscoder)
    app.close()


@pytest.mark.parametrize(
    "value",
    [
        {"text": "plain ascii", "n": 3, "list": [1, 2, 3], "nested": {"a": [], "b": {}}},
        {"text": "Zoë’s “quotes” — and emoji 🙂, 中文, \u2028 line sep", "tab": 'a\tb\nc\r"d"\\e/f'},
        {"control": "".join(chr(c) for c in range(32)) + "\x7f", "empty": ""},
        {"when": datetime(2024, 5, 25, 9, 30, 1, 123456, tzinfo=UTC), "tuple": (1, "two"), "flag": True},
        {"big": 2**63 - 1, "negative": -(2**63), "zero": 0},
    ],
)
def test_orjson_encoding_writes_the_library_bytes(value: dict) -> None:
    library, ours = _pair()
    assert ours.encode(value) == library.encode(value)
    assert ours.decode(ours.encode(value)) == library.decode(library.encode(value))


@pytest.mark.parametrize(
    "value",
    [
        {"id": uuid4()},  # orjson would write the UUID's text; the library tags it
        {"huge": 2**80},  # orjson refuses integers past 64 bits
        {1: "int key", "price": Decimal("1.50")},  # orjson refuses non-string keys
        {"text": "mentions 12345678-1234-1234-1234-123456789abc"},  # looks like a UUID: the library's bytes
        {"missing": None},
    ],
)
def test_values_orjson_would_write_differently_are_encoded_by_the_library(value: dict) -> None:
    library, ours = _pair()
    assert ours.encode(value) == library.encode(value)
    assert ours.decode(ours.encode(value)) == library.decode(library.encode(value))


def test_an_unregistered_type_raises_the_library_error_when_encoding() -> None:
    class Martian:
        pass

    _, ours = _pair()
    with pytest.raises(TranscodingNotRegisteredError):
        ours.encode({"x": Martian()})
    with pytest.raises(UnicodeEncodeError):
        ours.encode({"x": "lone surrogate \ud800"})  # the library's own error, not orjson's


def test_a_storys_events_and_snapshots_encode_to_the_library_bytes_without_a_second_encoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eventsourcing.domain import Snapshot

    library, ours = _pair()
    story = Story.open(title="Talks", slug="talks", summary="s")
    for number in range(30):
        story.add_report(
            report_id=f"r{number}",
            headline=f"Report {number} on the talks",
            summary="Still no deal.",
            outlet="FT",
            url=f"https://example.org/{number}",
            parties=["Meta", "xAI"],
            kinds=["talks_held"],
            published_at=datetime(2024, 5, 25, 9, number, tzinfo=UTC),
        )
    story.correct_report("r1", headline="Report 1 on the talks, corrected", reason="typo", by="desk")
    story.retract_report("r2", reason="wrong outlet", by="desk")
    story.reclassify_report("r3", kinds=["no_agreement"], by="desk")
    story.retitle("Talks go on")
    story.change_status("quiet")
    story.change_rules({"any_of": ["Meta"]})
    snapshot = dict(Snapshot.take(story).__dict__)
    events = [dict(event.__dict__) for event in story.collect_events()]
    for state in (snapshot, *events):
        del state["originator_id"], state["originator_version"]  # stored in their own columns, as the mapper does
        assert not list(_floats(state)), "orjson writes a NaN as null: story state must hold no floats"
        expected = library.encode(state)
        with monkeypatch.context() as patched:
            patched.setattr(JSONTranscoder, "encode", _no_fallback)
            assert ours.encode(state) == expected  # orjson's own bytes: no second encoding


def _no_fallback(self: object, obj: object) -> bytes:
    raise AssertionError("a story's events and snapshots should not need the library's encoder")


def _floats(value: object) -> Iterator[float]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _floats(item)
