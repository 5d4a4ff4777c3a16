"""Decisions: what became of each (story, item) pair, and each story's matched rules."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from tracker.ingest.store.base import SQLStore
from tracker.ingest.tables import decisions, story_rules
from tracker.moments import now_utc, utc


def suggestion_id_for(slug: str, item_id: int) -> str:
    return "s-" + hashlib.sha256(f"{slug}\n{item_id}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Decision:
    suggestion_id: str
    story_slug: str
    item_id: int
    outcome: str
    strength: str
    rules_digest: str
    story_version: int
    explanation: str
    report_id: str
    content_hash: str
    decided_at: datetime
    decided_by: str

    @classmethod
    def from_row(cls, row: Any) -> Decision:
        d = row._mapping
        return cls(
            suggestion_id=d["suggestion_id"],
            story_slug=d["story_slug"],
            item_id=d["item_id"],
            outcome=d["outcome"],
            strength=d["strength"],
            rules_digest=d["rules_digest"],
            story_version=d["story_version"],
            explanation=d["explanation"],
            report_id=d["report_id"],
            content_hash=d["content_hash"],
            decided_at=utc(d["decided_at"]),
            decided_by=d["decided_by"],
        )


class DecisionStore(SQLStore):
    def decisions_for_items(self, item_ids: Sequence[int]) -> dict[tuple[str, int], Decision]:
        found: dict[tuple[str, int], Decision] = {}
        ids = list(item_ids)
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                for row in conn.execute(select(decisions).where(decisions.c.item_id.in_(ids[start : start + 500]))):
                    d = Decision.from_row(row)
                    found[(d.story_slug, d.item_id)] = d
        return found

    def decisions_for_story(self, slug: str, outcomes: Sequence[str] | None = None) -> list[Decision]:
        query = select(decisions).where(decisions.c.story_slug == slug).order_by(decisions.c.id)
        if outcomes:
            query = query.where(decisions.c.outcome.in_(list(outcomes)))
        with self.engine.connect() as conn:
            return [Decision.from_row(r) for r in conn.execute(query)]

    def decision(self, suggestion_id: str) -> Decision | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions).where(decisions.c.suggestion_id == suggestion_id)).first()
        return Decision.from_row(row) if row else None

    def record_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Inserts decisions; one already taken for (story, item) is kept as it is."""
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(
                self._insert(decisions).on_conflict_do_nothing(index_elements=["story_slug", "item_id"]),
                list(rows),
            )

    def update_decision(self, slug: str, item_id: int, *, only_if: Sequence[str] = (), **values: Any) -> bool:
        statement = update(decisions).where(decisions.c.story_slug == slug, decisions.c.item_id == item_id)
        if only_if:
            statement = statement.where(decisions.c.outcome.in_(list(only_if)))
        with self.engine.begin() as conn:
            return conn.execute(statement.values(**values)).rowcount == 1

    # -- story rules ----------------------------------------------------------------

    def matched_digests(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(select(story_rules.c.story_slug, story_rules.c.rules_digest))}

    def set_matched_digest(self, slug: str, digest: str) -> None:
        now = now_utc()
        statement = self._insert(story_rules).values(story_slug=slug, rules_digest=digest, matched_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=["story_slug"], set_={"rules_digest": digest, "matched_at": now}
        )
        with self.engine.begin() as conn:
            conn.execute(statement)

    def set_matched_digests(self, digests: Mapping[str, str]) -> None:
        """:meth:`set_matched_digest` for many stories in one transaction (one executemany)."""
        if not digests:
            return
        now = now_utc()
        statement = self._insert(story_rules)
        statement = statement.on_conflict_do_update(
            index_elements=["story_slug"],
            set_={"rules_digest": statement.excluded.rules_digest, "matched_at": statement.excluded.matched_at},
        )
        rows = [{"story_slug": slug, "rules_digest": digest, "matched_at": now} for slug, digest in digests.items()]
        with self.engine.begin() as conn:
            conn.execute(statement, rows)
