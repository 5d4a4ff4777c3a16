"""Relations and statements of one field, clause by clause.

As in PETRARCH, the actors of a phrase are the names around its verb in
the same clause: the subject group before it (nearest, "Meta and xAI"; a
possessive "Google's deal" first; relative clauses skipped), the object
group after it ("with Character.AI"), an agent after "by"/"from" for
passives. Cues before a phrase turn it: negated agreement is no
agreement, a possible one is talks, "no longer in talks" is talks ended.
A refusal to comment, no response or denial takes the phrases after it as
its matter, not as news ("declined to comment on the inquiry").

A name that only owns the subject ("Coastal's biggest shareholder said",
"an analyst at X said") is not the subject (:mod:`.roles`); the cues that
turn a phrase are in :mod:`.cues` (labour talks, remedies among them) and
the sides of each phrase are decided in :mod:`.relate`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from tracker.domain.reading import cues
from tracker.domain.reading import phrases as ph
from tracker.domain.reading.clauses import (
    COMPANY_NOUNS,
    RELATIVE,
    Span,
    clauses,
    company_before,
    groups_of,
    mentions_in,
    pair_before,
    sentences,
)
from tracker.domain.reading.model import Relation, Statement
from tracker.domain.reading.names import Mention
from tracker.domain.reading.relate import CLEARED, MUTUAL, PLURAL, Found, Sides
from tracker.domain.reading.roles import speaks_for_itself
from tracker.domain.vocabulary import Kind

_POSSESSIVE = re.compile(r"^[’']s?\s+(?:\S+\s+){0,2}$")
_PRONOUN = re.compile(
    rf"(?=[itbhs])\b(?:it|they|both|the (?:{COMPANY_NOUNS}|companies|firms|airlines|carriers|banks|two)|he|she)\b", re.I
)
_SPEAKING = ph.SPEAKING
_SCOPING = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE, Kind.DENIED})
_SILENT = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE})
_DEALS = frozenset({Kind.AGREEMENT_REACHED, Kind.TALKS_HELD})
_COMPANY = re.compile(rf"the (?:{COMPANY_NOUNS})$", re.IGNORECASE)
_BOTH = re.compile(rf"the (?:{COMPANY_NOUNS}) and the (?:{COMPANY_NOUNS})\b", re.IGNORECASE)
#: A non-restrictive relative clause ("Acme, which last week dropped its bid, hired ...") tells what came before.
_ASIDE_CLAUSE = re.compile(r",\s*(?:which|who|whose)\b[^,;]*(?:,|$)", re.IGNORECASE)
#: Words that date a clause before the news ("had been negotiating since May", "settled ... last month").
_EARLIER = re.compile(
    r"(?=[lehs])\b(?:last (?:week|month|year)|earlier this (?:week|month|year)|had been|since (?:January|February|March"
    r"|April|May|June|July|August|September|October|November|December|(?:19|20)\d\d)\b)",
    re.IGNORECASE,
)
#: What a party is accused of is the matter of the claim, not news ("alleging the club negotiated with ...").
_OFFER = re.compile(r"(?:offer|bid|proposal|approach)$", re.IGNORECASE)
_CLAUSE_CUT = re.compile(r"[;,]\s*|\s+(?:and|but|while|although|after|before)\s+", re.IGNORECASE)
#: A second predicate joined by "and" ("ends talks and sticks with Aldmere"): its object is not the first's.
_COORDINATED = re.compile(r"\s+and\s+(?!the\b|its\b|their\b|his\b|her\b|an?\b)(?-i:[a-z]+)(?:s|ed)\s+(?:with|to|by)\b")
_INFINITIVE = re.compile(r"\s+to\s+$")
_ALLEGING = re.compile(r"(?=a)\b(?:alleg(?:e|es|ed|ing|ation|ations)|accus(?:e|es|ed|ing))\b", re.IGNORECASE)


class FieldReader(Sides):
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
        labour: bool = False,
    ) -> None:
        self.where, self.text, self.mentions, self.hits, self.last = where, text, mentions, hits, last
        self.starts = [m.start for m in mentions]
        self.hit_starts = [h.start for h in hits]
        self.near: list[Mention] = []
        self.pair = pair if pair is not None else []  # the last two parties related, for "both companies"
        self.named_regulators = [m for m in mentions if m.regulator and m.proper]
        self.principal = principal  # the story's own parties named in the item, first seen first
        self.regulators = regulators  # the authorities the item names (for "the regulator")
        self.labour = labour  # the story is about a strike or a union: its pay talks are its news
        self.found = Found()
        self.sentence = self.clause = Span(0, 0)
        self.speaking = self.dated = False  # the sentence holds a statement; words that date a clause

    def read(self, spans: Sequence[Span] | None = None) -> Found:
        """``spans``: the text's sentences, when the caller has them already."""
        for sentence in sentences(self.text) if spans is None else spans:
            self._sentence(sentence)
        return self.found

    def _sentence(self, sentence: Span) -> None:
        self.sentence = sentence
        # only this sentence's phrases, and the names in it and just before it (long bodies stay linear)
        first, last = bisect_left(self.hit_starts, sentence.start), bisect_left(self.hit_starts, sentence.end)
        hits = [h for h in self.hits[first:last] if h.end <= sentence.end]
        self.speaking = any(h.kind in _SPEAKING for h in self.hits[first:last])
        self.dated = _EARLIER.search(self.text, sentence.start, sentence.end) is not None
        first = bisect_left(self.starts, sentence.start - 400)
        self.near = self.mentions[first : bisect_left(self.starts, sentence.end)]
        if not hits:
            return
        told = [(m.start(), m.end()) for m in _ASIDE_CLAUSE.finditer(self.text, sentence.start, sentence.end)]
        alleging = _ALLEGING.search(self.text, sentence.start, sentence.end)
        hits = [h for h in hits if h.kind in _SPEAKING or not self._told(h, told, alleging)]
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
            elif not has_matter and statement.kind in _SILENT and self._own_news(statement.speaker):
                r = self._own_news(statement.speaker)[0]  # "X did not respond to a request for comment": on its news
                statement = replace(statement, about=f"{r.kind.value} {r.a}–{r.b}")
            elif has_matter and statement.kind in _SILENT:
                statement = self._named_matter(statement, relations)
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
        cleared = next((h for h, k in turned if k is Kind.REGULATORY_SCRUTINY and CLEARED.match(h.text)), None)
        if cleared is not None:  # "A's takeover of B was cleared by the watchdog": the deal is what it examined
            turned = [(h, None if h.start < cleared.start and k in _DEALS and not h.verbal else k) for h, k in turned]
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
                plural = (PLURAL.match(back.group(0)) and len(groups[0]) < 2) or _BOTH.match(text, back.start())
                own = (pair_before(self.near, back.start()) if plural else []) or groups[0]
            opening = clause.start if floor == clause.start else hit.start  # "an analyst at X" must open the clause
            blocked = bool(own) and not back and hit.verbal and not speaks_for_itself(text, own, hit.start, opening)
            if blocked:
                own = []  # "Coastal's biggest shareholder said": not Coastal speaking
            pronoun = None if own or blocked else _PRONOUN.search(text, floor, hit.start)
            if pronoun and subject and _INFINITIVE.match(text, pronoun.end(), hit.start):
                pronoun = None  # "left the company to join X": the company is left's object; the subject joins
            if pronoun and _BOTH.match(text, pronoun.start()):  # "the club and the buyer announced"
                own = pair_before(self.near, pronoun.start())
            elif pronoun and _COMPANY.match(pronoun.group(0)):  # the subject the sentence is about, else the last named
                own = [m for m in subject if m.proper and not m.person and not m.regulator][:1]
                own = own or company_before(self.near, pronoun.start(), self.principal)
            elif pronoun and PLURAL.match(pronoun.group(0)):
                own = pair_before(self.near, pronoun.start()) or self.pair or self.last
            elif pronoun and (subject or self.last):
                own = subject or self.last  # "X confirmed that it had made a bid": X, the sentence's subject
            named = self._head_anaphor(own[-1].end if own and not back else floor, hit)
            if named:  # "..., the council confirmed": the council named before, not the name just before
                own, blocked = named, False
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
            if hit is cleared and self._cleared(hit, clause, masks, relations):
                floor = hit.end
                continue
            # the object runs to the next phrase that counts ("agreed to pay ... to settle the lawsuit brought by X")
            examining = kind is Kind.REGULATORY_SCRUTINY and hit.verbal  # and the deal it examines is its object
            limit = next(
                (h.start for h, k in turned[index + 1 :] if k is not None and not (examining and h.kind in _DEALS)),
                clause.end,
            )
            coordinated = _COORDINATED.search(self.text, hit.end, limit) if hit.verbal else None
            limit = (
                coordinated.start() if coordinated else limit
            )  # "ends talks and sticks with X": X is not the other side
            inside = (  # "turns down Acme offer": the offer's owner is the other side
                [m for m in self.near if hit.start < m.start and m.end <= hit.end] if _OFFER.search(hit.text) else []
            )
            after = inside + mentions_in(self.near, hit.end, limit)
            if kind in _SPEAKING:
                self._statement(hit, kind, subject, clause, pending)
                scoped = scoped or kind in _SCOPING
                confirming = kind is Kind.CONFIRMED
            elif confirming and not after and (not own or pronoun):
                pass  # "confirmed it would cooperate with the investigation": the matter, no news of its own
            else:
                examined = examined or examining
                lead = (
                    groups_of(text, mentions_in(self.near, clause.start, hit.start, masks))[:1]
                    if kind in MUTUAL
                    else []
                )
                self._relation(hit, kind, subject, after, relations, lead[0] if lead else [])
            floor = hit.end
        if clause_subject:
            self.last[:] = clause_subject
        return subject

    def _told(self, hit: ph.Hit, asides: list[tuple[int, int]], alleging: re.Match[str] | None) -> bool:
        """A relation told as background: in a relative clause, in a clause dated before the news,
        or what someone is accused of."""
        accused = alleging is not None and alleging.end() <= hit.start and hit.kind is not Kind.LEGAL_ACTION
        if any(s <= hit.start < e for s, e in asides) or accused:  # "accused ... in a lawsuit": the lawsuit is news
            return True
        if self.speaking or not self.dated:
            return False  # "confirms it held talks last year": the matter, kept; nothing dates the sentence
        clause_start = max(
            (m.end() for m in _CLAUSE_CUT.finditer(self.text, self.sentence.start, hit.start)),
            default=self.sentence.start,
        )
        clause_end = next(
            (m.start() for m in _CLAUSE_CUT.finditer(self.text, hit.end, self.sentence.end)), self.sentence.end
        )
        return _EARLIER.search(self.text, clause_start, clause_end) is not None

    def _turn(self, hit: ph.Hit, clause: Span) -> Kind | None:
        kind = cues.turn(hit, self.text, clause.start)
        if (
            kind is not None
            and not self._labour_story()
            and cues.labour(hit, self.text, clause.start, clause.end, self.sentence.start)
        ):
            return None  # pay talks with a union: not the story's deal talks (unless the story tracks a union)
        if kind is Kind.REGULATORY_SCRUTINY and cues.remedy(hit) and not self._sentence_regulators():
            if hit.text.lower().startswith("agree"):
                return Kind.AGREEMENT_REACHED  # "agreed to sell its stake to X": a sale, no remedy
            return kind if cues.offered(hit) else None  # "offered remedies" stays scrutiny; a plan to sell, nothing
        return kind

    def _possessive(self, before: Sequence[Mention], hit: ph.Hit) -> list[Mention]:
        """ "Google's licensing deal": the owner of the phrase is its subject."""
        if not before:
            return []
        between = self.text[before[-1].end : hit.start]
        if _POSSESSIVE.match(between) or (not between and hit.text[:1] in "'’"):
            return [before[-1]]
        return []
