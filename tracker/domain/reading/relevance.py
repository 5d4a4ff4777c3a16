"""Core or context, and namesakes: is this report the story's own news, and
does a known party's name here mean the party at all?

A report is core when one of the story's principal parties acts in it (a
relation or a statement); a profile, another pair's lawsuit or an
unrelated appointment is context. A name is a namesake when it is part of
a longer name in another sector ("Meta Financial Group"), is only an
ordinary word ("meta-analysis"), or sits beside sector words (bank, town,
football club) in an item that has none of the story's topic words and
no other party.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache

from tracker.domain.reading.model import Relation, Relevance, Statement, StoryContext
from tracker.domain.reading.name_words import ORG_SUFFIXES, SECTOR_WORDS
from tracker.domain.reading.names import Aliases, Mention
from tracker.domain.rules import Term, Text
from tracker.domain.vocabulary import Kind

_TOP = re.compile(r"chief executive|\bceo\b|president|founder|chair", re.IGNORECASE)
_SECTOR = re.compile(r"\b(?:" + "|".join(sorted(SECTOR_WORDS, key=len, reverse=True)) + r")s?\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def _topic_terms(topic_words: tuple[str, ...]) -> tuple[Term, ...]:
    return tuple(t for t in (Term.of(w) for w in topic_words) if t.key)


#: Words of a company's legal form or holding: "Acme Group" may be the party "Acme Robotics" itself.
_LEGAL_FORMS = frozenset(
    {"inc", "corp", "corporation", "ltd", "llc", "plc", "ag", "gmbh", "sa", "nv", "group", "holdings", "company", "co"}
    | {"international", "global", "partners", "ventures", "capital", "enterprises", "industries"}
)


def _other_suffix(party: str, extra: list[str]) -> str:
    """ "Velantis Energy" beside the party "Velantis Therapeutics": another company's suffix word."""
    own = party.lower().split()
    if len(own) < 2 or not extra or extra[-1] in own:
        return ""
    return extra[-1] if extra[-1] in ORG_SUFFIXES and extra[-1] not in _LEGAL_FORMS else ""


def longer_namesakes(known: Sequence[Mention], discovered: Sequence[Mention]) -> dict[int, tuple[Mention, str]]:
    """Known mentions (by start) inside a longer discovered name with a sector word:
    start -> (the longer name, its sector word)."""
    out: dict[int, tuple[Mention, str]] = {}
    starts = [d.start for d in discovered]  # discovered names do not overlap: one can hold k
    for k in known:
        index = bisect_right(starts, k.start) - 1
        if index >= 0:
            d = discovered[index]
            if k.end <= d.end and (d.end - d.start) > (k.end - k.start):
                extra = (d.name[: k.start - d.start] + " " + d.name[k.end - d.start :]).lower().split()
                sector = next((w for w in extra if w in SECTOR_WORDS or w.rstrip("s") in SECTOR_WORDS), "")
                sector = sector or _other_suffix(k.name, extra)
                if sector:
                    out[k.start] = (d, sector)
    return out


def ordinary_word_namesakes(text: str, aliases: Aliases, strict: Iterable[Mention]) -> dict[str, str]:
    """Parties whose alias occurs here only in lower case, as a word ("meta-analysis"):
    canonical -> the word as written."""
    if aliases.loose is None:
        return {}
    strict_starts = {m.start for m in strict}
    out: dict[str, str] = {}
    for m in aliases.loose.finditer(text):
        if m.start() in strict_starts:
            continue
        word = re.match(r"[\w\-]+", text[m.start() :])
        name = aliases.canonical.get("".join(ch for ch in m.group(0).lower() if ch.isalnum()), "")
        if name and word:
            out.setdefault(name, word.group(0))
    return out


def lacks_topic(all_text: Text, context: StoryContext, found: set[str]) -> bool:
    """No topic word and at most one known party: nothing ties the item to the story."""
    if len(found) > 1:
        return False
    return not any(all_text.find(t) for t in _topic_terms(tuple(context.topic_words)))


def sector_near(text: str, mention: Mention) -> str:
    """A sector word in the sentence around ``mention`` (60 characters either side)."""
    m = _SECTOR.search(text, max(0, mention.start - 60), min(len(text), mention.end + 60))
    return m.group(0).lower() if m else ""


