"""Loading seed stories from seeds/*.toml, idempotently."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.application import Newsroom
from tracker.config import PROJECT_ROOT
from tracker.domain.errors import InvalidField
from tracker.domain.reading.model import Reading, Relation, Relevance, Statement
from tracker.domain.report import Origin
from tracker.domain.vocabulary import Kind, OriginKind
from tracker.moments import parse_moment

SEEDS_DIR = PROJECT_ROOT / "seeds"


class SeedError(ValueError):
    """A seed file is unreadable or incomplete; the message names file and field."""


@dataclass(frozen=True)
class SeedResult:
    slug: str
    opened: bool
    reports_added: int


def seed_files(folder: Path = SEEDS_DIR) -> list[Path]:
    return sorted(folder.glob("*.toml"))


def load_seed(app: Newsroom, path: Path) -> SeedResult:
    """Opens the story if missing and adds each report it does not have yet."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        story = document["story"]
        reports = document.get("reports", [])
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise SeedError(f"{path.name}: cannot read seed ({error})") from None
    slug = story.get("slug", "")
    exists = app.story_exists(slug)
    present = {r.report_id for r in app.story(slug).reports} if exists else set()
    missing = []
    for index, report in enumerate(reports):
        report_id = report.get("id", "")
        if not report_id:
            raise SeedError(f"{path.name}: reports[{index}] has no id")
        if report_id in present:
            continue
        missing.append(
            {
                "report_id": report_id,
                "origin": Origin(OriginKind.SEED, ref=f"{path.name}#{report_id}"),
                "headline": report.get("headline", ""),
                "summary": report.get("summary", ""),
                "outlet": report.get("outlet", ""),
                "url": report.get("url", ""),
                "attribution": report.get("attribution", ""),
                "parties": report.get("parties", []),
                "kinds": report.get("kinds", []),
                "published_at": parse_moment(str(report.get("published", "")), f"reports[{index}].published"),
                "classified_by": "seed",
                "reading": _reading(report, f"{path.name}: reports[{index}]"),
            }
        )
    if exists:
        if missing:
            app.add_reports(slug, missing)
        return SeedResult(slug=slug, opened=False, reports_added=len(missing))
    app.open_story(
        title=story.get("title", ""),
        slug=slug,
        summary=story.get("summary", ""),
        rules=story.get("rules", {}),
        reports=missing,
        by="seed",
    )
    return SeedResult(slug=slug, opened=True, reports_added=len(missing))


def _reading(report: dict[str, Any], where: str) -> Reading | None:
    """The seed's own reading of a report: ``relations`` ([a, b, kind]),
    ``statements`` ([speaker, kind, about]) and ``relevance`` as written
    (None when it gives none: the kinds and parties are read as before)."""
    if not any(key in report for key in ("relations", "statements", "relevance")):
        return None
    try:
        relations = tuple(Relation(a, b, Kind(kind)) for a, b, kind in report.get("relations", []))
        statements = tuple(
            Statement(s[0], Kind(s[1]), s[2] if len(s) > 2 else "") for s in report.get("statements", [])
        )
        relevance = Relevance(report.get("relevance", "core"))
    except (ValueError, TypeError, IndexError) as error:
        raise SeedError(f"{where}: relations, statements or relevance unreadable ({error})") from None
    kinds = tuple(Kind(k) for k in report.get("kinds", [])) or (Kind.OTHER,)
    actors = [n for r in relations for n in (r.a, r.b)] + [s.speaker for s in statements]
    parties = tuple(report.get("parties", []))
    unknown = sorted({a for a in actors if a not in parties})
    if unknown:
        raise SeedError(f"{where}: {', '.join(unknown)} acts in a relation or statement but is not among its parties")
    try:
        return Reading(
            kinds=kinds,
            parties=tuple(p for p in parties if p in actors),
            mentioned=tuple(p for p in parties if p not in actors),
            relations=relations,
            statements=statements,
            relevance=relevance,
            classified_by="seed",
        )
    except InvalidField as error:
        raise SeedError(f"{where}: {error}") from None
