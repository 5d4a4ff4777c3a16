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
may still hold back a strong match that names a namesake (it then waits in
the inbox): the preview does not read items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select

from tracker.domain.decide import Outcome
from tracker.domain.rules import Match, Rules, Strength, Text, match
from tracker.ingest.store import STORED_ITEM_COLUMNS, IngestStore, StoredItem
from tracker.ingest.tables import items as items_table

#: Archived items a preview looks at (the newest), so that a web request stays quick.
PREVIEW_SCAN = 5000
#: Items listed under each count.
PREVIEW_LISTED = 10

#: Decisions re-matching never revisits.
SETTLED = frozenset({Outcome.APPENDED, Outcome.ACCEPTED, Outcome.REJECTED, Outcome.DUPLICATE})


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


def compare(
    old: Rules,
    new: Rules,
    archived: Iterable[Archived],
    decided: Mapping[int, str],
    *,
    appends: bool = True,
    total: int | None = None,
    listed: int = PREVIEW_LISTED,
) -> RulesPreview:
    """What re-matching ``archived`` under ``new`` would change, given the story's
    decisions (item id -> outcome). ``appends``: the story appends strong matches
    by itself (it does unless its rules say not or it is concluded)."""
    found: dict[str, list[PreviewItem]] = {"attached": [], "suggested": [], "withdrawn": []}
    counts = dict.fromkeys(found, 0)
    scanned = 0
    for item in archived:
        scanned += 1
        decision = decided.get(item.id)
        if decision in SETTLED:
            continue
        prepared = (Text(item.title), Text(item.summary), Text(item.content or ""))
        after = match(new, item.title, item.summary, item.content, prepared=prepared)
        strong = after.strength is Strength.STRONG and appends and new.auto_append
        if strong and decision in (None, Outcome.SUGGESTED, Outcome.WITHDRAWN):
            effect = "attached"
        elif after.matched and decision in (None, Outcome.WITHDRAWN):
            effect = "suggested"
        elif not after.matched and decision == Outcome.SUGGESTED:
            effect = "withdrawn"
        else:
            continue
        counts[effect] += 1
        if len(found[effect]) < listed:
            before = match(old, item.title, item.summary, item.content, prepared=prepared)
            found[effect].append(
                PreviewItem(
                    item_id=item.id,
                    headline=item.title,
                    link=item.link,
                    feed=item.feed_name or item.feed_url,
                    published_at=item.published_at,
                    before=_before(before, decision),
                    after=after.explain(),
                )
            )
    return RulesPreview(
        scanned=scanned,
        archived=max(total or 0, scanned),
        attached=counts["attached"],
        suggested=counts["suggested"],
        withdrawn=counts["withdrawn"],
        first_attached=tuple(found["attached"]),
        first_suggested=tuple(found["suggested"]),
        first_withdrawn=tuple(found["withdrawn"]),
    )


def newest_items(store: IngestStore, limit: int = PREVIEW_SCAN) -> tuple[list[StoredItem], int]:
    """The newest ``limit`` archived items (newest first) and how many the archive holds."""
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(items_table)).scalar_one()
        rows = conn.execute(select(*STORED_ITEM_COLUMNS).order_by(items_table.c.id.desc()).limit(limit)).all()
    return [StoredItem.from_values(r) for r in rows], int(total)


def preview_rules(
    store: IngestStore, slug: str, old: Rules, new: Rules, *, appends: bool = True, scan: int = PREVIEW_SCAN
) -> RulesPreview:
    """What saving ``new`` in place of ``old`` would do to the newest ``scan`` archived items (reads only)."""
    archived, total = newest_items(store, scan)
    decided = {d.item_id: d.outcome for d in store.decisions_for_story(slug)}
    return compare(old, new, archived, decided, appends=appends, total=total)
