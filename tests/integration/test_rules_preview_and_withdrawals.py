"""Rules changes seen before they are saved (the preview over the wire archive),
and nothing lost by re-matching: withdrawn suggestions are listed with why and
come back when the rules match them again, while a rejected one stays rejected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from feed_server import serve_feed
from flask import Flask
from flask.testing import FlaskClient
from web_testing import PASSWORD, SEED, event_count, login, open_web_runtime, post_form

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.ingest.service import Ingestion
from tracker.ingest.store import IngestStore
from tracker.ingest.withdrawals import withdrawn_suggestions
from tracker.jobs import JobKind, Jobs
from tracker.seed import load_seed, seed_files

RULES_PAGE = f"/stories/{SEED}/rules"
CHARACTER = "Character.AI, Character AI, CharacterAI, Character Technologies"
VOICE = "Character.AI agrees voice licensing terms with Google for its chatbots"  # weak under the seed rules
TEACHERS = "Character.AI updates its app for teachers"
OFFICE = "C.AI opens an office in London"


def item(guid: str, title: str, summary: str, hour: int) -> str:
    return (
        f"<item><title>{title}</title><link>http://127.0.0.1/{guid}</link><guid>{guid}</guid>"
        f"<description>{summary}</description><pubDate>Mon, 03 Jun 2024 {hour:02d}:00:00 GMT</pubDate></item>"
    )


WIRE = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Small Wire</title>'
    "<link>http://127.0.0.1/</link><description>a small archive</description>"
    + item("voice", VOICE, "Users can now talk to characters.", 9)
    + item("teachers", TEACHERS, "A classroom mode for schools.", 10)
    + item("garden", "Gardening tips for June", "Nothing to do with any story.", 11)
    + item("office", OFFICE, "The chatbot maker is hiring engineers.", 12)
    + "</channel></rss>"
)


@pytest.fixture
def wire_runtime(sqlite_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """The seed story, an editor, and a small wire archive: two weak matches waiting in the inbox."""
    runtime = open_web_runtime(sqlite_url, tmp_path / "data", TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES="true")
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    with serve_feed(WIRE) as url, Ingestion(runtime, concurrency=2) as service:
        service.poll_feed_now(service.add_feed(url, "Small Wire").id)
    yield runtime
    runtime.close()


@pytest.fixture
def site(wire_runtime: Runtime) -> FlaskClient:
    from web import create_app

    app: Flask = create_app(runtime=wire_runtime)
    client = app.test_client()
    login(client, "edna")
    return client


def outcomes(runtime: Runtime) -> dict[str, str]:
    store = IngestStore(runtime.engine)
    return {store.item(d.item_id).title: d.outcome for d in store.decisions_for_story(SEED)}  # type: ignore[union-attr]


def seed_rules(runtime: Runtime, **changes: Any) -> dict[str, Any]:
    return {**dict(runtime.newsroom.story(SEED).rules), **changes}


def test_the_small_archive_starts_with_two_suggestions(wire_runtime) -> None:
    assert outcomes(wire_runtime) == {VOICE: "suggested", TEACHERS: "suggested"}


def test_the_preview_counts_what_new_rules_would_attach_suggest_and_withdraw_and_saves_nothing(
    site, wire_runtime
) -> None:
    before, decided = event_count(wire_runtime), outcomes(wire_runtime)
    form = {
        "all_of": f"{CHARACTER}, C.AI",
        "any_of": "voice",
        "none_of": "teachers",
        "min_any": "1",
        "auto_append": "yes",
        "parties": "",
        "not_parties": "",
        "preview": "1",
    }
    response = post_form(site, RULES_PAGE, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Preview: what these rules would do" in page
    assert "Over all 4 archived items." in page
    for group, headline in (("attached", VOICE), ("suggested", OFFICE), ("withdrawn", TEACHERS)):
        section = page[page.index(f'id="preview-{group}"') :]
        section = section[: section.index("</section>")]
        assert '<span class="preview-count">1</span>' in section and headline in section, group
    assert "Gardening" not in page
    assert "\nvoice</textarea>" in page  # the form keeps what was typed
    assert event_count(wire_runtime) == before and outcomes(wire_runtime) == decided
    assert Jobs(wire_runtime.engine).latest(JobKind.REMATCH, SEED) is None


def test_the_preview_says_when_it_looked_at_the_newest_items_only(wire_runtime) -> None:
    from tracker.domain.rules import parse_rules
    from tracker.ingest.preview import preview_rules

    store = IngestStore(wire_runtime.engine)
    old = parse_rules(wire_runtime.newsroom.story(SEED).rules)
    new = parse_rules({"all_of": [["Character.AI"]], "any_of": ["voice"]})
    capped = preview_rules(store, SEED, old, new, scan=2)
    assert (capped.scanned, capped.archived, capped.capped) == (2, 4, True)
    assert capped.attached == 0 and capped.withdrawn == 0  # the two newest: the office and the garden
    assert "the newest 2 of 4" in capped.lines()[0]


def test_a_withdrawn_suggestion_is_listed_with_why_and_comes_back_when_the_rules_match_it_again(
    site, wire_runtime
) -> None:
    original = dict(wire_runtime.newsroom.story(SEED).rules)
    with Ingestion(wire_runtime) as service:
        teachers = next(s for s in service.suggestions(SEED) if s.headline == TEACHERS)
        service.reject_suggestion(SEED, teachers.suggestion_id, "Rita")
        service.change_rules(
            SEED, seed_rules(wire_runtime, none_of=["Character Creator", "chatbots", "teachers"]), by="Ed"
        )
        assert outcomes(wire_runtime) == {VOICE: "withdrawn", TEACHERS: "rejected"}
        (withdrawn,) = withdrawn_suggestions(service.inbox, SEED)
    assert withdrawn.suggestion.headline == VOICE and withdrawn.why.startswith("rules changed by Ed at ")
    inbox = site.get(f"/stories/{SEED}/suggestions").get_data(as_text=True)
    section = inbox[inbox.index('id="withdrawn"') :]
    assert VOICE in section and "why: rules changed by Ed at" in section and TEACHERS not in section
    with Ingestion(wire_runtime) as service:
        service.change_rules(SEED, original, by="Ed")
        assert outcomes(wire_runtime) == {VOICE: "suggested", TEACHERS: "rejected"}
        assert withdrawn_suggestions(service.inbox, SEED) == ()
        assert [s.headline for s in service.suggestions(SEED)] == [VOICE]
    inbox = site.get(f"/stories/{SEED}/suggestions").get_data(as_text=True)
    assert 'id="withdrawn"' not in inbox and f'id="{withdrawn.suggestion.suggestion_id}"' not in inbox
    assert f'id="suggestion-{withdrawn.suggestion.suggestion_id}"' in inbox


def test_the_worker_s_rematch_after_a_web_save_withdraws_and_restores_too(site, wire_runtime) -> None:
    from web_testing import run_queued_jobs

    values = {"all_of": CHARACTER, "any_of": "Meta, deal", "none_of": "chatbots"}
    assert post_form(site, RULES_PAGE, values).status_code == 302
    assert run_queued_jobs(wire_runtime) == 1
    assert outcomes(wire_runtime) == {VOICE: "withdrawn", TEACHERS: "suggested"}
    assert post_form(site, RULES_PAGE, {**values, "none_of": ""}).status_code == 302
    assert run_queued_jobs(wire_runtime) == 1
    assert outcomes(wire_runtime) == {VOICE: "suggested", TEACHERS: "suggested"}


def test_the_command_line_lists_withdrawn_suggestions_with_why_and_previews_without_saving(
    wire_runtime, sqlite_url
) -> None:
    from tracker.cli import feeds  # noqa: F401 - registers the subcommands, as `tracker` does
    from tracker.cli.main import cli

    with Ingestion(wire_runtime) as service:
        service.change_rules(SEED, seed_rules(wire_runtime, none_of=["chatbots"]), by="Ed")
    runner = CliRunner()
    listed = runner.invoke(cli, ["--database", sqlite_url, "suggestions", SEED, "--withdrawn"])
    assert listed.exit_code == 0, listed.output
    assert VOICE in listed.output and "why: rules changed by Ed at" in listed.output
    before = event_count(wire_runtime)
    preview = runner.invoke(cli, ["--database", sqlite_url, "rules", SEED, "--remove", "chatbots", "--preview"])
    assert preview.exit_code == 0, preview.output
    assert "0 newly attached, 1 newly suggested, 0 withdrawn" in preview.output and VOICE in preview.output
    assert "Nothing was saved" in preview.output and event_count(wire_runtime) == before
    everything = runner.invoke(cli, ["--database", sqlite_url, "rules", SEED, "--remove", CHARACTER])
    assert everything.exit_code == 1 and "--track-anything" in everything.output
    assert event_count(wire_runtime) == before


def test_the_preview_foretells_what_saving_each_of_a_sequence_of_rules_does_to_the_archive(wire_runtime) -> None:
    from tracker.domain.rules import parse_rules
    from tracker.ingest.preview import preview_rules
    from tracker.ingest.tracking import tracked_under

    store = IngestStore(wire_runtime.engine)
    sequence = [
        seed_rules(wire_runtime, none_of=["chatbots"]),  # withdraws the voice item
        seed_rules(wire_runtime, any_of=["voice", "office"], min_any=1, none_of=[]),  # brings it back, strong
        seed_rules(wire_runtime, all_of=[[*CHARACTER.split(", "), "C.AI"]], any_of=["office"], min_any=1),
        seed_rules(wire_runtime, none_of=["London", "teachers"]),
    ]
    for number, rules in enumerate(sequence):
        old, new = parse_rules(wire_runtime.newsroom.story(SEED).rules), parse_rules(rules)
        preview = preview_rules(store, SEED, old, new, story=tracked_under(wire_runtime.newsroom, SEED, new))
        before = outcomes(wire_runtime)
        with Ingestion(wire_runtime) as service:
            service.change_rules(SEED, rules, by="Ed")
        after = outcomes(wire_runtime)
        became = {
            title: (before.get(title), outcome) for title, outcome in after.items() if before.get(title) != outcome
        }
        attached = [t for t, (was, now) in became.items() if now == "appended"]
        suggested = [t for t, (was, now) in became.items() if now == "suggested"]
        withdrawn = [t for t, (was, now) in became.items() if now == "withdrawn"]
        assert (preview.attached, preview.suggested, preview.withdrawn) == (
            len(attached),
            len(suggested),
            len(withdrawn),
        ), (number, became)
        assert {i.headline for i in preview.first_attached} == set(attached), number
        assert {i.headline for i in preview.first_suggested} == set(suggested), number
        assert {i.headline for i in preview.first_withdrawn} == set(withdrawn), number
    assert any(now == "appended" for now in outcomes(wire_runtime).values())  # the sequence attached something
