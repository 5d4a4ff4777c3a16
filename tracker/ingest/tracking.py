"""The tracked stories as matching needs them, read once per cycle."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from eventsourcing.application import AggregateNotFoundError

from tracker.application import Newsroom
from tracker.application.reading import story_context
from tracker.domain.reading.model import StoryContext
from tracker.domain.rules import Rules, RulesError, parse_rules
from tracker.domain.story import Story
from tracker.domain.vocabulary import Status

log = logging.getLogger("tracker.ingest")


@dataclass(frozen=True)
class Tracked:
    """A story as matching needs it, read once per cycle."""

    slug: str
    status: str
    version: int
    rules: Rules
    #: what the reader knows of the story: its parties (the rules' and its reports'), topic words
    context: StoryContext = field(default_factory=StoryContext)

    @property
    def appends_automatically(self) -> bool:
        return self.rules.auto_append and self.status != Status.CONCLUDED.value


def tracked(newsroom: Newsroom, slug: str) -> Tracked | None:
    """The story ``slug`` with its parsed rules (None: no such story, or unusable rules)."""
    try:
        story: Story = newsroom.repository.get(Story.create_id(slug))
    except AggregateNotFoundError:
        return None
    try:
        rules = parse_rules(story.rules)
    except RulesError as error:
        log.warning("story %s: tracking rules ignored (%s)", slug, error)
        return None
    return _tracked(story, rules)


def tracked_under(newsroom: Newsroom, slug: str, rules: Rules) -> Tracked | None:
    """The story ``slug`` as it would be tracked under ``rules`` (a preview of new rules)."""
    try:
        story: Story = newsroom.repository.get(Story.create_id(slug))
    except AggregateNotFoundError:
        return None
    return _tracked(story, rules)


def _tracked(story: Story, rules: Rules) -> Tracked:
    known = tuple(dict.fromkeys(p for report in story.reports.values() for p in report["parties"]))
    return Tracked(
        slug=story.slug,
        status=story.status,
        version=story.version,
        rules=rules,
        context=story_context(rules, known),
    )


def tracked_stories(newsroom: Newsroom) -> list[Tracked]:
    """Every story that tracks anything."""
    found = (tracked(newsroom, slug) for slug in newsroom.story_slugs())
    return [story for story in found if story is not None and story.rules.tracks_anything]
