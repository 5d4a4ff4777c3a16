"""Cues around a phrase that turn what it stands for.

The words before a phrase negate it ("has not signed"), make it a
possibility ("could sign", "plans to acquire"), a background ("after the
Google deal", "supports the talks") or a career history ("who joined").
Two readings look at the whole clause: labour negotiations ("pay talks",
"talks with the union on rosters") are not the story's deal talks, and a
promise to sell assets to win a regulator's approval is a remedy, not a
deal.
"""

from __future__ import annotations

import re

from tracker.domain.reading.phrases import SPEAKING, Hit
from tracker.domain.vocabulary import Kind

NEGATIONS = frozenset({"not", "no", "never", "without", "nor", "neither", "nt"})
MODALS = frozenset(
    {"could", "may", "might", "would", "should", "considering", "considers", "consider", "weighing"}
    | {"weighs", "mulling", "plans", "plan", "planning", "planned", "aims", "aim", "seeks", "seeking"}
    | {"sought", "hopes", "hoping", "wants", "want", "proposed", "potential", "possible", "possibly"}
    | {"rumoured", "rumored", "expected", "likely", "intends", "whether", "exploring", "explored"}
    | {"explore", "discussing", "discussed", "talks", "negotiating", "bid", "offer", "eyeing", "pursuing"}
    | {"trying", "attempt", "prospective", "due", "negotiations", "discussions", "deal"}
)
_AFTER_MODAL = re.compile(
    r"^[\s,]*(?:is|are|was|were|remains?)? ?(?:still )?(?:under discussion|being (?:discussed|negotiated))", re.I
)
_CUE_WORD = re.compile(r"[a-z]+")
#: A deal named as background ("after the Google deal", "under the licensing deal") is not the news;
#: nor is one a third party supports, opposes or votes for, or one a regulator must approve.
_BACKGROUND = frozenset(
    {"under", "after", "since", "because", "part", "following", "amid", "before", "asked", "than", "about", "settle"}
    | {"with", "into", "cooperate", "cooperating", "received", "according", "comments", "comment", "how"}
    | {"watching", "watched", "following", "monitoring", "awaiting"}
    | {"supports", "support", "supported", "supporting", "backs", "backing", "welcomes", "welcomed", "welcoming"}
    | {"opposes", "opposed", "opposing", "endorses", "endorsed", "favour", "favor", "vote", "voted", "votes"}
    | {"approval", "clearance"}
)
#: Words that set a relation aside as told before or told of another matter ("is separately investigating").
_ASIDE = frozenset({"separately", "previously", "earlier", "formerly"})
#: A case named with a determiner or an owner ("the lawsuit", "Acme's claim") is one already known: background.
_KNOWN_CASE = re.compile(
    r"(?:\b(?:the|its|their|his|her|this|that)\s+(?:[\w’'.-]+\s+){0,3}|[’']s?\s+(?:[a-z][\w-]*\s+){0,2})$",
    re.IGNORECASE,
)
#: ... and a case being dropped, paused or withdrawn is not news of a case ("will drop its lawsuit").
_ENDING_CASE = frozenset({"drop", "drops", "dropped", "dropping", "withdraw", "withdraws", "withdrew", "pause"})
_ENDING_CASE |= {"paused", "pausing", "suspend", "suspended", "settle", "settled", "end", "ended"}
#: ... unless it was withdrawn already: a step of the case ("has withdrawn its claim against X").
_ENDED_CASE = frozenset({"dropped", "withdrew", "withdrawn"})
#: ... unless something new happens to it ("ten writers joined the lawsuit").
_MOVING_CASE = frozenset({"joined", "joins", "join", "won", "wins", "lost", "loses", "appealed", "appeals"})
_MOVING_CASE |= {"revived", "revives", "refiled", "amended", "amends", "expanded", "expands", "widened", "widens"}
_MOVING_CASE |= {"dismiss", "dismissed", "dismisses", "throw", "threw", "lets", "let", "allowed", "allows", "refused"}
_MOVING_CASE |= {"heard", "hears", "ruled", "rules", "upheld", "upholds", "blocked", "certified", "certifies"}
#: A word before "agreed" that makes it an adjective ("the club's agreed buyer", "an agreed deal").
_ADJECTIVE_BEFORE = re.compile(r"(?:[’']s?|\b(?:the|an?|its|their|our|his|her))\s+$", re.IGNORECASE)
#: A clause of its own after "after" ("after the two agreed", "after they signed"): an event, not background.
_SUBJECT_AFTER = re.compile(r"\b(?:after|since|following)\s+(?:the two(?: sides)?|both sides|they|the pair)\s+$", re.I)
#: "under the terms of its agreement": the deal in force, background.
_TERMS = re.compile(r"\bunder (?:the )?terms of (?:the |its |their |a )?$", re.IGNORECASE)
_NEITHER = re.compile(r"\bneither\b", re.IGNORECASE)
_AIMED = re.compile(r"\s+(?:of|into|over|against)\b", re.IGNORECASE)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+$", re.IGNORECASE)
_PAST = frozenset({"who", "which", "had", "once", "previously", "formerly", "earlier", "former", "used"})
_MUTUAL = frozenset({Kind.TALKS_HELD, Kind.NO_AGREEMENT, Kind.TALKS_ENDED, Kind.AGREEMENT_REACHED})
#: Words that make talks labour negotiations: the word before the phrase ("pay talks", "union negotiations") ...
_LABOUR_BEFORE = frozenset(
    {"pay", "wage", "wages", "salary", "labour", "labor", "union", "unions", "pension", "pensions", "contract"}
    | {"bargaining", "crew", "staff", "workers", "employee", "employees", "strike", "rota", "roster", "rosters"}
)
#: The sides among them: the subject of a predicate ("the union walked away").
_LABOUR_SIDES = frozenset({"union", "unions", "staff", "workers", "employee", "employees", "crew"})
#: ... or what they are about, after the phrase ("talks ... on rosters and pay", "met to discuss wages") ...
_LABOUR_TOPIC = re.compile(
    r"(?=[wsrpobafd])\b(?:wages?|salar(?:y|ies)|rosters?|rotas?|pensions?|overtime|shift patterns|working conditions|bargaining"
    r"|strikes?|walkouts?|(?:on|over|about|and|for|discuss|discussed) pay|pay (?:rises?|increases?|claims?|offers?))\b",
    re.IGNORECASE,
)
#: ... or who sits across the table ("with the union", "The Food Workers Union began talks").
_LABOUR_SIDE = re.compile(
    r"(?=[wuec])(?:\bwith (?:the |its |their )?(?:\w+ )?(?:unions?|staff|workers|employees|crew|management|works council)\b"
    r"|(?<!European )(?<!Credit )\b(?-i:Union)\b(?!\s+(?-i:[A-Z]))|\b(?-i:Workers|Employees|Crew)\b)",
    re.IGNORECASE,
)
#: A party that is a union or a staff body ("United Dockworkers Union", "Pilots' Association").
LABOUR_PARTY = re.compile(
    r"\b(?:unions?|workers|employees|staff|(?:pilots|nurses|teachers|doctors)['’]? association|federation of labou?r)\b",
    re.IGNORECASE,
)
#: A promise or demand to sell assets: a remedy for a regulator, not a deal with it.
REMEDY = re.compile(
    r"\b(?:sell|divest|give up|dispose of|offload|hive off|shed|remed|concession|commitment|undertaking)"
)


