"""Loading seed stories from seeds/*.toml, idempotently."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tracker.application import Newsroom
from tracker.config import PROJECT_ROOT
from tracker.domain.report import Origin
from tracker.domain.vocabulary import OriginKind
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
    )
    return SeedResult(slug=slug, opened=True, reports_added=len(missing))
