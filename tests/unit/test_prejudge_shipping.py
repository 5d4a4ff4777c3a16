"""A cycle's judges go to the parse processes with every feed, pickled once and rebuilt once per process."""

from __future__ import annotations

import pickle

from tracker.domain.reading.model import StoryContext
from tracker.domain.rules import parse_rules
from tracker.ingest.prejudge import Judge, Judges


def _judges(*slugs: str) -> Judges:
    return Judges(Judge(slug, parse_rules({"all_of": [[slug]], "any_of": ["talks"]}), StoryContext()) for slug in slugs)


def test_judges_sent_again_are_the_judges_already_received_not_a_new_copy() -> None:
    judges = _judges("acme", "globex")
    first = pickle.loads(pickle.dumps(judges))
    again = pickle.loads(pickle.dumps(judges))
    assert first == tuple(judges) and again is first


def test_judges_are_pickled_once_however_many_feeds_they_go_with() -> None:
    judges = _judges("acme")
    assert pickle.dumps(judges) == pickle.dumps(judges)
    assert judges.shipped() is judges.shipped()


def test_another_set_of_judges_is_received_as_itself() -> None:
    received = pickle.loads(pickle.dumps(_judges("acme")))
    other = pickle.loads(pickle.dumps(_judges("initech")))
    assert [j.slug for j in received] == ["acme"] and [j.slug for j in other] == ["initech"]
