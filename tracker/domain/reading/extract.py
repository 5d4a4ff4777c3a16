"""Relations and statements of one field, clause by clause.

As in PETRARCH, the actors of a phrase are the names around its verb in
the same clause: the subject group before it (nearest, "Meta and xAI"; a
possessive "Google's deal" first; relative clauses skipped), the object
group after it ("with Character.AI"), an agent after "by"/"from" for
passives. Cues before a phrase turn it: negated agreement is no
agreement, a possible one is talks, "no longer in talks" is talks ended.
A refusal to comment, no response or denial takes the phrases after it as
its matter, not as news ("declined to comment on the inquiry").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tracker.domain.reading import cues
from tracker.domain.reading import phrases as ph
from tracker.domain.reading.clauses import (
    ANAPHOR,
    COMPANY_NOUNS,
    RELATIVE,
    Span,
    clauses,
    company_before,
    counterpart,
    groups_of,
    matter_of,
    mentions_in,
    named_regulator,
    pair_before,
    person_first,
    regulator_first,
    sentences,
)
from tracker.domain.reading.model import Relation, Statement
from tracker.domain.reading.names import Mention
from tracker.domain.reading.roles import overseer, speaks_for_itself
from tracker.domain.vocabulary import Kind

_AGAINST = re.compile(r"\bagainst\s+(?:the\s+)?$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^[’']s?\s+(?:\S+\s+){0,2}$")
_AGENT = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:by|from)\s+$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_PRONOUN = re.compile(
    rf"\b(?:it|they|both|the (?:{COMPANY_NOUNS}|companies|firms|airlines|carriers|banks|two)|he|she)\b", re.I
)
_ROLE = re.compile(
    r"\b(?:chief (?:executive|\w+ officer)(?: officer)?|ceo|cto|cfo|coo|president|chair(?:man|woman)?|"
    r"head of [a-z]+(?: [a-z]+)?|vice president(?: of [a-z]+)?|managing director|general counsel|co-?founder|"
    r"chief scientist|board member|director of [a-z]+)\b",
    re.IGNORECASE,
)
_SPEAKING = ph.SPEAKING
_SCOPING = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE, Kind.DENIED})
_MUTUAL = frozenset({Kind.TALKS_HELD, Kind.NO_AGREEMENT, Kind.TALKS_ENDED, Kind.AGREEMENT_REACHED})
_DELIBERATE = re.compile(r"consider|weigh|mull", re.IGNORECASE)
_DEPARTS = re.compile(r"step|resign|quit|retir", re.IGNORECASE)
_SILENT = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE})
_DEALS = frozenset({Kind.AGREEMENT_REACHED, Kind.TALKS_HELD})
_AUXILIARY = re.compile(r",?\s+(?:was|were|is|are|has been|have been|had been)\s*$", re.IGNORECASE)
_BY = re.compile(r"\s+by\s+(?:the\s+)?(both|the two|\S*)", re.IGNORECASE)
_PLURAL = re.compile(r"both|they|the (?:two|companies|firms|airlines|carriers|banks)", re.IGNORECASE)
_COMPANY = re.compile(rf"the (?:{COMPANY_NOUNS})$", re.IGNORECASE)
_WITH = re.compile(r"\s+(?:with|between)\b", re.IGNORECASE)


@dataclass
class Found:
    """What one field gave: relations, statements, and kinds found without actors (badges)."""

    relations: list[Relation] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    badges: list[tuple[Kind, str]] = field(default_factory=list)


class FieldReader:
    """Reads one field's text; ``last`` carries the latest subject for "it"/"both companies"."""

    def __init__(
        self,
        where: str,
        text: str,
        mentions: list[Mention],
        hits: list[ph.Hit],
        last: list[Mention],
        principal: Sequence[str] = (),
        regulators: Sequence[Mention] = (),
        pair: list[Mention] | None = None,
    ) -> None:
        self.where, self.text, self.mentions, self.hits, self.last = where, text, mentions, hits, last
        self.starts = [m.start for m in mentions]
        self.hit_starts = [h.start for h in hits]
        self.near: list[Mention] = []
        self.pair = pair if pair is not None else []  # the last two parties related, for "both companies"
        self.named_regulators = [m for m in mentions if m.regulator and m.proper]
        self.principal = principal  # the story's own parties named in the item, first seen first
        self.regulators = regulators  # the authorities the item names (for "the regulator")
        self.found = Found()
        self.sentence = self.clause = Span(0, 0)

    def read(self) -> Found:
        for sentence in sentences(self.text):
            self._sentence(sentence)
        return self.found

    def _sentence(self, sentence: Span) -> None:
        self.sentence = sentence
        # only this sentence's phrases, and the names in it and just before it (long bodies stay linear)
        first, last = bisect_left(self.hit_starts, sentence.start), bisect_left(self.hit_starts, sentence.end)
        hits = [h for h in self.hits[first:last] if h.end <= sentence.end]
        first = bisect_left(self.starts, sentence.start - 400)
        self.near = self.mentions[first : bisect_left(self.starts, sentence.end)]
        if not hits:
            return
        predicates = [(h.start, h.end) for h in hits if h.verbal]
        relations: list[Relation] = []
        pending: list[tuple[Statement, bool]] = []
        inherited: list[Mention] = []
        for clause in clauses(self.text, sentence, predicates):
            inherited = self._clause(
                clause, [h for h in hits if clause.start <= h.start < clause.end], inherited, relations, pending
            )
        shared = ""  # "X did not respond to questions about the review, and Y declined to comment": on the review too
        for statement, has_matter in pending:
            if not has_matter and relations:
                r = relations[0]
                statement = replace(statement, about=f"{r.kind.value} {r.a}–{r.b}")
            elif not has_matter and shared and statement.kind in _SILENT:
                statement = replace(statement, about=shared)
            elif has_matter and statement.kind in _SILENT:
                shared = statement.about
            self.found.statements.append(statement)
        self.found.relations.extend(relations)

    def _clause(
        self,
        clause: Span,
        hits: list[ph.Hit],
        inherited: list[Mention],
        relations: list[Relation],
        pending: list[tuple[Statement, bool]],
    ) -> list[Mention]:
        text, self.clause = self.text, clause
        masks = [(m.start(), m.end()) for m in RELATIVE.finditer(text, clause.start, clause.end)]
        turned = [(h, self._turn(h, clause)) for h in hits]
        negative = any(k is Kind.NO_AGREEMENT for _h, k in turned)
        ended = negative or any(k is Kind.TALKS_ENDED for _h, k in turned)
        scoped = examined = confirming = False
        floor = clause.start
        subject: list[Mention] = inherited
        clause_subject: list[Mention] | None = None
        for index, (hit, kind) in enumerate(turned):
            before = mentions_in(self.near, floor, hit.start, masks)
            groups = groups_of(text, before)
            own = self._possessive(before, hit) or (groups[-1] if groups else [])
            back = _PRONOUN.search(text, own[-1].end, hit.start) if own and own is groups[-1] else None
            if back:  # "Lawyers for X and Y told Judge Z they had begun talks": they are X and Y
                plural = _PLURAL.match(back.group(0)) and len(groups[0]) < 2
                own = (pair_before(self.near, back.start()) if plural else []) or groups[0]
            opening = clause.start if floor == clause.start else hit.start  # "an analyst at X" must open the clause
            blocked = bool(own) and not back and hit.verbal and not speaks_for_itself(text, own, hit.start, opening)
            if blocked:
                own = []  # "Coastal's biggest shareholder said": not Coastal speaking
            pronoun = None if own or blocked else _PRONOUN.search(text, floor, hit.start)
            if pronoun and _COMPANY.match(pronoun.group(0)):
                own = company_before(self.near, pronoun.start(), self.principal)
            elif pronoun and _PLURAL.match(pronoun.group(0)):
                own = pair_before(self.near, pronoun.start()) or self.pair or self.last
            elif pronoun and self.last:
                own = self.last
            if own or blocked:
                subject = own
            if clause_subject is None and subject:
                clause_subject = subject
            if kind is None and hit.kind is Kind.CONFIRMED:
                scoped = True  # "has not confirmed a deal": what follows is unconfirmed, not news
            skip = kind is None or (negative and kind is Kind.AGREEMENT_REACHED) or (ended and kind is Kind.TALKS_HELD)
            if kind not in _SPEAKING and (scoped or (examined and hit.kind is Kind.AGREEMENT_REACHED)):
                skip = True  # the matter of a refusal or denial, or the deal a regulator examines
            if kind in _SPEAKING and scoped and not own:
                skip = True
            if skip or kind is None:
                floor = hit.end
                continue
            # the object runs to the next phrase that counts ("agreed to pay ... to settle the lawsuit brought by X")
            examining = kind is Kind.REGULATORY_SCRUTINY and hit.verbal  # and the deal it examines is its object
            limit = next(
                (h.start for h, k in turned[index + 1 :] if k is not None and not (examining and h.kind in _DEALS)),
                clause.end,
            )
            after = mentions_in(self.near, hit.end, limit)
            if kind in _SPEAKING:
                self._statement(hit, kind, subject, clause, pending)
                scoped = scoped or kind in _SCOPING
                confirming = kind is Kind.CONFIRMED
            elif confirming and not after and (not own or pronoun):
                pass  # "confirmed it would cooperate with the investigation": the matter, no news of its own
            else:
                examined = examined or examining
                lead = groups_of(text, mentions_in(self.near, clause.start, hit.start, masks))[:1]
                self._relation(hit, kind, subject, after, relations, lead[0] if lead else [])
            floor = hit.end
        if clause_subject:
            self.last[:] = clause_subject
        return subject

    def _turn(self, hit: ph.Hit, clause: Span) -> Kind | None:
        kind = cues.turn(hit, self.text, clause.start)
        if kind is not None and cues.labour(hit, self.text, clause.start, clause.end):
            return None  # pay talks with a union: not the story's deal talks
        if kind is Kind.REGULATORY_SCRUTINY and cues.remedy(hit) and not self._sentence_regulators():
            if hit.text.lower().startswith("agree"):
                return Kind.AGREEMENT_REACHED  # "agreed to sell its stake to X": a sale, no remedy
            return kind if cues.offered(hit) else None  # "offered remedies" stays scrutiny; a plan to sell, nothing
        return kind

    def _sentence_regulators(self) -> list[Mention]:
        """The authorities named in this sentence (a remedy is given to one of them)."""
        s = self.sentence
        return [m for m in self.mentions if m.regulator and s.start <= m.start < s.end]

    def _possessive(self, before: Sequence[Mention], hit: ph.Hit) -> list[Mention]:
        """ "Google's licensing deal": the owner of the phrase is its subject."""
        if not before:
            return []
        between = self.text[before[-1].end : hit.start]
        if _POSSESSIVE.match(between) or (not between and hit.text[:1] in "'’"):
            return [before[-1]]
        return []

    def _statement(
        self, hit: ph.Hit, kind: Kind, subject: list[Mention], clause: Span, pending: list[tuple[Statement, bool]]
    ) -> None:
        agent = _BY.match(self.text, hit.end, clause.end)
        if agent:  # "was confirmed by both companies", "denied by Meta"
            named = mentions_in(self.near, agent.start(1), clause.end)
            if named and named[0].start - agent.start(1) < 3:
                subject = groups_of(self.text, named)[0]
            elif _PLURAL.match(agent.group(1)):
                subject = pair_before(self.near, hit.start) or self.pair or subject
            matter = _AUXILIARY.sub("", self.text[clause.start : hit.start].split(",")[0]).strip()
            matter = " ".join(matter.split()[-6:])
        if not subject:
            self.found.badges.append((kind, hit.text))
            return
        if not agent:
            matter = matter_of(self.text, hit.end, clause.end, kind)
        for speaker in subject:
            keeps = bool(matter) and kind is not Kind.CONFIRMED  # a confirmation is of the news beside it
            pending.append((Statement(speaker.name, kind, matter, hit.text, self.where), keeps))

    def _relation(
        self,
        hit: ph.Hit,
        kind: Kind,
        subject: list[Mention],
        after: list[Mention],
        relations: list[Relation],
        lead: Sequence[Mention] = (),
    ) -> None:
        text = self.text
        objects: list[Mention] = []
        agents: list[Mention] = []
        against: list[Mention] = []
        if kind is not Kind.REGULATORY_SCRUTINY:
            subject = [m for m in subject if m.proper]
            after = [m for m in after if m.proper]
        groups = groups_of(text, after, owners=kind is Kind.REGULATORY_SCRUTINY)
        for group in groups:
            if _AGENT.match(text[hit.end : group[0].start]):
                agents = group
            elif _AGAINST.search(text, hit.end, group[0].start):
                against = against or group
            elif not objects:
                objects = group
        a_side, b_side = list(subject), objects
        span = Span(hit.start, hit.end)
        if against:  # "the lawsuit the Guild brought against Parlance Labs"
            plaintiff = objects if objects and objects[0].start < against[0].start else []
            a_side, b_side = agents or plaintiff or list(subject), against
        elif agents:
            a_side, b_side = agents, (list(subject) or objects)
        elif len(objects) >= 2 and kind in _MUTUAL and _BETWEEN.search(text, hit.start, objects[0].start):
            a_side, b_side = objects[:1], objects[1:]  # "the judge approved the settlement between A and B"
        elif b_side and not a_side and kind in _MUTUAL:
            # "The discussions have not produced a deal with Meta"
            a_side = counterpart(text, self.near, self.sentence, self.principal, span, b_side, anywhere=True)
        elif a_side and not b_side and (kind in _MUTUAL or kind is Kind.LEGAL_ACTION):
            pointed = ANAPHOR.search(text, hit.end, self.clause.end)  # "talking to the start-up"
            if len(a_side) >= 2 and kind in _MUTUAL and not pointed:
                a_side, b_side = a_side[:1], a_side[1:]  # "Meta and Character.AI have not reached an agreement"
            elif _DELIBERATE.search(hit.text) and not pointed:
                return  # "its board was considering the proposal": weighing it alone, no talks with anyone
            else:
                b_side = counterpart(text, self.near, self.sentence, self.principal, span, a_side)
        if kind in _MUTUAL and "settle" not in hit.text.lower():
            sides = [*a_side, *b_side, *objects, *agents]
            regulators = overseer(lead, sides)
            if regulators:  # "the Board approved the takeover of A by B": it examines the deal of A and B
                kind, a_side = Kind.REGULATORY_SCRUTINY, regulators
                b_side = list({m.name: m for m in sides if not m.regulator and m.proper}.values())
        elif kind is Kind.REGULATORY_SCRUTINY and cues.remedy(hit):  # "asked A to give up slots"
            named = self._sentence_regulators() or self.named_regulators or list(self.regulators)
            a_side = [m for m in named if m.start < hit.start][-1:] or named[:1]
            b_side = [m for m in subject if m.proper and not m.regulator]
        joined = _WITH.match(text, hit.end)
        phrase = hit.text + (joined.group(0) if joined else "")
        if kind is Kind.REGULATORY_SCRUTINY:
            named = self.named_regulators or list(self.regulators)
            a_side = [named_regulator(m, named) for m in a_side]
            a_side, b_side = regulator_first(
                text, hit.start, a_side, b_side, [named_regulator(m, named) for m in after], self.regulators
            )
        elif kind is Kind.PERSONNEL:
            a_side, b_side = person_first(a_side, b_side)
            if a_side and not b_side and (ANAPHOR.search(text, hit.end, hit.end + 20) or _DEPARTS.match(hit.text)):
                b_side = company_before(self.near, hit.start, self.principal)  # "left the company", "will step down"
            if not any(m.person for m in a_side):
                return  # "hires a start-up's founders": no one named, no move to record
        pairs = [(a, b) for a in a_side for b in b_side if a.name != b.name]
        if not pairs:
            self.found.badges.append((kind, phrase.strip()))
            return
        role = ""
        if kind is Kind.PERSONNEL:
            m = _ROLE.search(text, max(0, hit.start - 60), min(len(text), hit.end + 80))
            role = m.group(0).lower() if m else ""
        self.pair[:] = list(pairs[0])
        for a, b in pairs:
            relation = Relation(a.name, b.name, kind, " ".join(phrase.split()), self.where, role)
            if all((r.a, r.b, r.kind) != (a.name, b.name, kind) for r in relations):
                relations.append(relation)
