"""Long work asked for on the web (re-matching after a rules change, "poll now")
is queued as a job and carried out by the worker's job step, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import serve_feed
from flask import Flask
from sqlalchemy import select
from web_testing import PASSWORD, SEED, event_count, login, open_web_runtime, post_form, run_queued_jobs

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.ingest.service import Ingestion
from tracker.ingest.tables import decisions
from tracker.jobs import JobKind, Jobs, JobState
from tracker.seed import load_seed, seed_files

RULES_PAGE = f"/stories/{SEED}/rules"
CHARACTER = "Character.AI, Character AI, CharacterAI, Character Technologies"


@pytest.fixture
def runtime_with_wire(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """The seed story, an editor, and a wire archive holding one weak match (the voice-calls item)."""
    runtime = open_web_runtime(database_url, tmp_path / "data", TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES="true")
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    with serve_feed() as url, Ingestion(runtime, concurrency=2) as service:
        feed = service.add_feed(url, "Loopback Wire")
        service.poll_feed_now(feed.id)
    yield runtime
    runtime.close()


@pytest.fixture
def site(runtime_with_wire: Runtime) -> Flask:
    from web import create_app

    return create_app(runtime=runtime_with_wire)


def decision_rows(runtime: Runtime) -> list[tuple[str, int, str]]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            select(decisions.c.story_slug, decisions.c.item_id, decisions.c.outcome).order_by(decisions.c.item_id)
        )
        return [tuple(row) for row in rows]


def test_saving_rules_on_the_web_stores_them_and_queues_the_rematch_without_doing_it(site, runtime_with_wire) -> None:
    client = site.test_client()
    login(client, "edna")
    before_decisions = decision_rows(runtime_with_wire)
    assert [outcome for _slug, _item, outcome in before_decisions] == ["suggested"]
    before_events = event_count(runtime_with_wire)
    response = post_form(client, RULES_PAGE, {"all_of": CHARACTER, "any_of": "voice, deal", "none_of": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(RULES_PAGE)
    assert runtime_with_wire.catalog.story(SEED).rules["any_of"] == ["voice", "deal"]
    assert event_count(runtime_with_wire) == before_events + 1  # the RulesChanged event, nothing else
    job = Jobs(runtime_with_wire.engine).latest(JobKind.REMATCH, SEED)
    assert job is not None and job.state is JobState.QUEUED and job.requested_by == "edna"
    assert decision_rows(runtime_with_wire) == before_decisions
    page = client.get(RULES_PAGE).get_data(as_text=True)
    assert "Re-matching the wire archive against the new rules is queued; results appear here when done." in page
    assert f'class="job job-queued" id="job-{job.id}"' in page


def test_the_worker_job_step_carries_out_the_queued_rematch_and_the_rules_page_shows_its_result(
    site, runtime_with_wire
) -> None:
    client = site.test_client()
    login(client, "edna")
    post_form(client, RULES_PAGE, {"all_of": CHARACTER, "any_of": "voice, deal", "none_of": ""})
    reports_before = runtime_with_wire.catalog.story(SEED).report_count
    assert run_queued_jobs(runtime_with_wire) == 1
    assert run_queued_jobs(runtime_with_wire) == 0  # done once
    job = Jobs(runtime_with_wire.engine).latest(JobKind.REMATCH, SEED)
    assert job is not None and job.state is JobState.DONE and job.finished_at is not None
    story = runtime_with_wire.catalog.story(SEED)
    assert story.report_count == reports_before + 1
    assert any("voice calls" in report.headline for report in story.reports)
    assert [outcome for _slug, _item, outcome in decision_rows(runtime_with_wire)] != ["suggested"]
    page = client.get(RULES_PAGE).get_data(as_text=True)
    assert f'class="job job-done" id="job-{job.id}"' in page
    assert "The wire archive was matched again: 1 report added, 0 suggested." in page


def test_poll_now_on_the_web_queues_the_check_and_the_feeds_page_shows_its_result_when_done(
    site, runtime_with_wire
) -> None:
    client = site.test_client()
    login(client, "edna")
    feed_id = client.get("/feeds").get_data(as_text=True).split('id="feed-')[1].split('"')[0]
    with serve_feed() as _url:  # the feed's old address is gone: the check fails, in the worker
        response = post_form(client, f"/feeds/{feed_id}/poll", {}, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "Polling Loopback Wire now is queued; the result appears here when done." in page
        assert 'class="job job-queued"' in page and "1 failure in a row" not in page
    job = Jobs(runtime_with_wire.engine).latest(JobKind.POLL_FEED, feed_id)
    assert job is not None and job.state is JobState.QUEUED
    assert run_queued_jobs(runtime_with_wire) == 1
    page = client.get("/feeds").get_data(as_text=True)
    assert 'class="job job-failed"' in page and "Polling now failed: Checked Loopback Wire: it failed" in page
    assert "1 failure in a row" in page


def test_a_job_whose_work_raises_is_recorded_as_failed_with_the_reason(runtime_with_wire) -> None:
    queue = Jobs(runtime_with_wire.engine)
    job = queue.queue(JobKind.REMATCH, "no-such-story", requested_by="edna")
    assert run_queued_jobs(runtime_with_wire) == 1
    done = queue.get(job.id)
    assert done.state is JobState.FAILED and "no-such-story" in done.result and done.finished_at is not None


def test_two_claimers_never_run_the_same_job(runtime_with_wire) -> None:
    queue = Jobs(runtime_with_wire.engine)
    queued = {queue.queue(JobKind.POLL_FEED, n).id for n in range(40)}
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claim_all(name: str) -> None:
        start.wait()
        while (job := queue.claim(name)) is not None:
            claimed[name].append(job.id)

    threads = [threading.Thread(target=claim_all, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claimed["a"]) & set(claimed["b"])
    assert sorted(claimed["a"] + claimed["b"]) == sorted(queued)
    assert all(queue.get(job_id).state is JobState.RUNNING for job_id in queued)


def test_asking_twice_before_the_worker_runs_queues_one_job(runtime_with_wire) -> None:
    queue = Jobs(runtime_with_wire.engine)
    first = queue.queue(JobKind.REMATCH, SEED, requested_by="edna")
    assert queue.queue(JobKind.REMATCH, SEED, requested_by="vic") == first
    other = queue.queue(JobKind.POLL_FEED, 1)
    assert other.id != first.id
    assert run_queued_jobs(runtime_with_wire) == 2
    again = queue.queue(JobKind.REMATCH, SEED)  # the first is done: a new one
    assert again.id not in (first.id, other.id) and again.state is JobState.QUEUED


def test_a_job_whose_worker_died_is_taken_over_after_its_lease_and_only_the_new_result_counts(
    runtime_with_wire,
) -> None:
    from datetime import timedelta

    from tracker.jobs import jobs as jobs_table

    queue = Jobs(runtime_with_wire.engine, lease=timedelta(minutes=30))
    job = queue.queue(JobKind.REMATCH, SEED)
    assert queue.claim("dead-worker").id == job.id
    assert queue.claim("live-worker") is None  # still within the dead worker's lease
    with runtime_with_wire.engine.begin() as conn:  # 31 minutes pass
        claimed_at = conn.execute(select(jobs_table.c.claimed_at).where(jobs_table.c.id == job.id)).scalar_one()
        conn.execute(
            jobs_table.update().where(jobs_table.c.id == job.id).values(claimed_at=claimed_at - timedelta(minutes=31))
        )
    taken = queue.claim("live-worker")
    assert taken is not None and taken.id == job.id
    assert queue.finish(job.id, JobState.FAILED, "late", claimer="dead-worker") is False
    assert queue.finish(job.id, JobState.DONE, "2 reports added", claimer="live-worker") is True
    done = queue.get(job.id)
    assert (done.state, done.result) == (JobState.DONE, "2 reports added")
