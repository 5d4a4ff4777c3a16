"""The views' record of the events they do not show (``unprojected``): the
poisoned ones and the later events of their stories, held back by them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tracker.readmodels.poison import Poisoning, Undecodable, Unprojected, clean_text


def unprojected_row(notification_id: int, event: Any, reason: str, held_by: int | None) -> dict[str, Any]:
    return {
        "notification_id": notification_id,
        "story_id": str(event.originator_id),
        "version": event.originator_version,
        "topic": clean_text(event.topic if isinstance(event, Undecodable) else getattr(event, "TOPIC", ""), 200),
        "reason": reason,
        "held_by": held_by,
    }


def read_stopped(session: Session, table: Table) -> dict[str, int]:
    """The stories stopped at a poisoned event -> its notification id, read in the transaction."""
    rows = session.execute(select(table.c.story_id, table.c.notification_id).where(table.c.held_by.is_(None)))
    return {story_id: notification_id for story_id, notification_id in rows}


def hold_back(
    events: Sequence[tuple[int, Any]], stopped: dict[str, int], held: list[dict[str, Any]]
) -> list[tuple[int, Any]]:
    """The events of stories not stopped; the others go to ``held``."""
    live = []
    for notification_id, event in events:
        poisoned = stopped.get(str(event.originator_id))
        if poisoned is None:
            live.append((notification_id, event))
        else:
            held.append(unprojected_row(notification_id, event, f"held back by event {poisoned}", poisoned))
    return live


def find(engine: Engine, table: Table, notification_id: int) -> Unprojected | None:
    """Why an event is not in the views (poisoned or held back), if it is not."""
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.notification_id == notification_id)).mappings().first()
    return None if row is None else Unprojected(**row)


def poisonings(engine: Engine, table: Table) -> list[Poisoning]:
    """Every poisoned event, in log order, with the events it holds back."""
    u = table
    held = select(u.c.held_by, func.count().label("held")).where(u.c.held_by.is_not(None)).group_by(u.c.held_by)
    counts = held.subquery()
    query = (
        select(u, func.coalesce(counts.c.held, 0).label("held_back"))
        .outerjoin(counts, counts.c.held_by == u.c.notification_id)
        .where(u.c.held_by.is_(None))
        .order_by(u.c.notification_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        Poisoning(Unprojected(**{k: v for k, v in row.items() if k != "held_back"}), row["held_back"]) for row in rows
    ]
