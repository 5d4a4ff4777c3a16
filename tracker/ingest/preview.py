"""What new tracking rules would do to the wire archive, before they are saved.

``compare`` is pure: it matches each item against the old and the new rules
(tracker.domain.rules.match) and, minding what was already decided for the
story, says what re-matching under the new rules would do, as
tracker.domain.decide would: an item newly *attached* (appended as a report),
newly *suggested* (to the inbox, a withdrawn suggestion among them) or a
pending suggestion *withdrawn*. Items already appended, accepted, rejected
or found duplicate are left as they are, as re-matching leaves them.

``preview_rules`` reads the newest :data:`PREVIEW_SCAN` archived items and
the story's decisions (it writes nothing) so that a web request stays quick;
the preview says when the archive holds more than it looked at. The reader
holds back a strong match that names a namesake, or background in which no
party acts (it then waits in the inbox): given the story, the preview reads
the strong matches as the cycle does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select

from tracker.domain.decide import Outcome, decide
from tracker.domain.rules import Match, Rules, Strength, match
from tracker.ingest.readings import Readings
from tracker.ingest.store import STORED_ITEM_COLUMNS, IngestStore, StoredItem
from tracker.ingest.summary import Counts
from tracker.ingest.tables import items as items_table
from tracker.ingest.tracking import Tracked

#: Archived items a preview looks at (the newest), so that a web request stays quick.
PREVIEW_SCAN = 5000
#: Items listed under each count.
PREVIEW_LISTED = 10
#: Strong matches a preview reads at most (the reader's ~0.5 ms each, in a web request).
PREVIEW_READS = 500


class Archived(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def content(self) -> str: ...
    @property
    def link(self) -> str: ...
    @property
    def feed_name(self) -> str: ...
    @property
    def feed_url(self) -> str: ...
    @property
    def published_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class PreviewItem:
    item_id: int
    headline: str
    link: str
    feed: str
    published_at: datetime | None
    #: what it is today: "strong match", "weak match", "no match", "excluded",
    #: or its decision ("suggested", "withdrawn")
    before: str
    #: why, under the new rules (the match's explanation)
    after: str


@dataclass(frozen=True)
class RulesPreview:
    scanned: int
    #: items in the archive (more than ``scanned``: the preview looked at the newest only)
    archived: int
    attached: int = 0
    suggested: int = 0
    withdrawn: int = 0
    first_attached: tuple[PreviewItem, ...] = ()
    first_suggested: tuple[PreviewItem, ...] = ()
    first_withdrawn: tuple[PreviewItem, ...] = ()

    @property
    def capped(self) -> bool:
        return self.archived > self.scanned

    @property
    def changes_nothing(self) -> bool:
        return not (self.attached or self.suggested or self.withdrawn)

    def lines(self) -> list[str]:
        """The preview as text (the CLI's)."""
        scope = f"the newest {self.scanned} of {self.archived}" if self.capped else f"all {self.scanned}"
        out = [
            f"Preview over {scope} archived items: {self.attached} newly attached, "
            f"{self.suggested} newly suggested, {self.withdrawn} withdrawn"
        ]
        for label, listed, count in (
            ("attached", self.first_attached, self.attached),
            ("suggested", self.first_suggested, self.suggested),
            ("withdrawn", self.first_withdrawn, self.withdrawn),
        ):
            if listed:
                more = f" (first {len(listed)})" if count > len(listed) else ""
                out.append(f"  {label}{more}:")
                out.extend(f"    {i.item_id:>6}  {i.headline}  [{i.feed}; was {i.before}]" for i in listed)
        return out


def _before(old: Match, decision: str | None) -> str:
    if decision in (Outcome.SUGGESTED, Outcome.WITHDRAWN):
        return str(decision)
    if old.strength is Strength.EXCLUDED:
        return "excluded"
    return f"{old.strength.value} match" if old.matched else "no match"


@dataclass(frozen=True)
class _Story:
    """The story as :func:`~tracker.domain.decide.decide` sees it under the new rules."""

    slug: str
    rules: Rules
    appends_automatically: bool


@dataclass(frozen=True)
class _Prior:
    outcome: str
    content_hash: str


def compare(
    old: Rules,
    new: Rules,
    archived: Iterable[Archived],
    decided: Mapping[int, str],
    *,
    appends: bool = True,
    total: int | None = None,
    listed: int = PREVIEW_LISTED,
    hold: Callable[[Any, Any, Match], str] | None = None,
) -> RulesPreview:
    """What re-matching ``archived`` under ``new`` would change, given the story's
    decisions (item id -> outcome). ``appends``: the story appends strong matches
    by itself (it does unless its rules say not or it is concluded).

    The re-match is :func:`~tracker.domain.decide.decide` itself, as the worker
    runs it after a save: withdrawn suggestions first come back as
    suggestions (see withdrawals.py), then every unsettled item is decided
    again with ``withdraw_unmatched``. ``hold``: as decide's (why a strong match
    waits in the inbox instead: the reader's namesakes and background)."""
    items = list(archived)
    story = _Story("preview", new, appends and new.auto_append)
    prior = {
        (story.slug, item_id): _Prior(Outcome.SUGGESTED if outcome == Outcome.WITHDRAWN else outcome, "")
        for item_id, outcome in decided.items()
    }
    hashed = [_Hashed(i) for i in items]
    plan = decide(hashed, [story], prior, withdraw_unmatched=True, hold=hold)
    effects: dict[int, str] = {item.id: "attached" for item, _ in plan.appends.get(story.slug, [])}
    effects.update((item.id, "suggested") for _, item, _ in plan.suggestions)
    withdrawn = {item_id for _, item_id in plan.withdrawn}
    for item_id, decision in decided.items():
        if item_id in effects:
            continue
        if decision == Outcome.SUGGESTED and item_id in withdrawn:
            effects[item_id] = "withdrawn"
        elif decision == Outcome.WITHDRAWN and item_id not in withdrawn:
            effects[item_id] = "suggested"  # it comes back (and matches weakly or is held back)
    found: dict[str, list[PreviewItem]] = {"attached": [], "suggested": [], "withdrawn": []}
    counts = dict.fromkeys(found, 0)
    for wrapped in hashed:
        if wrapped.id not in effects:
            continue
        original = wrapped.item
        effect = effects[wrapped.id]
        counts[effect] += 1
        if len(found[effect]) < listed:  # the explanations, for the listed few only
            before = match(old, wrapped.title, wrapped.summary, wrapped.content)
            after = match(new, wrapped.title, wrapped.summary, wrapped.content)
            found[effect].append(
                PreviewItem(
                    item_id=original.id,
                    headline=original.title,
                    link=original.link,
                    feed=original.feed_name or original.feed_url,
                    published_at=original.published_at,
                    before=_before(before, decided.get(original.id)),
                    after=after.explain(),
                )
            )
    return RulesPreview(
        scanned=len(items),
        archived=max(total or 0, len(items)),
        attached=counts["attached"],
        suggested=counts["suggested"],
        withdrawn=counts["withdrawn"],
        first_attached=tuple(found["attached"]),
        first_suggested=tuple(found["suggested"]),
        first_withdrawn=tuple(found["withdrawn"]),
    )


@dataclass(frozen=True)
class _Hashed:
    """An archived item as decide() takes it (the preview corrects nothing, so every hash matches "")."""

    item: Archived

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def summary(self) -> str:
        return self.item.summary

    @property
    def content(self) -> str:
        return self.item.content or ""

    @property
    def content_hash(self) -> str:
        return ""


def newest_items(store: IngestStore, limit: int = PREVIEW_SCAN) -> tuple[list[StoredItem], int]:
    """The newest ``limit`` archived items (newest first) and how many the archive holds."""
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(items_table)).scalar_one()
        rows = conn.execute(select(*STORED_ITEM_COLUMNS).order_by(items_table.c.id.desc()).limit(limit)).all()
    return [StoredItem.from_values(r) for r in rows], int(total)


def preview_rules(
    store: IngestStore,
    slug: str,
    old: Rules,
    new: Rules,
    *,
    appends: bool = True,
    scan: int = PREVIEW_SCAN,
    story: Tracked | None = None,
) -> RulesPreview:
    """What saving ``new`` in place of ``old`` would do to the newest ``scan`` archived
    items (reads only). ``story``: the story tracked under ``new`` (see
    tracking.tracked_under); with it, the strong matches are read as the cycle
    reads them (at most :data:`PREVIEW_READS`), so one the reader holds back is
    foretold as a suggestion, not an attachment."""
    archived, total = newest_items(store, scan)
    decided = {d.item_id: d.outcome for d in store.decisions_for_story(slug)}
    hold = None
    if story is not None:
        readings, counts, tracked_story = Readings(), Counts(), story

        def hold(_story: Any, item: Any, result: Match) -> str:
            if counts.read >= PREVIEW_READS:
                return ""  # not read: foretold as the rules alone decide it
            return readings.hold(tracked_story, item, result, counts)

    return compare(old, new, archived, decided, appends=appends, total=total, hold=hold)
