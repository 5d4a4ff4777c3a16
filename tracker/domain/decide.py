"""The matching decision, pure: which items a story gets, which it is only
offered, which earlier decisions a revision or new rules change.

``decide`` sees items, stories and the decisions already taken for them,
and returns a :class:`Plan`; reading those decisions and carrying the plan
out (appends, decision rows, corrections) is the ingest cycle's business.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from tracker.domain.rules import Match, Rules, Strength, Text, match


class Outcome(StrEnum):
    """What became of an item for a story (the values are what decision rows store)."""

    APPENDED = "appended"  # a report was appended (or was already there: a replay)
    ACCEPTED = "accepted"  # an editor accepted the suggestion
    SUGGESTED = "suggested"  # offered in the story's suggestion inbox
    REJECTED = "rejected"  # an editor rejected the suggestion
    WITHDRAWN = "withdrawn"  # the story's new rules no longer match it
    DUPLICATE = "duplicate"  # the story already has a report of the same article
    PRESENT = "present"  # appending found the report already there (recorded as appended)
    NOT_APPENDED = ""  # the story refused the report (logged; nothing recorded)


#: Outcomes whose report a revision of the item corrects.
REPORTED = (Outcome.APPENDED, Outcome.ACCEPTED)


class Item(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def content_hash(self) -> str: ...


class Candidate(Protocol):
    """A tracked story as the decision needs it."""

    @property
    def slug(self) -> str: ...
    @property
    def rules(self) -> Rules: ...
    @property
    def appends_automatically(self) -> bool: ...


class Prior(Protocol):
    """A decision already taken for (story, item)."""

    @property
    def outcome(self) -> str: ...
    @property
    def content_hash(self) -> str: ...


S = TypeVar("S", bound=Candidate)
I = TypeVar("I", bound=Item)  # noqa: E741


@dataclass(frozen=True)
class Plan(Generic[S, I]):
    """What to do with a batch of items."""

    #: story slug -> (item, match) to append as reports, in item order
    appends: dict[str, list[tuple[I, Match]]] = field(default_factory=dict)
    #: suggestions that new rules or text make strong: appended, then their row updated
    promoted: list[tuple[str, I, Match]] = field(default_factory=list)
    #: new decision rows with outcome "suggested"
    suggestions: list[tuple[S, I, Match]] = field(default_factory=list)
    #: reported items whose text changed: their report is corrected
    corrections: list[tuple[S, I]] = field(default_factory=list)
    #: (slug, item id) of suggestions the rules no longer match
    withdrawn: list[tuple[str, int]] = field(default_factory=list)
    #: (slug, item id) -> why a strong match was suggested instead of appended (see ``hold``)
    held: dict[tuple[str, int], str] = field(default_factory=dict)


def decide(
    items: Sequence[I],
    stories: Sequence[S],
    prior: Mapping[tuple[str, int], Prior],
    *,
    looked_up: Callable[[S, I], Match | None] | None = None,
    withdraw_unmatched: bool = False,
    hold: Callable[[S, I, Match], str] | None = None,
    candidates: Callable[[I], Collection[str]] | None = None,
) -> Plan[S, I]:
    """Matches every item against every story, minding what was decided before.

    A strong match of a story that appends automatically is appended; any
    other match is suggested. An item decided before is matched again only
    while it is a suggestion (promoted when strong, withdrawn when
    ``withdraw_unmatched`` and no longer matched); a reported item whose text
    changed is corrected. ``looked_up`` gives a verdict already worked out.
    ``hold`` says why a strong match should not be appended automatically
    (e.g. the item names a namesake of a party; empty: nothing holds it
    back): such an item is suggested, or left a suggestion, with that reason
    in ``Plan.held``. An item's full text (``content``) is matched when it has one.
    ``candidates`` gives the slugs of the stories an item could match (see
    rule_index): only those, and the stories that decided the item before,
    are matched; the others would not match it.
    """
    appends: dict[str, list[tuple[I, Match]]] = defaultdict(list)
    plan: Plan[S, I] = Plan(appends=appends)
    narrow = _narrowing(stories, prior, candidates)
    for item in items:
        prepared: list[tuple[Text, Text, Text]] = []  # worked out once, if needed
        for story in stories if narrow is None else narrow(item):
            decision = prior.get((story.slug, item.id))
            if decision is not None:
                if decision.outcome in REPORTED and decision.content_hash != item.content_hash:
                    plan.corrections.append((story, item))
                elif decision.outcome == Outcome.SUGGESTED:
                    again = _match(story, item, prepared, looked_up)
                    if _held(story, item, again, hold) is None:
                        appends[story.slug].append((item, again))
                        plan.promoted.append((story.slug, item, again))
                    elif withdraw_unmatched and not again.matched:
                        plan.withdrawn.append((story.slug, item.id))
                continue
            result = _match(story, item, prepared, looked_up)
            if not result.matched:
                continue
            reason = _held(story, item, result, hold)
            if reason is None:
                appends[story.slug].append((item, result))
            else:
                plan.suggestions.append((story, item, result))
                if reason:
                    plan.held[(story.slug, item.id)] = reason
    return plan


def _narrowing(
    stories: Sequence[S], prior: Mapping[tuple[str, int], Prior], candidates: Callable[[I], Collection[str]] | None
) -> Callable[[I], list[S]] | None:
    """The stories to match an item against, in the stories' order (None: all of them)."""
    if candidates is None:
        return None
    position = {story.slug: number for number, story in enumerate(stories)}
    decided: dict[int, set[int]] = defaultdict(set)
    for slug, item_id in prior:
        if slug in position:
            decided[item_id].add(position[slug])

    def narrow(item: I) -> list[S]:
        found = {position[slug] for slug in candidates(item) if slug in position}
        return [stories[number] for number in sorted(found | decided.get(item.id, set()))]

    return narrow


def _held(story: S, item: I, result: Match, hold: Callable[[S, I, Match], str] | None) -> str | None:
    """None: append it; otherwise why it is only suggested ("" for a weak match or a story
    that does not append automatically, the ``hold`` reason for a strong one held back)."""
    if result.strength is not Strength.STRONG or not story.appends_automatically:
        return ""
    reason = hold(story, item, result) if hold is not None else ""
    return reason or None


def _match(
    story: S, item: I, prepared: list[tuple[Text, Text, Text]], looked_up: Callable[[S, I], Match | None] | None
) -> Match:
    if looked_up is not None:
        found = looked_up(story, item)
        if found is not None:
            return found
    content = _content(item)
    if not prepared:
        prepared.append((Text(item.title), Text(item.summary), Text(content)))
    return match(story.rules, item.title, item.summary, content, prepared=prepared[0])


def _content(item: Item) -> str:
    """An item's full text: archived items have one (often empty); others may not."""
    return str(getattr(item, "content", "") or "")
