"""Big story histories, generated fast.

Two ways, both ending in real stored events the application can read:

- :func:`build_story` drives a real ``Story`` aggregate in memory and saves it
  through the application in batches (snapshots included), for workloads that
  read one long story (as-of, web).
- :func:`bulk_history` writes a million events across many stories straight
  into the event table with one executemany per batch. Each event's JSON is a
  template taken from a real event mapped by the application's own mapper, so
  it decodes exactly like one the tracker wrote; it is only filled in, not
  re-encoded, which makes the generation seconds rather than minutes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tracker.application import Newsroom
from tracker.domain.story import Story

KINDS = [
    "talks_held",
    "no_agreement",
    "declined_to_comment",
    "no_response",
    "confirmed",
    "denied",
    "regulatory_scrutiny",
    "agreement_reached",
    "personnel",
    "other",
]
PARTIES = ["Meta", "xAI", "Character.AI", "Google", "Microsoft", "OpenAI", "FTC", "European Commission"]
OUTLETS = ["Financial Times", "Reuters", "Bloomberg", "The Information", "Wall Street Journal", "AP"]
PUBLISHED_START = datetime(2024, 1, 1, tzinfo=UTC)


def report_fields(number: int, rng: random.Random) -> dict[str, Any]:
    """Plausible report fields; published times drift forward with some found late."""
    party = PARTIES[number % len(PARTIES)]
    kind = KINDS[number % len(KINDS)]
    published = PUBLISHED_START + timedelta(minutes=30 * number - rng.randrange(0, 600))
    return {
        "headline": f"{party} update {number}: {kind.replace('_', ' ')} according to people familiar",
        "summary": f"Report {number} on the talks; {party} and others were asked to comment.",
        "outlet": OUTLETS[number % len(OUTLETS)],
        "url": f"https://news.example.org/{number}",
        "attribution": "people familiar with the matter",
        "parties": [party],
        "kinds": [kind],
        "published_at": published,
    }


def build_story(app: Newsroom, slug: str, reports: int, *, batch: int = 500, seed: int = 7) -> list[str]:
    """Opens ``slug`` and adds ``reports`` reports (every 25th later corrected,
    every 100th retracted) through a real aggregate; returns the report ids."""
    rng = random.Random(seed)
    story = Story.open(title=f"Benchmark story {slug}", slug=slug, summary="Generated for tracker bench.")
    ids: list[str] = []
    for number in range(reports):
        report_id = f"r-{number:07d}"
        story.add_report(report_id=report_id, **report_fields(number, rng))
        ids.append(report_id)
        if number % 25 == 24:
            story.correct_report(
                ids[-2], headline=f"Corrected headline of report {number - 1}", reason="precision", by="desk"
            )
        if number % 100 == 99:
            story.retract_report(ids[-3], reason="wrong outlet", by="desk")
        if len(story.pending_events) >= batch:
            app.save(story)
    app.save(story)
    return ids


class _Template:
    """A real mapped event's JSON, split around the fields that vary."""

    def __init__(self, state: bytes, fields: dict[str, str]) -> None:
        text = state.decode()
        self.parts: list[str] = []
        self.order: list[str] = []
        positions = sorted((text.index(json.dumps(marker)), name, marker) for name, marker in fields.items())
        start = 0
        for index, name, marker in positions:
            self.parts.append(text[start : index + 1])  # up to and including the opening quote
            self.order.append(name)
            start = index + len(json.dumps(marker)) - 1
        self.parts.append(text[start:])

    def fill(self, values: dict[str, str]) -> bytes:
        out = [self.parts[0]]
        for name, part in zip(self.order, self.parts[1:]):
            out.append(values[name])
            out.append(part)
        return "".join(out).encode()


