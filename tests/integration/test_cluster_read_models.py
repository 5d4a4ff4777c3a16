"""Clusterings, splits and retractions at random: the read models give the
same story as the aggregate now, at every version (also through the fast
time travel of a timeline limit) and as reported at any moment, and a
rebuild gives the same rows."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tracker.application import Mode
from tracker.domain.errors import DomainError
from tracker.readmodels.verify import verify


def test_random_clusterings_splits_and_retractions_read_the_same_in_the_read_models_at_every_point(runtime) -> None:
    rng = random.Random(5)
    newsroom, catalog = runtime.newsroom, runtime.catalog
    slug = newsroom.open_story(title="Clusters at random", slug="clusters-at-random")
    start = datetime(2024, 6, 1, tzinfo=UTC)
    ids: list[str] = []
    for step in range(90):
        roll = rng.random()
        try:
            if roll < 0.45 or len(ids) < 3:
                ids.append(
                    newsroom.add_report(
                        slug,
                        headline=f"Meta and Character.AI {step}",
                        published_at=start + timedelta(hours=rng.randint(0, 90)),
                        kinds=[rng.choice(["talks_held", "no_agreement", "denied"])],
                        parties=rng.sample(["Meta", "Character.AI", "xAI"], 2),
                        outlet=rng.choice(["Ledger", "Wire", "Post", "Brief"]),
                    )
                )
            elif roll < 0.8:
                a, b = rng.sample(ids, 2)
                newsroom.cluster_report(slug, a, b, similarity=0.9, by="classifier")
            elif roll < 0.95:
                newsroom.split_report(slug, rng.choice(ids), by="edna")
            else:
                newsroom.retract_report(slug, rng.choice(ids), reason="withdrawn")
        except DomainError:
            pass
    view = newsroom.story(slug)
    assert any(r.cluster_lead for r in view.reports)
    assert any(t.sources for th in view.state.threads for t in th.transitions)
    assert catalog.story(slug) == view
    for version in range(1, view.version + 1):
        past = newsroom.story_at_version(slug, version)
        assert catalog.story_at_version(slug, version) == past
        assert catalog.story_at_version(slug, version, timeline_limit=4).state == past.state
    for hours in range(0, 95, 11):
        moment = start + timedelta(hours=hours)
        assert catalog.story_as_of(slug, moment, Mode.REPORTED) == newsroom.story_as_of(slug, moment, Mode.REPORTED)
    assert verify(runtime.projector) == []
