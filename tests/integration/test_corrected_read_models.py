"""Corrections of any field (dates, outlets, parties, speakers) in the read
models: the live projection, a rebuild and the aggregate agree, now and at
every version, and a corrected date moves the story's last development."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tracker.application import Mode
from tracker.domain.errors import DomainError
from tracker.readmodels import replay
from tracker.readmodels.verify import verify

START = datetime(2024, 5, 25, tzinfo=UTC)
KINDS = ["talks_held", "no_agreement", "agreement_reached", "declined_to_comment", "denied", "other"]
PARTIES = ["Meta", "xAI", "Character.AI", "Google"]


def corrected_history(newsroom, *, commands: int = 90, seed: int = 5) -> None:
    """Reports, then corrections of every field mixed with reclassifications and retractions."""
    rng = random.Random(seed)
    slugs = [newsroom.open_story(title=f"Story {n}", slug=f"story-{n}", by="editor:ana") for n in range(2)]
    live: dict[str, list[str]] = {slug: [] for slug in slugs}
    for step in range(commands):
        slug = rng.choice(slugs)
        roll = rng.random()
        try:
            if roll < 0.45 or not live[slug]:
                parties = rng.sample(PARTIES, rng.randint(0, 3))
                live[slug].append(
                    newsroom.add_report(
                        slug,
                        headline=f"Report {step}",
                        published_at=START + timedelta(hours=rng.randint(0, 400)),
                        kinds=rng.sample(KINDS, rng.randint(1, 2)),
                        parties=parties,
                        speakers=parties[:1],
                        outlet=rng.choice(["FT", "Reuters"]),
                    )
                )
            elif roll < 0.8:
                field = rng.choice(["published_at", "outlet", "parties", "speakers", "headline", "attribution"])
                value = {
                    "published_at": START + timedelta(hours=rng.randint(0, 400)),
                    "outlet": rng.choice(["FT", "Reuters", "AP"]),
                    "parties": rng.sample(PARTIES, rng.randint(0, 3)),
                    "speakers": [],
                    "headline": f"Corrected {step}",
                    "attribution": "a source",
                }[field]
                newsroom.correct_report(slug, rng.choice(live[slug]), reason="fix", by="desk", **{field: value})
            elif roll < 0.9:
                newsroom.reclassify_report(
                    slug, rng.choice(live[slug]), kinds=rng.sample(KINDS, 1), parties=rng.sample(PARTIES, 2), by="desk"
                )
            else:
                rid = rng.choice(live[slug])
                newsroom.retract_report(slug, rid, reason="withdrawn", by="desk")
                live[slug].remove(rid)
        except DomainError:
            pass  # a correction that changes nothing is refused, nothing recorded


def test_corrections_of_every_field_read_the_same_from_the_read_models_as_from_the_aggregate(runtime) -> None:
    newsroom, catalog = runtime.newsroom, runtime.catalog
    corrected_history(newsroom)
    for slug in newsroom.story_slugs():
        assert catalog.story(slug) == newsroom.story(slug)
        for version in range(1, newsroom.story(slug).version + 1):
            assert catalog.story_at_version(slug, version) == newsroom.story_at_version(slug, version)
        for hours in range(0, 420, 31):
            moment = START + timedelta(hours=hours)
            assert catalog.story_as_of(slug, moment, Mode.REPORTED) == newsroom.story_as_of(slug, moment, Mode.REPORTED)
    assert catalog.stories() == newsroom.stories()


def test_a_rebuild_gives_exactly_what_the_live_projection_built_after_corrections(runtime) -> None:
    corrected_history(runtime.newsroom, seed=8)
    assert verify(runtime.projector) == []
    before = {slug: runtime.catalog.story(slug) for slug in runtime.newsroom.story_slugs()}
    replay(runtime.projector, batch_size=5)
    assert {slug: runtime.catalog.story(slug) for slug in before} == before
    assert verify(runtime.projector) == []


def test_a_report_misdated_in_the_future_stops_being_the_last_development_once_corrected(runtime) -> None:
    newsroom, catalog = runtime.newsroom, runtime.catalog
    newsroom.open_story(title="Talks", slug="talks")
    newsroom.add_report("talks", headline="Talks begin", published_at=START, kinds=["talks_held"], parties=["Meta"])
    soon = datetime.now(UTC) + timedelta(hours=20)  # the most a date may run ahead
    late = newsroom.add_report("talks", headline="Misdated", published_at=soon, kinds=["other"])
    assert catalog.story("talks").state.last_development.report_id == late
    newsroom.correct_report("talks", late, published_at=START - timedelta(days=1), reason="wrong year", by="ana")
    view = catalog.story("talks")
    assert view.state.last_development.headline == "Talks begin"
    (summary,) = catalog.stories()
    assert summary.last_published_at == START
    assert view == newsroom.story("talks")
    before = catalog.story_at_version("talks", view.version - 1)
    assert [r.published_at for r in before.reports if r.report_id == late] == [soon]


def test_a_changed_summary_is_what_the_read_models_show(runtime) -> None:
    newsroom, catalog = runtime.newsroom, runtime.catalog
    newsroom.open_story(title="Talks", slug="talks", summary="No deal yet.")
    newsroom.change_summary("talks", "Meta struck a deal.", by="editor:ana")
    assert catalog.story("talks").summary == "Meta struck a deal."
    assert catalog.story_at_version("talks", 1).summary == "No deal yet."
    assert catalog.story("talks") == newsroom.story("talks")
