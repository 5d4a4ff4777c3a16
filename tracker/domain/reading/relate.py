"""The sides of a phrase: who speaks a statement, who does a relation with whom.

Given a phrase and the names before and after it in its clause (found by
:mod:`.extract`), a statement's speakers are its subject, or the agent of
a passive ("was confirmed by both companies"); a relation's sides are the
subject and object, the agent of a passive, the plaintiff and the
defendant, the regulator and what it examines (a deal a regulator looks
at or approves is the regulator's matter: it scrutinises both parties),
the person and the organisation of a move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tracker.domain.fact_keys import concept_of, kind_concept
from tracker.domain.reading import cues
from tracker.domain.reading import phrases as ph
from tracker.domain.reading.clauses import (
    ANAPHOR,
    Span,
    company_before,
    counterpart,
    groups_of,
    matter_of,
    mentions_in,
    named_regulator,
    pair_before,
    person_first,
    regulator_first,
)
from tracker.domain.reading.model import Relation, Statement
from tracker.domain.reading.names import Mention
from tracker.domain.reading.roles import overseer, owner_only
from tracker.domain.vocabulary import Kind

_AGAINST = re.compile(r"\bagainst\s+(?:the\s+)?$", re.IGNORECASE)
_AGENT = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:by|from)\s+$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_ROLES = (
    r"chief (?:executive|\w+ officer)(?: officer)?|ceo|cto|cfo|coo|president|chair(?:man|woman)?|"
    r"head of [a-z]+(?: [a-z]+)?|vice president(?: of [a-z]+)?|managing director|general counsel|co-?founder|"
    r"chief scientist|board member|director of [a-z]+"
)
_ROLE = re.compile(rf"\b(?P<role>{_ROLES})\b", re.IGNORECASE)
#: The post named after the person and an aside ("appointed Ann Lee, who ran X, as its chief executive").
_AS_ROLE = re.compile(
    r"\s+(?-i:[A-Z])[\w.'’-]*(?:\s+(?-i:[A-Z])[\w.'’-]*){0,2},\s+(?:who|which)\b[^;]*?,\s+as (?:its |the |their )?"
    rf"(?:new |interim |acting )?(?P<role>{_ROLES})\b",
    re.IGNORECASE,
)
MUTUAL = frozenset({Kind.TALKS_HELD, Kind.NO_AGREEMENT, Kind.TALKS_ENDED, Kind.AGREEMENT_REACHED})
_DELIBERATE = re.compile(r"consider|weigh|mull", re.IGNORECASE)
_DEPARTS = re.compile(r"step|resign|quit|retir|no longer|leave", re.IGNORECASE)
_LEFT = re.compile(r"(?:left|leaves|leave|leaving|quit|quits|departed|departs)$", re.IGNORECASE)
_SUCCEEDED = re.compile(r"(?:replaced|succeeded) by$|^(?:replacing|replaces|succeeding|succeeds)$", re.IGNORECASE)
_AUXILIARY = re.compile(r",?\s+(?:was|were|is|are|has been|have been|had been)\s*$", re.IGNORECASE)
_BY = re.compile(r"\s+by\s+(?:the\s+)?(both|the two|\S*)", re.IGNORECASE)
PLURAL = re.compile(r"both|they|the (?:two|companies|firms|airlines|carriers|banks)", re.IGNORECASE)
_SAYS = re.compile(r"\s+(?:said|says|announced|confirmed|added|told)\b", re.IGNORECASE)
#: A passive step of a regulator's ("was cleared by", "was fined by", "won approval from"): the regulator is named after.
CLEARED = re.compile(
    r"(?:(?:was|were|has been|have been|had been|is|are|been) (?:cleared|blocked|waved through|fined|sanctioned"
    r"|penalised|penalized|censured|reprimanded)|(?:won|wins|received|receives|secured|secures|got|gets|was given"
    r"|has been given) (?:regulatory |antitrust |unconditional |conditional |final )?(?:approval|clearance))$",
    re.IGNORECASE,
)
_HEAD = re.compile(r"(?<![\w'’])[Tt]he ([a-z]+)\s+(?:[a-z]+ly\s+)?$")
_SPOKES = re.compile(
    r",\s+(?:a|an|the)\s+(?:\w+\s+)?(?:spokes(?:man|woman|person)|representative|press officer|lawyer|attorney)"
    r"\s+(?:for|at|of|with)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_TAKES_OVER = re.compile(r"(?:take|takes|took|taking) over", re.IGNORECASE)
_WITH = re.compile(r"\s+(?:with|between)\b", re.IGNORECASE)


@dataclass
class Found:
    """What one field gave: relations, statements, and kinds found without actors (badges)."""

    relations: list[Relation] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    badges: list[tuple[Kind, str]] = field(default_factory=list)


class Sides:
    """The part of a field's reader that decides the sides of one phrase."""

    where: str
    text: str
    mentions: list[Mention]
    near: list[Mention]
    pair: list[Mention]
    named_regulators: list[Mention]
    principal: Sequence[str]
    regulators: Sequence[Mention]
    found: Found
    labour: bool
    sentence: Span
    clause: Span

    def _sentence_regulators(self) -> list[Mention]:
        """The authorities named in this sentence (a remedy is given to one of them)."""
        s = self.sentence
        return [m for m in self.mentions if m.regulator and s.start <= m.start < s.end]

    def _statement(
        self, hit: ph.Hit, kind: Kind, subject: list[Mention], clause: Span, pending: list[tuple[Statement, bool]]
    ) -> None:
        agent = _BY.match(self.text, hit.end, clause.end)
        if agent:  # "was confirmed by both companies", "denied by Meta"
            named = mentions_in(self.near, agent.start(1), clause.end)
            if named and named[0].start - agent.start(1) < 3:
                subject = groups_of(self.text, named)[0]
                if owner_only(self.text, subject[-1].end):
                    subject = []  # "was denied by Coastal's biggest shareholder": not Coastal
            elif PLURAL.match(agent.group(1)):
                subject = pair_before(self.near, hit.start) or self.pair or subject
            matter = _AUXILIARY.sub("", self.text[clause.start : hit.start].split(",")[0]).strip()
            matter = " ".join(matter.split()[-6:])
        if not subject:
            self.found.badges.append((kind, hit.text))
            return
        if not agent:
            matter = matter_of(self.text, hit.end, clause.end, kind)
        named = self.named_regulators or list(self.regulators)
        for speaker in [self._spoken_for(named_regulator(m, named)) for m in subject]:  # "the authority confirmed"
            keeps = bool(matter) and kind is not Kind.CONFIRMED  # a confirmation is of the news beside it
            pending.append((Statement(speaker.name, kind, matter, hit.text, self.where), keeps))

    def _spoken_for(self, speaker: Mention) -> Mention:
        """ "Ann Lee, a spokeswoman for Acme, declined": Acme speaks."""
        role = _SPOKES.match(self.text, speaker.end) if speaker.person else None
        if role is None:
            return speaker
        return next((m for m in self.near if m.start == role.end() and not m.person), speaker)

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
        elif len(objects) >= 2 and kind in MUTUAL and _BETWEEN.search(text, hit.start, objects[0].start):
            a_side, b_side = objects[:1], objects[1:]  # "the judge approved the settlement between A and B"
        elif b_side and not a_side and kind in MUTUAL:
            # "The discussions have not produced a deal with Meta"
            a_side = counterpart(text, self.near, self.sentence, self.principal, span, b_side, anywhere=True)
        elif a_side and not b_side and (kind in MUTUAL or kind is Kind.LEGAL_ACTION):
            pointed = ANAPHOR.search(text, hit.end, self.clause.end)  # "talking to the start-up"
            if pointed and _SAYS.match(text, pointed.end()):
                pointed = None  # "..., the club said": a speaker, not the other side
            if len(a_side) >= 2 and kind in MUTUAL and not pointed:
                a_side, b_side = a_side[:1], a_side[1:]  # "Meta and Character.AI have not reached an agreement"
            elif _DELIBERATE.search(hit.text) and not pointed:
                return  # "its board was considering the proposal": weighing it alone, no talks with anyone
            else:
                b_side = counterpart(text, self.near, self.sentence, self.principal, span, a_side)
        if kind in MUTUAL and not re.search(r"settl|pay", hit.text, re.IGNORECASE):  # paying a regulator is a deal
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
        elif kind is Kind.PERSONNEL and _SUCCEEDED.search(hit.text):  # "... was replaced by Acme's founder, Ann Lee"
            a_side = [m for m in after if m.person][:1]
            moved = [r.b for r in (*self.found.relations, *relations) if r.kind is Kind.PERSONNEL]
            if moved:  # "Acme named X chief executive ... He replaces Y": Y leaves Acme
                b_side = [Mention(hit.start, hit.start, moved[-1], known=True)]
            else:
                b_side = company_before(self.near, hit.start, self.principal)
        elif kind is Kind.PERSONNEL:
            a_side, b_side = person_first(a_side, b_side)
            if _LEFT.match(hit.text) and ANAPHOR.match(text, hit.end + 1):  # "left the company to join X": both moves
                b_side = company_before(self.near, hit.start, self.principal) + [m for m in b_side if not m.person]
            pointed = ANAPHOR.search(text, hit.end, hit.end + 20) or ANAPHOR.search(
                hit.text
            )  # "will run the company as"
            if a_side and not b_side and (pointed or _DEPARTS.search(hit.text)):
                b_side = company_before(self.near, hit.start, self.principal)  # "left the company", "will step down"
            if not any(m.person for m in a_side):
                return  # "hires a start-up's founders": no one named, no move to record
        if kind is Kind.AGREEMENT_REACHED and _TAKES_OVER.match(hit.text) and a_side and all(m.person for m in a_side):
            return  # "Holm takes over a company still recovering": a new job, not a takeover
        pairs = [(a, b) for a in a_side for b in b_side if a.name != b.name]
        if not pairs:
            self.found.badges.append((kind, phrase.strip()))
            return
        role = ""
        if kind is Kind.PERSONNEL:
            m = _AS_ROLE.match(text, hit.end, min(len(text), hit.end + 160))  # "appointed X, who ..., as its CEO"
            m = m or _ROLE.search(text, max(0, hit.start - 60), min(len(text), hit.end + 80))
            role = m.group("role").lower() if m else ""
        self.pair[:] = list(pairs[0])
        for a, b in pairs:
            relation = Relation(a.name, b.name, kind, " ".join(phrase.split()), self.where, role)
            if all((r.a, r.b, r.kind) != (a.name, b.name, kind) for r in relations):
                relations.append(relation)

    def _cleared(self, hit: ph.Hit, clause: Span, masks: list[tuple[int, int]], relations: list[Relation]) -> bool:
        """The regulator named after a passive clearance examines the companies of the deal before it."""
        sides = [m for m in mentions_in(self.near, clause.start, hit.start, masks) if m.proper and not m.regulator]
        regulators = [m for m in mentions_in(self.near, hit.end, clause.end) if m.regulator][:1]
        if not sides or not regulators:
            return False
        for side in dict.fromkeys(m.name for m in sides):
            relations.append(Relation(regulators[0].name, side, Kind.REGULATORY_SCRUTINY, hit.text, self.where))
        return True

    def _named_matter(self, statement: Statement, relations: list[Relation]) -> Statement:
        """ "declined to comment on the talks": the talks this item reports between the speaker and another."""
        concept = concept_of(statement.about)
        for r in (*relations, *self.found.relations):
            if concept and statement.speaker in (r.a, r.b) and kind_concept(r.kind.value) == concept:
                return replace(statement, about=f"{r.kind.value} {r.a}–{r.b}")
        return statement

    def _own_news(self, speaker: str) -> list[Relation]:
        """The field's relations the speaker is a side of (a bystander's silence is on nothing in particular)."""
        return [r for r in self.found.relations if speaker in (r.a, r.b)]

    def _head_anaphor(self, start: int, hit: ph.Hit) -> list[Mention]:
        """ "the council", "the service", "the fund" just before a statement verb: the organisation
        named last whose name ends in that word ("Kelmouth City Council")."""
        if not hit.verbal or hit.kind not in ph.SPEAKING:
            return []
        head = _HEAD.search(self.text, start, hit.start)
        if head is None:
            return []
        noun = head.group(1).lower()
        return [
            m
            for m in self.near
            if m.start < head.start() and not m.person and m.proper and m.name.split()[-1].lower() == noun
        ][-1:]

    def _labour_story(self) -> bool:
        """A story about a strike, or one of whose own parties is a union or a staff body: its pay talks are its news."""
        return self.labour or any(cues.LABOUR_PARTY.search(name) for name in self.principal)
