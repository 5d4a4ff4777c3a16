"""The orjson-decoding transcoder must read stored events exactly as the library's own does."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from decimal import Decimal
from uuid import uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError

from tracker.application.transcoder import OrjsonDecodingTranscoder
from tracker.domain.story import Story


def _pair() -> tuple[JSONTranscoder, OrjsonDecodingTranscoder]:
    app = Application()
    library, ours = JSONTranscoder(), OrjsonDecodingTranscoder()
    app.register_transcodings(library)
    app.register_transcodings(ours)
    return library, ours


def test_every_story_event_decodes_to_the_same_state_as_with_the_library_decoder() -> None:
    library, ours = _pair()
    story = Story.open(title="Talks", slug="talks", summary="s")
    story.add_report(report_id="r1", headline="Meta and xAI hold talks", summary="No deal yet.",
                     outlet="FT", url="https://example.org/1", parties=["Meta", "xAI"], kinds=["talks_held"],
                     published_at=datetime(2024, 5, 25, 9, 30, tzinfo=timezone.utc))
    story.correct_report("r1", headline="Meta and xAI held talks", reason="tense", by="desk")
    story.retract_report("r1", reason="wrong outlet", by="desk")
    for event in story.collect_events():
        encoded = library.encode(dict(event.__dict__))
        assert ours.encode(dict(event.__dict__)) == encoded  # stored bytes do not change
        assert ours.decode(encoded) == library.decode(encoded)


def test_nested_tagged_values_are_restored_inside_lists_and_dicts() -> None:
    library, ours = _pair()
    value = {"a": [{"when": datetime(2024, 1, 1, tzinfo=timezone.utc), "id": uuid4()}, Decimal("1.50")],
             "b": {"c": {"d": [datetime(2025, 2, 3, 4, 5, 6, 7, tzinfo=timezone.utc)]}}, "e": "plain"}
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
    assert isinstance(app.mapper.transcoder, OrjsonDecodingTranscoder)
    app.close()