def _anchored(r: Relation, context: StoryContext, story: frozenset[str], named: set[str], remedy: bool = False) -> bool:
    """A relation is the story's when it touches the party the story requires, joins two of
    its parties, or is scrutiny of one of them where the required party is named (a probe
    of its partner's deal with it): a party's deal with an outsider, or a regulator's probe
    of another company, is another story (where the story requires no party, any counts)."""
    if not context.anchors or {r.a, r.b} & context.anchors or (r.a in story and r.b in story):
        return True
    if remedy and r.kind is Kind.AGREEMENT_REACHED and bool(context.anchors & named):
        return True  # a sale to an outsider to win approval of the story's deal is the story's
    return r.kind is Kind.REGULATORY_SCRUTINY and r.b in story and bool(context.anchors & named)


#: A sale said to be made for a regulator ("to win approval for", "to address the watchdog's concerns").
FOR_APPROVAL = re.compile(
    r"\bto (?:win|secure|gain|obtain) (?:regulatory |antitrust )?(?:approval|clearance)\b"
    r"|\baddress (?:the )?(?:[\w’'-]+ ){0,3}concerns\b|\bas a remedy\b",
    re.IGNORECASE,
)
#: A word each of those phrases holds: an ASCII text without any has none of them.
_APPROVAL_WORDS = ("approval", "clearance", "concerns", "as a remedy")


def for_approval(text: str) -> bool:
    """Whether ``text`` says a sale is made for a regulator (:data:`FOR_APPROVAL`)."""
    if text.isascii():  # beyond ASCII a case-blind match may hold none of the words ("ſ" matches "s")
        lowered = text.lower()
        if not any(word in lowered for word in _APPROVAL_WORDS):
            return False
    return FOR_APPROVAL.search(text) is not None


def relevance(
    context: StoryContext,
    relations: Sequence[Relation],
    statements: Sequence[Statement],
    known: set[str],
    namesake: str,
    people: frozenset[str] = frozenset(),
    remedy: bool = False,
) -> Relevance:
    """Core when one of the story's parties acts: a principal party, or another known
    party in a report that names a principal one, or a person or organisation
    named there who makes a statement (the company's new chief confirming, a
    union declining to comment on the takeover). A personnel move counts when its
    person is a known party or it fills the top post of a principal party (a new
    head of policy at the company is context). Context otherwise, and always
    without any known party or with a namesake."""
    if namesake or not known:
        return Relevance.CONTEXT
    principal = context.principal or frozenset(context.parties)
    story = principal | (frozenset(context.parties) if known & principal else frozenset())
    for r in relations:
        if r.kind is Kind.PERSONNEL:
            if r.a in context.parties or (r.b in principal and _TOP.search(r.role)):
                return Relevance.CORE
        elif (r.a in story or r.b in story) and _anchored(r, context, story, known, remedy):
            return Relevance.CORE
    # a statement on a party's business with an outsider ("the club announced" its sale to X) is that story's
    outside = {f"{r.kind.value} {r.a}–{r.b}" for r in relations if not _anchored(r, context, story, known, remedy)}
    if known & principal:
        story = story | people
    return (
        Relevance.CORE if any(s.speaker in story and s.about not in outside for s in statements) else Relevance.CONTEXT
    )


def outside_actors(
    context: StoryContext,
    relations: Sequence[Relation],
    statements: Sequence[Statement],
    known: set[str],
    remedy: bool = False,
) -> set[str]:
    """The story's parties that act here only in another story (a deal with an outsider, and
    statements on it): mentioned, not acting, so such a report waits for an editor."""
    principal = context.principal or frozenset(context.parties)
    story = principal | (frozenset(context.parties) if known & principal else frozenset())
    outside = [r for r in relations if r.kind is not Kind.PERSONNEL and not _anchored(r, context, story, known, remedy)]
    labels = {f"{r.kind.value} {r.a}–{r.b}" for r in outside}
    inside = [n for r in relations if r not in outside for n in (r.a, r.b)]
    inside += [s.speaker for s in statements if s.about not in labels]
    return {n for r in outside for n in (r.a, r.b)} - set(inside)