def _templates(app: Newsroom) -> dict[str, _Template]:
    story = Story.open(title="TITLE_MARK", slug="slug-mark", summary="")
    story.add_report(
        report_id="RID_MARK",
        headline="HEADLINE_MARK",
        summary="SUMMARY_MARK",
        outlet="OUTLET_MARK",
        url="https://example.org/URL_MARK",
        parties=["PARTY_MARK"],
        kinds=["talks_held"],
        published_at=datetime(2001, 1, 1, tzinfo=UTC),
    )
    story.correct_report("RID_MARK", headline="NEW_MARK", reason="precision", by="desk")
    story.retract_report("RID_MARK", reason="wrong outlet", by="desk")
    opened, added, corrected, retracted = (app.mapper.to_stored_event(e) for e in story.collect_events())

    def stamp(stored: Any) -> str:
        return str(json.loads(stored.state)["timestamp"]["_data_"])

    return {
        "opened": _Template(opened.state, {"ts": stamp(opened), "title": "TITLE_MARK", "slug": "slug-mark"}),
        "added": _Template(
            added.state,
            {
                "ts": stamp(added),
                "rid": "RID_MARK",
                "headline": "HEADLINE_MARK",
                "summary": "SUMMARY_MARK",
                "outlet": "OUTLET_MARK",
                "url": "https://example.org/URL_MARK",
                "party": "PARTY_MARK",
                "published": "2001-01-01T00:00:00+00:00",
            },
        ),
        "corrected": _Template(
            corrected.state, {"ts": stamp(corrected), "rid": "RID_MARK", "old": "HEADLINE_MARK", "new": "NEW_MARK"}
        ),
        "retracted": _Template(retracted.state, {"ts": stamp(retracted), "rid": "RID_MARK"}),
        "_topics": {  # type: ignore[dict-item]
            "opened": opened.topic,
            "added": added.topic,
            "corrected": corrected.topic,
            "retracted": retracted.topic,
        },
    }


def bulk_history(app: Newsroom, stories: int, events: int, *, batch: int = 20_000, seed: int = 11) -> int:
    """Writes ``events`` events over ``stories`` stories (opened, reports added,
    ~4% corrected, ~1% retracted), interleaved as a busy desk would record
    them; returns the number written. The store must be empty."""
    templates = _templates(app)
    topics: dict[str, str] = templates.pop("_topics")  # type: ignore[assignment]
    table = app.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    engine = app.factory.datastore.engine  # type: ignore[attr-defined]
    rows: list[dict[str, Any]] = []
    written = 0
    with engine.begin() as connection:
        for row in _rows(templates, topics, stories, events, random.Random(seed)):
            rows.append(row)
            if len(rows) >= batch:
                connection.execute(table.insert(), rows)
                written += len(rows)
                rows = []
        if rows:
            connection.execute(table.insert(), rows)
            written += len(rows)
    return written


def _rows(
    templates: dict[str, _Template], topics: dict[str, str], stories: int, events: int, rng: random.Random
) -> Iterator[dict[str, Any]]:
    ids = [Story.create_id(f"bench-{n:05d}") for n in range(stories)]
    versions = [0] * stories
    live: list[list[str]] = [[] for _ in range(stories)]
    clock = datetime.now(UTC) - timedelta(seconds=events // 1000 + 60)
    step = timedelta(microseconds=997)
    for number in range(events):
        clock += step
        ts = clock.isoformat()
        index = number % stories
        versions[index] += 1
        version = versions[index]
        if version == 1:
            kind = "opened"
            values = {"ts": ts, "title": f"Benchmark story {index}", "slug": f"bench-{index:05d}"}
        elif number % 97 == 0 and live[index]:
            kind = "retracted"
            values = {"ts": ts, "rid": live[index].pop(rng.randrange(len(live[index])))}
        elif number % 23 == 0 and live[index]:
            kind = "corrected"
            rid = live[index][-1]
            values = {"ts": ts, "rid": rid, "old": f"Headline of {rid}", "new": f"Corrected headline of {rid}"}
        else:
            kind = "added"
            rid = f"r-{number:08d}"
            live[index].append(rid)
            party = PARTIES[number % len(PARTIES)]
            published = PUBLISHED_START + timedelta(minutes=number - rng.randrange(0, 600))
            values = {
                "ts": ts,
                "rid": rid,
                "headline": f"Headline of {rid}",
                "summary": f"Report {number}: {party} was asked to comment.",
                "outlet": OUTLETS[number % len(OUTLETS)],
                "url": f"https://news.example.org/{number}",
                "party": party,
                "published": published.isoformat(),
            }
        yield {
            "originator_id": ids[index],
            "originator_version": version,
            "topic": topics[kind],
            "state": templates[kind].fill(values),
        }