def before_words(text: str, start: int, floor: int, count: int = 4) -> list[str]:
    """The ``count`` lower-case words before ``start`` (not before ``floor``); "didn't" gives "didn", "t"."""
    window = text[max(floor, start - 40) : start].lower().replace("n't", " nt").replace("n’t", " nt")
    return _CUE_WORD.findall(window)[-count:]


def negated(cues: list[str]) -> bool:
    return any(w in NEGATIONS for w in cues[-3:]) or cues[-2:] == ["yet", "to"]


def no_longer(cues: list[str]) -> bool:
    return cues[-2:] == ["no", "longer"]


def modal(cues: list[str], text: str, end: int) -> bool:
    """A possibility, plan or proposal rather than a fact ("could sign", "plans to acquire")."""
    return any(w in MODALS for w in cues) or bool(_AFTER_MODAL.match(text[end : end + 40]))


def background(cues: list[str]) -> bool:
    return any(w in _BACKGROUND for w in cues[-3:])


def past(cues: list[str]) -> bool:
    """A career history rather than a move ("who joined", "had worked")."""
    return any(w in _PAST for w in cues[-3:])


def remedy(hit: Hit) -> bool:
    """ "agreed to sell landing slots", "offered remedies": what a company gives up for approval."""
    return hit.kind is Kind.REGULATORY_SCRUTINY and REMEDY.search(hit.text.lower()) is not None


