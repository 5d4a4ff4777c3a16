"""A story built through the application commands with explicit readings
(so the tests that use it do not depend on the classifier): Meta and
Character.AI talked and have no agreement yet, Meta declined to comment,
Google struck a licensing deal with Character.AI, and a profile of Noam
Shazeer is context."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.application import Newsroom
from tracker.domain.reading.model import Reading, Relation, Relevance, Statement
from tracker.domain.vocabulary import Kind

SLUG = "google-licenses-character-ai"
RULES = {"all_of": [["Character.AI", "Character AI"]], "parties": {"Character.AI": ["Character AI"], "Meta": []}}


def add(newsroom: Newsroom, report_id: str, day: int, headline: str, reading: Reading, slug: str = SLUG) -> str:
    return newsroom.add_report(
        slug,
        report_id=report_id,
        headline=headline,
        published_at=datetime(2024, 5, day, 9, tzinfo=UTC),
        outlet="Financial Times",
        kinds=[],
        reading=reading,
    )


def build(newsroom: Newsroom, slug: str = SLUG) -> str:
    newsroom.open_story(title="Google licenses Character.AI", slug=slug)
    newsroom.change_rules(slug, RULES)
    add(
        newsroom,
        "talks",
        20,
        "Meta held talks with Character.AI",
        Reading(kinds=(Kind.TALKS_HELD,), relations=(Relation("Meta", "Character.AI", Kind.TALKS_HELD),)),
        slug,
    )
    add(
        newsroom,
        "declined",
        25,
        "Meta declines to comment",
        Reading(
            kinds=(Kind.DECLINED_TO_COMMENT,),
            statements=(Statement("Meta", Kind.DECLINED_TO_COMMENT, "the talks"),),
            names=("Google",),
        ),
        slug,
    )
    add(
        newsroom,
        "no-deal",
        26,
        "No agreement yet between Meta and Character.AI",
        Reading(kinds=(Kind.NO_AGREEMENT,), relations=(Relation("Meta", "Character.AI", Kind.NO_AGREEMENT),)),
        slug,
    )
    add(
        newsroom,
        "deal",
        28,
        "Google strikes licensing deal with Character.AI",
        Reading(
            kinds=(Kind.AGREEMENT_REACHED,),
            relations=(Relation("Google", "Character.AI", Kind.AGREEMENT_REACHED, phrase="strikes licensing deal"),),
        ),
        slug,
    )
    add(
        newsroom,
        "profile",
        29,
        "Profile: who is Noam Shazeer",
        Reading(
            kinds=(Kind.OTHER,),
            mentioned=("Character.AI",),
            names=("Noam Shazeer", "Andreessen Horowitz"),
            relevance=Relevance.CONTEXT,
        ),
        slug,
    )
    add(
        newsroom,
        "investors",
        30,
        "Investors weigh in",
        Reading(kinds=(Kind.OTHER,), mentioned=("OpenAI",), names=("Andreessen Horowitz",)),
        slug,
    )
    return slug
