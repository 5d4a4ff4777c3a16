"""Sentences and clauses of a field, as character spans into its text.

Spans rather than copies: names and phrases are found once per field and
assigned to clauses by offset. A sentence ends at ``.``, ``!`` or ``?``
before a capital (not after "Mr." or "U.S."; "Character.AI" has no space)
or at a line break. Inside a sentence, ``;``, "but", "while" and
"although" always start a clause; "and" starts one only when a predicate
follows it and another precedes it (the caller knows the phrases).
The names of a clause form groups ("Meta and xAI"), and a clause may point
back: "the company", "both companies", or the story's own party implied
("the talks with Meta have not produced a deal"). The matter of a statement
and the sides of a relation (regulator first, person first) are read here
too, from the clause's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.domain.reading.names import Mention
from tracker.domain.vocabulary import Kind

_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "gen",
        "sen",
        "rep",
        "gov",
        "no",
        "vs",
        "u.s",
        "u.k",
        "e.u",
        "u.n",
    }
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co", "ltd"}
)
_SENTENCE_END = re.compile(r"(?=[.!?\n])(?:[.!?]+[\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])|\n+)")
_LAST_WORD = re.compile(r"([\w.]+)$")
_HARD_BREAK = re.compile(r"(?=[;,\s])(?:;\s*|,?\s+(?:but|while|whereas|although|though)\s+|\s+[-–—]\s+)", re.IGNORECASE)
_SOFT_BREAK = re.compile(r",?\s+and\s+", re.IGNORECASE)
_JOIN = re.compile(
    r"^\s*(?:,\s*and|,|and|&|or|nor|-|–|as well as|and with|or with)\s*(?:the\s+)?$"
    r"|^,?\s*(?:and\s+[\w\s]{1,30}?)?,?\s*(?:among them|including|such as|led by)\s+$",  # "the Guild and 14 authors, among them X"
    re.IGNORECASE,
)
_POSSESSOR = re.compile(r"^[’']s?\s*$")
_MATTER = re.compile(r"\b(?:on|about|regarding|concerning|over)\s+([^,;:.!?]+)", re.IGNORECASE)
_MATTER_END = re.compile(r"\s+(?:and|but|when|after|because|while|as|which)\b.*$", re.IGNORECASE)
_REQUEST = re.compile(
    r"^\s*(?:to\s+)?(?:a|the|an|our|its|[\w.’']+)?\s*(?:\S+\s+)?requests?\s+(?:for|seeking)\s+comment", re.I
)
_FACES = re.compile(r"\b(?:faces?|facing|faced|under|hit with|subject of|target of|draws?|drew|attract\w*)\b", re.I)
#: What a report calls a company it has named ("the start-up", "the airline").
COMPANY_NOUNS = (
    r"start-?up|company|firm|chatbot maker|app maker|group|airline|carrier|bank|insurer|retailer|publisher|lab"
    r"|club|consortium|carmaker|automaker|manufacturer|supplier|buyer|bidder|drugmaker|chipmaker|lender|operator"
    r"|broadcaster|developer|brewer|miner"
)
#: Two pointers joined ("the club and the buyer announced") are one subject, not two clauses.
_POINTER = re.compile(rf"the (?:{COMPANY_NOUNS})\b", re.IGNORECASE)
_POINTER_END = re.compile(rf"\bthe (?:{COMPANY_NOUNS})$", re.IGNORECASE)
#: A pointer back to the story's subject ("talking to the start-up").
ANAPHOR = re.compile(rf"\b(?:the (?:{COMPANY_NOUNS})|it|them)\b", re.I)
#: A relative clause ("Meta, which held talks with xAI, declined") or an apposition ("Ana Ruiz,
#: Acme's finance chief, said") is not the subject.
RELATIVE = re.compile(
    r"(?=[,ith])(?:,\s*(?:which|who|whose|where|a|an|the)\b[^,]*,|\b(?:its|their|his|her)\s+(?-i:[A-Z])[\w.]*"
    r"|,\s*(?-i:[A-Z])[^,;]{0,40}?[’']s?\s+(?-i:[a-z])[^,;]{0,40},)",
    re.IGNORECASE,
)


@dataclass(slots=True, unsafe_hash=True)  # never mutated; frozen's __init__ costs per object
class Span:
    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``, stripped of surrounding blanks."""
    spans: list[Span] = []
    begin = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0)[0] == ".":
            word = _LAST_WORD.search(text, max(0, m.start() - 12), m.start())
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
        _add(text, begin, m.end(), spans)
        begin = m.end()
    _add(text, begin, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


def clauses(text: str, sentence: Span, predicates: Sequence[tuple[int, int]]) -> list[Span]:
    """Clause spans of one sentence; ``predicates`` are the (start, end) of its
    verbal phrases, which decide where "and" joins two clauses."""
    cuts: list[tuple[int, int]] = [
        (m.start(), m.end()) for m in _HARD_BREAK.finditer(text, sentence.start, sentence.end)
    ]
    for m in _SOFT_BREAK.finditer(text, sentence.start, sentence.end):
        since = max([e for _s, e in cuts if e <= m.start()], default=sentence.start)
        before = any(since <= s and e <= m.start() for s, e in predicates)
        after = [s for s, _e in predicates if s >= m.end()]
        pointers = _POINTER_END.search(text, sentence.start, m.start()) and _POINTER.match(text, m.end())
        if before and after and not pointers and _no_cut_between(cuts, m.end(), min(after)):
            cuts.append((m.start(), m.end()))
    cuts.sort()
    spans: list[Span] = []
    begin = sentence.start
    for start, end in cuts:
        if start > begin:
            spans.append(Span(begin, start))
        begin = max(begin, end)
    if begin < sentence.end:
        spans.append(Span(begin, sentence.end))
    return spans


def _no_cut_between(cuts: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return all(not (start <= s < end) for s, _e in cuts)


def groups_of(text: str, mentions: Sequence[Mention], owners: bool = False) -> list[list[Mention]]:
    """Mentions joined by "and"/"&"/"or" (and commas in such a list) into groups; a
    possessor ("Musk's xAI") gives way to what it owns (or, with ``owners``, stays beside it). Commas alone join nothing:
    "Beyond Character.AI, Meta explored" has one subject."""
    groups: list[list[Mention]] = []
    listed: list[bool] = []
    for mention in mentions:
        if groups:
            last = groups[-1][-1]
            between = text[last.end : mention.start]
            if _POSSESSOR.match(between):
                if owners:  # "a review of Acme's Beta takeover" examines both
                    groups[-1].append(mention)
                    listed[-1] = True
                elif not (last.known and not mention.known):  # "xAI's Grok team" stays xAI
                    groups[-1][-1] = mention
                continue
            if _JOIN.match(between):
                groups[-1].append(mention)
                listed[-1] = listed[-1] or between.strip(" ,").lower() not in ("", "the")
                continue
        groups.append([mention])
        listed.append(False)
    out: list[list[Mention]] = []
    for group, joined in zip(groups, listed):
        out.extend([group] if joined or len(group) == 1 else [[m] for m in group])
    return out


def mentions_in(
    mentions: Sequence[Mention], start: int, end: int, masks: Sequence[tuple[int, int]] = ()
) -> list[Mention]:
    return [m for m in mentions if start <= m.start and m.end <= end and not any(s <= m.start < e for s, e in masks)]


# -- references back: "the company", "both companies", the story's own party -------------


def company_before(mentions: Sequence[Mention], before: int, principal: Sequence[str]) -> list[Mention]:
    """ "the company announced": the organisation named last, else the story's own party."""
    orgs = [m for m in mentions if m.start < before and not m.person and m.proper and not m.regulator]
    if orgs:
        return [orgs[-1]]
    return [Mention(before, before, principal[0], known=True)] if principal else []


def pair_before(mentions: Sequence[Mention], before: int) -> list[Mention]:
    """ "both companies said": the last two organisations named before (none: the caller's guess)."""
    names: dict[str, Mention] = {}
    for m in reversed([m for m in mentions if m.start < before]):
        if m.proper and not m.person and not m.regulator and m.name not in names:
            names[m.name] = m
    return sorted(names.values(), key=lambda m: m.start)[-2:] if len(names) >= 2 else []


def counterpart(
    text: str,
    mentions: Sequence[Mention],
    sentence: Span,
    principal: Sequence[str],
    hit: Span,
    side: Sequence[Mention],
    anywhere: bool = False,
) -> list[Mention]:
    """The story's own party as the other side of talks that name one ("The talks with
    Meta have not produced an agreement, and Character.AI ..."): in the sentence, or in
    the item when the clause points back to it ("the start-up") or ``anywhere``."""
    taken = {m.name for m in side}
    for m in mentions:
        if sentence.start <= m.start < sentence.end and m.known and m.name in principal and m.name not in taken:
            return [m]
    if anywhere or ANAPHOR.search(text, hit.end, sentence.end) or ANAPHOR.search(text, sentence.start, hit.start):
        for name in principal:
            if name not in taken:
                return [Mention(hit.start, hit.start, name, known=True)]
    return []


_WHEN = re.compile(
    r"^(?:(?:on|by|at|in|over|during|before|after|until|outside) )?(?:the )?(?:(?:monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|weekend|morning|afternoon|evening|night|time|day|week|month|year)s?|business hours"
    r"|(?:last|this|next) \w+)(?: (?:morning|afternoon|evening|night|hours))?$",
    re.IGNORECASE,
)


_DEICTIC = re.compile(r"^(?:the|this|that) (?:decision|move|announcement|choice|news)$", re.IGNORECASE)


def matter_of(text: str, start: int, end: int, kind: Kind) -> str:
    """What a statement is about, from the words after its verb: "declined to comment on
    the talks" -> "the talks"; "a request for comment" is no matter; "denies plan to buy
    Character.AI" -> "plan to buy Character.AI". At most six words."""
    rest = text[start:end]
    if kind is Kind.DENIED or kind is Kind.CONFIRMED:
        matter = re.sub(r"^\s*(?:that\s+|reports?\s+(?:that|of)\s+)?", "", rest)
        if kind is Kind.CONFIRMED and not matter.strip():
            return ""
    else:
        request = _REQUEST.match(rest)
        if request:
            rest = rest[request.end() :]
        m = _MATTER.search(rest)
        matter = m.group(1) if m else ""
    matter = _MATTER_END.sub("", matter.strip().rstrip(".,;:!?\"'”’"))
    if _WHEN.match(matter) or _DEICTIC.match(matter):
        return ""  # "on Tuesday": when, not what; "on the decision": the item's news, said again
    return " ".join(matter.split()[:6])


# -- the sides of a relation ----------------------------------------------------------------


def regulator_first(
    text: str,
    start: int,
    a_side: list[Mention],
    b_side: list[Mention],
    after: list[Mention],
    elsewhere: Sequence[Mention] = (),
) -> tuple[list[Mention], list[Mention]]:
    """A regulator examines a company; "Meta faces a probe" has one unnamed (or named later)."""
    regulators = [m for m in a_side if m.regulator]
    if regulators:
        return regulators, [m for m in b_side if not m.regulator]
    named = [m for m in after if m.regulator]
    if a_side and _FACES.search(text, max(0, start - 30), start):
        unnamed = Mention(start, start, "regulators", regulator=True, proper=False)
        return named or list(elsewhere[:1]) or [unnamed], a_side
    return [], []


def named_regulator(mention: Mention, named: Sequence[Mention]) -> Mention:
    """ "The regulator" is the authority the item names (the last one before, else the first)."""
    if not mention.regulator or mention.proper or not named:
        return mention
    before = [m for m in named if m.start < mention.start]
    return before[-1] if before else named[0]


def person_first(a_side: list[Mention], b_side: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """A move is the person's: "Google hires Noam Shazeer" is (Noam Shazeer, Google)."""
    if any(m.person for m in b_side) and not any(m.person for m in a_side):
        return [m for m in b_side if m.person], a_side
    return a_side, b_side
