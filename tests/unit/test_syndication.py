"""Syndicated copies: the clustering measured on a labelled set, the events and their guards, and
independent sources in the state."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tracker.domain.errors import InvalidField, NothingChanged, ReportRetracted
from tracker.domain.state import derive_state
from tracker.domain.story import Story
from tracker.ingest.near_copies import THRESHOLD, Clusterer, Text, shingles

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "syndication" / "reports.json"
START = datetime(2024, 6, 3, 6, tzinfo=UTC)


def labelled() -> list[dict]:
    return json.loads(FIXTURE.read_text())["reports"]


def texts(reports: list[dict]) -> list[Text]:
    ordered = sorted(reports, key=lambda r: (r["published"], r["id"]))
    return [
        Text(r["id"], f"{r['headline']}\n{r['summary']}", datetime.fromisoformat(r["published"]), frozenset(r["kinds"]))
        for r in ordered
    ]


def pairwise(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall: a pair is positive when both are in one cluster."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(truth), 2):
        same, together = truth[a] == truth[b], found[a] == found[b]
        tp += same and together
        fp += together and not same
        fn += same and not together
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, tp / (tp + fn)


def test_the_labelled_set_holds_twenty_rewrites_of_one_scoop_and_other_developments_of_the_same_day() -> None:
    reports = labelled()
    scoop = [r for r in reports if r["development"] == "scoop"]
    assert len(scoop) == 20 and len({r["outlet"] for r in scoop}) == 20
    days = {r["published"][:10] for r in reports}
    assert days == {"2024-06-03"} and len({r["development"] for r in reports}) >= 8


def test_clustering_on_the_labelled_set_reaches_the_precision_and_recall_floors() -> None:
    reports = labelled()
    truth = {r["id"]: r["development"] for r in reports}
    leads = Clusterer().cluster(texts(reports))
    found = {rid: lead or rid for rid, lead in leads.items()}
    precision, recall = pairwise(truth, found)
    assert precision >= 0.95 and recall >= 0.85, (precision, recall)
    scoop = {found[r["id"]] for r in reports if r["development"] == "scoop"}
    assert scoop == {"s01"}  # one cluster, led by the earliest
    assert all(found[r["id"]] == r["id"] for r in reports if r["id"].startswith("e"))  # nothing else joins


def test_the_order_items_arrive_in_does_not_change_the_clusters_and_the_earliest_leads() -> None:
    reports = labelled()
    truth = {r["id"]: r["development"] for r in reports}
    arrival = list(reversed(texts(reports)))  # the latest first: each earlier one takes the lead over
    leads = Clusterer().cluster(arrival)
    found = {rid: lead or rid for rid, lead in leads.items()}
    assert pairwise(truth, found) == (1.0, 1.0)
    assert {found[r["id"]] for r in reports if r["development"] == "scoop"} == {"s01"}


def test_a_copy_outside_the_window_or_without_a_kind_in_common_is_not_clustered() -> None:
    first, copy = texts([r for r in labelled() if r["id"] in ("s01", "s10")])
    late = Text(copy.report_id, copy.text, first.published_at + timedelta(hours=49), copy.kinds)
    other_kind = Text(copy.report_id, copy.text, copy.published_at, frozenset({"denied"}))
    clusterer = Clusterer()
    assert clusterer.match(copy, {first.report_id: first}) is not None
    assert clusterer.match(late, {first.report_id: first}) is None
    assert clusterer.match(other_kind, {first.report_id: first}) is None
    assert 0 < THRESHOLD < 1 and shingles("The talks, the DEAL") == {b"talks deal"}


def story_with(*outlets: str) -> Story:
    story = Story.open(title="Syndication", slug="syndication")
    for n, outlet in enumerate(outlets):
        story.add_report(
            report_id=f"r{n}",
            headline=f"Meta in talks with Character.AI ({n})",
            published_at=START + timedelta(hours=n),
            kinds=["talks_held"],
            parties=["Meta", "Character.AI"],
            outlet=outlet,
        )
    return story


def transition_sources(story: Story) -> int:
    (thread,) = derive_state(story.report_list()).threads
    (transition,) = thread.transitions
    return transition.sources


def test_clustering_records_an_event_and_the_state_counts_one_source_per_independent_outlet() -> None:
    story = story_with("Ledger", "Wire", "Post", "Ledger")
    assert transition_sources(story) == 3  # Ledger twice: one outlet
    story.cluster_report("r1", "r0", similarity=0.8, by="classifier")
    story.cluster_report("r2", "r1", similarity=0.7, by="classifier")  # the lead's lead
    assert [r.cluster_lead for r in story.report_list()] == ["", "r0", "r0", ""]
    assert transition_sources(story) == 1
    story.split_report("r2", by="edna")
    assert story.report_list()[2].cluster_lead == "" and transition_sources(story) == 2
    events = [e for e in story.collect_events() if isinstance(e, Story.ReportClustered | Story.ReportUnclustered)]
    assert [type(e).__name__ for e in events] == ["ReportClustered", "ReportClustered", "ReportUnclustered"]
    assert events[1].lead_id == "r0" and events[1].by == "classifier" and events[2].by == "edna"
    assert Story.ReportClustered.TOPIC == "tracker.story:ReportClustered"
    assert Story.ReportUnclustered.TOPIC == "tracker.story:ReportUnclustered"


def test_merging_a_lead_into_another_cluster_moves_its_copies_with_it() -> None:
    story = story_with("A", "B", "C", "D")
    story.cluster_report("r3", "r2", by="classifier")
    story.cluster_report("r2", "r0", by="edna")
    assert [r.cluster_lead for r in story.report_list()] == ["", "", "r0", "r0"]


def test_clusterings_in_one_batch_carry_copies_gathered_earlier_in_the_batch() -> None:
    story = story_with("A", "B", "C", "D", "E")
    story.cluster_report("r1", "r0", by="classifier")  # before the batch: r0 leads r1
    story.cluster_reports([("r2", "r0", 0.9), ("r0", "r3", 0.8), ("r3", "r4", 0.7)], by="classifier")
    # r0 took r1 and r2 (the latter gathered in this batch) to r3; r3 then took all of them to r4
    assert [r.cluster_lead for r in story.report_list()] == ["r4", "r4", "r4", "r4", ""]


def test_the_guards_refuse_itself_a_repeat_a_retracted_report_and_splitting_an_independent_one() -> None:
    story = story_with("A", "B", "C")
    story.cluster_report("r1", "r0", by="classifier")
    with pytest.raises(InvalidField):
        story.cluster_report("r0", "r0", by="edna")
    with pytest.raises(InvalidField):
        story.cluster_report("r0", "r1", by="edna")  # r1's lead is r0 itself
    with pytest.raises(NothingChanged):
        story.cluster_report("r1", "r0", by="edna")
    with pytest.raises(NothingChanged):
        story.split_report("r0", by="edna")
    with pytest.raises(InvalidField):
        story.cluster_report("r2", "r0", similarity=1.5, by="classifier")
    story.retract_report("r2", reason="withdrawn")
    with pytest.raises(ReportRetracted):
        story.cluster_report("r2", "r0", by="edna")