def offered(hit: Hit) -> bool:
    """ "offered remedies", "submitted commitments": scrutiny even where no authority is named."""
    return re.search(r"remed|concession|commitment|undertaking", hit.text.lower()) is not None


def labour(hit: Hit, text: str, start: int, end: int, opening: int | None = None) -> bool:
    """Talks or a deal about pay, rosters or jobs with staff or a union: labour negotiations, not the
    story's deal talks ("cabin crew open pay talks", "the union began talks with the airline on rosters")."""
    if hit.kind not in _MUTUAL:
        return False
    before = before_words(text, hit.start, start, 1)
    if hit.verbal and hit.kind in (Kind.NO_AGREEMENT, Kind.TALKS_ENDED):  # "wage negotiations ... stalled"
        topic = _LABOUR_TOPIC.search(text, start if opening is None else opening, end)  # ``opening``: the sentence's
        return bool(set(before) & _LABOUR_SIDES) or topic is not None
    if any(w in _LABOUR_BEFORE for w in before):
        return True
    return _LABOUR_TOPIC.search(text, hit.end, end) is not None or _LABOUR_SIDE.search(text, start, end) is not None


def turn(hit: Hit, text: str, floor: int) -> Kind | None:
    """The kind a phrase stands for once the words before it are read (None: nothing)."""
    cues = before_words(text, hit.start, floor)
    kind = hit.kind
    if "asked" in cues and kind not in SPEAKING and not remedy(hit):
        return None  # "Asked about the inquiry, Meta declined to comment": a question, not news
    if kind is Kind.NO_RESPONSE and hit.text.lower().startswith(("responded", "replied", "immediately")):
        return (
            kind if _NEITHER.search(text, max(floor, hit.start - 120), hit.start) else None
        )  # "Neither X nor Y responded"
    relational = kind not in SPEAKING and kind not in (Kind.NO_AGREEMENT, Kind.TALKS_ENDED)
    if kind not in SPEAKING and any(w in _ASIDE for w in cues[-3:]):
        return None  # "the agency is separately investigating X": another matter, or told before
    lead = text[max(floor, hit.start - 60) : hit.start]
    aimed = hit.text.lower().endswith(" of") or _AIMED.match(text, hit.end) is not None  # "its examination of X"
    if (kind is Kind.LEGAL_ACTION or (kind is Kind.REGULATORY_SCRUTINY and not aimed)) and not hit.verbal:
        moving = any(w in _MOVING_CASE for w in before_words(text, hit.start, floor, 7))
        moving = moving or (kind is Kind.LEGAL_ACTION and any(w in _ENDED_CASE for w in cues))
        if not moving and (_KNOWN_CASE.search(lead) or any(w in _ENDING_CASE for w in cues)):
            return None  # "calling the lawsuit without merit", "will drop its lawsuit": a case already known
    if kind is Kind.AGREEMENT_REACHED and not hit.verbal and _TERMS.search(lead):
        return None  # "under the terms of its agreement with X": the deal in force, not news
    if kind is Kind.AGREEMENT_REACHED and hit.text.lower() == "agreed" and _ADJECTIVE_BEFORE.search(lead):
        return None  # "the club's agreed buyer": an adjective
    if kind is Kind.CONFIRMED and _PASSIVE_BEFORE.search(lead) and not re.match(r"\s+by\b", text[hit.end :]):
        return None  # "after the recall was announced": a thing announced, no speaker
    if (
        relational
        and (kind is Kind.AGREEMENT_REACHED or not hit.verbal)
        and background(cues)
        and not _SUBJECT_AFTER.search(lead)
    ):
        return None  # "after the Google deal", "cooperate with the investigation": background
    if kind is Kind.AGREEMENT_REACHED:
        if negated(cues) or no_longer(cues):
            return Kind.NO_AGREEMENT if hit.verbal else None
        return Kind.TALKS_HELD if modal(cues, text, hit.end) else kind
    if kind is Kind.TALKS_HELD:
        if no_longer(cues):
            return Kind.TALKS_ENDED
        return None if negated(cues) else kind
    if kind is Kind.PERSONNEL:
        return None if negated(cues) or past(cues) or modal(cues, text, hit.end) else kind
    if kind is Kind.REGULATORY_SCRUTINY and hit.text.lower().startswith("clos"):
        return kind  # "has not closed its investigation" (it goes on); "closed its investigation" (a stage too)
    if kind in (Kind.CONFIRMED, Kind.DENIED, Kind.LEGAL_ACTION, Kind.REGULATORY_SCRUTINY):
        return None if negated(cues) else kind
    return kind
