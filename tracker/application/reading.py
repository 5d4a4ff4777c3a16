"""Reading reports for a story: the context the reader needs from the
story's rules, and re-reading old reports with a newer reader
(``tracker reclassify SLUG --all``).

An editor's reading is never overwritten: only reports last read by a
classifier (the feed's, the reader, or this command) are re-read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tracker.application.newsroom import Newsroom
from tracker.domain.errors import NothingChanged
from tracker.domain.reading.model import Reading, StoryContext
from tracker.domain.reading.read import READER, read
from tracker.domain.report import Report, party_key
from tracker.domain.rules import Rules, parse_rules
from tracker.domain.story import reading_parties

#: Who a re-reading is recorded as (the reading itself names the reader's version).
CLASSIFIER_ACTOR = "classifier"
_CLASSIFIERS = ("", CLASSIFIER_ACTOR, "feed-classifier/", "reader/", "import")


def is_classifier(classified_by: str) -> bool:
    """Whether a report was last read by a machine (not by an editor)."""
    return classified_by in _CLASSIFIERS or classified_by.startswith(("feed-classifier/", "reader/"))


def story_context(rules: Rules | Mapping[str, Any], known: tuple[str, ...] = ()) -> StoryContext:
    """What the reader knows of a story: its parties and their aliases (the
    rules' parties, the first alias of each ``all_of`` group, the parties
    its reports named), its own parties, its topic words, the dismissed names,
    the parties its ``all_of`` groups require (its anchors).
    ``rules``: parsed already, or as stored."""
    parsed = rules if isinstance(rules, Rules) else parse_rules(rules)
    parties: dict[str, tuple[str, ...]] = {}
    for name, terms in parsed.parties:
        parties[name] = tuple(dict.fromkeys([name, *(t.text for t in terms)]))
    for group in parsed.all_of:
        if not any(party_key(group[0].text) in {party_key(a) for a in aliases} for aliases in parties.values()):
            parties[group[0].text] = tuple(t.text for t in group)
    principal = frozenset(parties)
    seen = {party_key(a) for aliases in parties.values() for a in aliases}
    for name in known:
        if party_key(name) not in seen and party_key(name) not in {party_key(n) for n in parsed.not_parties}:
            seen.add(party_key(name))
            parties[name] = (name,)
    required = {party_key(t.text) for group in parsed.all_of for t in group}
    anchors = frozenset(name for name in principal if required & {party_key(a) for a in parties[name]})
    return StoryContext(
        parties=parties,
        principal=principal,
        topic_words=tuple(t.text for t in parsed.any_of),
        dismissed=frozenset(parsed.not_parties),
        anchors=anchors,
    )


def read_for(
    rules: Mapping[str, Any], title: str, summary: str = "", content: str = "", known: tuple[str, ...] = ()
) -> Reading:
    return read(title, summary, content, story_context(rules, known))


@dataclass(frozen=True)
class Reread:
    """A report whose reading the current reader would change."""

    report: Report
    before: Reading
    after: Reading

    def differences(self) -> list[str]:
        """What changes, one line each ("relations: + Google–Character.AI agreement_reached")."""
        lines: list[str] = []
        for label, old, new in (
            ("kinds", {k.value for k in self.before.kinds}, {k.value for k in self.after.kinds}),
            ("relations", _relations(self.before), _relations(self.after)),
            ("statements", _statements(self.before), _statements(self.after)),
            ("relevance", {self.before.relevance.value}, {self.after.relevance.value}),
        ):
            added, removed = sorted(new - old), sorted(old - new)
            if added or removed:
                lines.append(f"{label}: " + ", ".join([*(f"+ {a}" for a in added), *(f"- {r}" for r in removed)]))
        return lines


def _relations(reading: Reading) -> set[str]:
    return {f"{r.a}–{r.b} {r.kind.value}" for r in reading.relations}


def _statements(reading: Reading) -> set[str]:
    return {f"{s.speaker} {s.kind.value}" + (f" on {s.about}" if s.about else "") for s in reading.statements}


def rereads(newsroom: Newsroom, slug: str) -> list[Reread]:
    """The live reports, last read by a classifier, that the current reader reads otherwise."""
    story = newsroom.current_story(slug)
    known = tuple(dict.fromkeys(p for r in story.reports.values() for p in r["parties"]))
    context = story_context(story.rules, known)  # once per story, not once per report
    found = []
    for report in story.report_list():
        if not report.active or not is_classifier(report.classified_by):
            continue
        after = read(report.headline, report.summary, "", context)
        if not _same(report.reading, after):
            found.append(Reread(report, report.reading, after))
    return found


def reclassify_all(
    newsroom: Newsroom, slug: str, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> list[Reread]:
    """Re-reads a story's reports with the current reader; unless ``dry_run``,
    appends one reclassification event (by the classifier) per changed report.
    ``progress`` is told (reports saved, reports to save) after each one."""
    changes = rereads(newsroom, slug)
    if dry_run:
        return changes
    done = []
    for saved, change in enumerate(changes, 1):
        try:
            newsroom.reclassify_report(
                slug,
                change.report.report_id,
                kinds=[k.value for k in change.after.kinds],
                parties=reading_parties(change.after),
                speakers=list(change.after.speakers),
                by=CLASSIFIER_ACTOR,
                evidence=list(change.after.evidence),
                reading=change.after,
            )
            done.append(change)
        except NothingChanged:
            pass
        if progress is not None:
            progress(saved, len(changes))
    return done


def _same(a: Reading, b: Reading) -> bool:
    return (set(a.kinds), _relations(a), _statements(a), a.relevance, a.namesake) == (
        set(b.kinds),
        _relations(b),
        _statements(b),
        b.relevance,
        b.namesake,
    )


__all__ = [
    "CLASSIFIER_ACTOR",
    "READER",
    "Reread",
    "is_classifier",
    "read_for",
    "reclassify_all",
    "rereads",
    "story_context",
]
