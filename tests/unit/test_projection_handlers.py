"""The projection has one handler per Story event type, and none for anything else."""

from __future__ import annotations

from tracker.domain.story import Story
from tracker.readmodels.handlers import StoryProjection


def _story_event_classes() -> set[type]:
    """The events a Story records: those with an explicit topic of their own."""
    return {
        value
        for value in vars(Story).values()
        if isinstance(value, type)
        and issubclass(value, Story.Event)
        and value is not Story.Event
        and "TOPIC" in vars(value)
    }


def test_every_story_event_type_has_a_handler_of_its_own() -> None:
    registry = StoryProjection.__dict__["handle"].dispatcher.registry
    events = _story_event_classes()
    assert len(events) == 13
    assert events <= set(registry)
    handlers = [registry[event] for event in events]
    assert len(set(handlers)) == len(handlers)  # no two types share one


def test_an_event_type_without_a_handler_falls_to_the_one_that_refuses_it() -> None:
    registry = StoryProjection.__dict__["handle"].dispatcher.registry
    dispatch = StoryProjection.__dict__["handle"].dispatcher.dispatch
    assert dispatch(Story.Event) is registry[object]
    assert dispatch(Story.Retitled) is not registry[object]
