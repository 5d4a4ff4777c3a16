"""Proper-name spans: organisations and people, known parties and regulators.

PETRARCH reads actors from dictionaries; a newsroom story knows only a few
parties, so a name is found three ways: a known party's alias (the story's
context, matched as words: "Character AI" = "Character.AI" = "CharacterAI",
capital letter as written so "meta-analysis" is not Meta), a regulator
("the FTC", "regulators"), or a discovered capitalised span ("Acme Corp",
"Noam Shazeer", "xAI"), cut at titles, outlets, days and places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from tracker.domain.reading.authorities import GENERIC, REGULATOR_GATE, REGULATOR_NAMES, REGULATORS, regulator_like
from tracker.domain.rules import words

ORG_SUFFIXES = frozenset(
    {"inc", "corp", "corporation", "ltd", "llc", "plc", "ag", "gmbh", "sa", "nv", "group", "holdings", "labs"}
    | {"technologies", "company", "co", "partners", "ventures", "capital", "systems", "networks", "ai", "guild"}
    | {"house", "cloud", "semiconductor", "semiconductors", "data", "compute", "computing", "media", "studios"}
    | {"books", "press", "publishing", "publishers", "foundation", "institute", "association", "society", "fund"}
    | {"software", "robotics", "energy", "pharma", "therapeutics", "health", "markets", "office", "authority"}
    | {"commission", "agency", "department", "ministry", "bureau", "university", "college", "records", "games"}
    | {"platforms", "brain", "deepmind", "research", "international", "global", "industries", "motors", "bank"}
    | {"air", "airways", "airlines", "aviation", "rail", "railways", "shipping", "logistics", "telecom", "mobile"}
    | {"communications", "pharmaceuticals", "foods", "brands", "services", "solutions", "enterprises", "resources"}
    | {"investments", "electronics", "entertainment", "chemicals", "steel", "petroleum", "insurance", "bancorp"}
    | {"freight", "cargo", "express", "transport", "ports", "farms", "bakeries", "brewers", "mills", "stores"}
    | {"fc", "rovers", "united", "athletic", "albion", "wanderers", "rangers", "hotspur"}  # football clubs
)
#: Words that say a same-named organisation is in another line of business (or is a place).
SECTOR_WORDS = frozenset(
    {"bank", "banking", "financial", "finance", "insurance", "brewery", "brewing", "football", "club", "fc", "town"}
    | {"village", "county", "council", "hotel", "restaurant", "church", "school", "farm", "pharmacy", "realty"}
    | {"motors", "construction", "airlines", "credit", "union", "bakery", "dental", "clinic", "mining", "oil"}
    | {"municipality", "parish", "province", "district", "river", "lake", "mountain", "vineyard", "winery"}
    | {"hotels", "hotel", "sports", "bistro", "cafe", "pub", "books", "bookshop", "airport", "stadium", "hospital"}
)
#: Hyphenated ordinary words that begin like a party's name ("Meta-analysis").
_COMPOUNDS = re.compile(r"-(?:analys[ie]s|data|physics|morphosis|stasis|bolic|bolism)\b", re.IGNORECASE)
_STOP = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "in", "on", "at", "by", "for", "to", "of", "and", "or", "but"}
    | {"as", "if", "it", "its", "he", "she", "they", "we", "i", "his", "her", "their", "our", "after", "before"}
    | {"meanwhile", "however", "also", "both", "several", "some", "many", "most", "people", "sources", "talks"}
    | {"shares", "no", "not", "yes", "new", "former", "backdrop", "background", "update", "exclusive", "analysis"}
    | {"breaking", "report", "reports", "opinion", "why", "what", "how", "when", "where", "who", "which", "there"}
    | {"here", "then", "now", "today", "yesterday", "tomorrow", "last", "next", "earlier", "later", "beyond", "under"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march"}
    | {"april", "may", "june", "july", "august", "september", "october", "november", "december", "sept"}
    | {"us", "u.s", "uk", "u.k", "eu", "america", "american", "europe", "european", "britain", "british", "china"}
    | {"chinese", "india", "japan", "germany", "france", "canada", "california", "london", "paris", "washington"}
    | {"americans", "europeans", "britons", "californians", "americas"}
    | {"portuguese", "belgian", "polish", "norwegian", "danish", "austrian", "brazilian", "mexican", "russian"}
    | {"ukrainian", "turkish", "greek", "welsh", "english", "czech", "hungarian", "finnish", "argentine", "israeli"}
    | {"finnish", "german", "french", "swedish", "dutch", "italian", "spanish", "japanese", "korean", "indian"}
    | {"canadian", "australian", "irish", "scottish", "swiss", "texan", "ohio", "boston", "county", "state"}
    | {"brussels", "beijing", "tokyo", "berlin", "delaware", "texas", "reuters", "bloomberg", "ft", "axios", "cnbc"}
    | {"ap", "afp", "bbc", "cnn", "techcrunch", "wired", "verge", "according", "said", "says", "ceo", "cto"}
    | {"cfo", "coo", "chief", "executive", "officer", "president", "chairman", "chair", "chairwoman", "founder"}
    | {"co-founder", "cofounder", "spokesperson", "spokesman", "spokeswoman", "representative", "analyst", "mr"}
    | {"mrs", "ms", "dr", "prof", "senator", "sen", "judge", "director", "head", "vice", "researcher", "engineer"}
    | {"representatives", "spokespeople", "officials", "executives", "analysts", "investors", "critics", "lawyers"}
    | {"billionaire", "investor", "chatbot", "start-up", "startup", "company", "deal", "agreement", "lawsuit", "it's"}
)
_MULTI_STOP = frozenset(
    {"financial times", "new york times", "wall street journal", "the information", "associated press"}
    | {"bloomberg news", "united states", "united kingdom", "new york", "san francisco", "silicon valley"}
    | {"hong kong", "the verge", "business insider", "washington post", "los angeles", "palo alto"}
)
_ALONE = frozenset({"ai", "llm", "gpu", "ipo", "tv", "api", "i", "co"})
_OF_HEADS = frozenset(
    {
        "bank",
        "department",
        "university",
        "ministry",
        "office",
        "institute",
        "board",
        "commission",
        "authority",
        "bureau",
        "court",
    }
)
_WORD = r"(?:[A-Z][A-Za-z0-9&]*(?:\.[A-Z][A-Za-z]*)?(?:-[A-Z][A-Za-z0-9]*)*|[a-z]{1,2}[A-Z][A-Za-z0-9]*)"
_SPAN = re.compile(rf"(?<![\w.]){_WORD}(?:(?:[ \t]+|[ \t]+&[ \t]+|[ \t]+(?:of|for|and)[ \t]+){_WORD})*(?![\w])")
#: The last word of an institution's name that may hold an "and" ("Markets and Competition Commission").
_AND_HEADS = frozenset(
    {"commission", "authority", "service", "board", "office", "agency", "bureau", "council", "department"}
    | {"ministry", "tribunal", "institute", "association", "society", "foundation"}
)
#: Words of a place that may stand inside an organisation's name ("Harwell County Pension Fund").
_INNER_PLACE = frozenset({"county"})
#: The last word of a venue: a court hears a case, it is not a party to it.
_VENUES = frozenset({"court", "courts"})
_DISTINCT = re.compile(r"[a-z][A-Z]|[A-Za-z]\.[A-Z]|^[A-Z]{2,}$")
_PERSON = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?: [A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){1,2}$")
_COMPOUND = re.compile(r"[ \t]+(?:tie-up|deal|partnership|merger|pact|alliance|talks|agreement)\b", re.IGNORECASE)
_ACTS = re.compile(
    r"[ \t]+(?:said|says|has|have|had|is|was|will|would|could|can|cannot|may|might|must|did|does|do|and|also"
    r"|ceo|chief|president|founder|co-founder"
    r"|spokesperson|[a-z]+(?:ed|s))\b|[’']s\b",
    re.IGNORECASE,
)
_MULTI_STOP_RE = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, _MULTI_STOP), key=len, reverse=True)) + r")\b", re.I
)
_TITLE_WORD = re.compile(r"\b[A-Za-z][a-z]{3,}\b")


@dataclass(frozen=True)
class Mention:
    """A name at [start, end) of a field: ``name`` canonical (known) or as found."""

    start: int
    end: int
    name: str
    known: bool = False
    person: bool = False
    regulator: bool = False
    proper: bool = True  # False for "regulators": an actor, not a name to suggest
    initial: bool = False  # a lone capitalised word opening a sentence: a name only if it acts


@dataclass(frozen=True)
class Aliases:
    """A context's aliases compiled once: one regex, and key -> canonical."""

    regex: re.Pattern[str] | None
    loose: re.Pattern[str] | None  # the same, any case: finds "meta" in "meta-analysis"
    canonical: dict[str, str]
    persons: frozenset[str]


def _alias_pattern(alias: str) -> str:
    parts = words(alias)
    if not parts:
        return ""
    body = r"[\s.\-]?".join(re.escape(p) for p in parts)
    head = alias.strip()[:1]
    if head.isupper() and parts[0][:1] == head.lower():
        body = f"{re.escape(head)}(?i:{body[1:]})"
    else:
        body = f"(?i:{body})"
    return body


@lru_cache(maxsize=256)
def _compile_aliases(parties: tuple[tuple[str, tuple[str, ...]], ...]) -> Aliases:
    canonical: dict[str, str] = {}
    patterns: list[str] = []
    persons = set()
    for name, aliases in parties:
        if _PERSON.match(name) and not _org_like(name) and not _first_word_alias(name, aliases):
            persons.add(name)
        for alias in (name, *aliases):
            key = "".join(words(alias))
            if key and key not in canonical:
                canonical[key] = name
                patterns.append(_alias_pattern(alias))
    patterns = sorted({p for p in patterns if p}, key=len, reverse=True)
    if not patterns:
        return Aliases(None, None, canonical, frozenset())
    body = "|".join(patterns)
    regex = re.compile(rf"(?<![\w])(?:{body})(?![\w])")
    loose = re.compile(rf"(?<![\w])(?:{body})", re.IGNORECASE)
    return Aliases(regex, loose, canonical, frozenset(persons))


def _first_word_alias(name: str, aliases: tuple[str, ...]) -> bool:
    """ "Skyreach" for "Skyreach Airways": an organisation goes by its first word, a person by the last."""
    first = name.split()[0].lower()
    return any(a.strip().lower() == first for a in aliases)


@lru_cache(maxsize=8192)
def _word_key(spelling: str) -> str:
    return "".join(words(spelling))


def aliases_of(parties: Mapping[str, tuple[str, ...]]) -> Aliases:
    """The compiled aliases of a context (cached by content: contexts repeat every poll)."""
    return _compile_aliases(tuple((n, (a,) if isinstance(a, str) else tuple(a)) for n, a in parties.items()))


def _org_like(text: str) -> bool:
    lowered = [w.lower().strip(".") for w in text.split()]
    return bool(lowered) and (lowered[-1] in ORG_SUFFIXES or any(w in SECTOR_WORDS for w in lowered))


def distinct(name: str) -> bool:
    """A name that cannot be an ordinary word or a place: inner capitals, dots, all capitals, a company suffix."""
    return bool(_DISTINCT.search(name)) or _org_like(name)


def person_name(name: str) -> bool:
    """ "Agnieszka Holm": two or three capitalised words, no company word."""
    return bool(_PERSON.match(name)) and not distinct(name)


def title_cased(title: str) -> bool:
    """A headline in Title Case: its capitals say nothing about names."""
    long_words = _TITLE_WORD.findall(title)
    return len(long_words) >= 4 and all(w[0].isupper() for w in long_words)


def known_mentions(text: str, aliases: Aliases) -> list[Mention]:
    if aliases.regex is None:
        return []
    found = []
    for m in aliases.regex.finditer(text):
        if _COMPOUNDS.match(text, m.end()):
            continue  # "Meta-analysis" is a kind of study (left to the namesake check)
        name = aliases.canonical.get(_word_key(m.group(0)), m.group(0))
        found.append(
            Mention(
                m.start(), m.end(), name, known=True, person=name in aliases.persons, regulator=regulator_like(name)
            )
        )
    return found


def regulator_mentions(text: str) -> list[Mention]:
    found: list[Mention] = []
    if not REGULATOR_GATE.search(text.lower()):
        return found
    for m in REGULATORS.finditer(text):
        name = m.group(0)
        proper = not GENERIC.search(name)
        name = _tidy(name) if proper else name.lower()
        name = REGULATOR_NAMES.get(name.lower(), name)
        found.append(Mention(m.start(), m.end(), name, regulator=True, proper=proper))
    return found


def _tidy(name: str) -> str:
    return " ".join(name.split())


def discovered_mentions(text: str, sentence_starts: frozenset[int], distinct_only: bool = False) -> list[Mention]:
    """Capitalised spans that look like names, cut at stop words and titles."""
    found: list[Mention] = []
    blanks = [(m.start(), m.end()) for m in _MULTI_STOP_RE.finditer(text)] if _may_hold_outlets(text) else []
    for m in _SPAN.finditer(text):
        pieces = _pieces(text, m.start(), m.end(), blanks)
        if pieces and "-" in text[pieces[-1][0] : pieces[-1][1]] and _COMPOUND.match(text, pieces[-1][1]):
            start, end = pieces.pop()  # "the Microsoft-OpenAI tie-up": two parties, one hyphen
            cut = text.index("-", start, end)
            pieces += [(start, cut), (cut + 1, end)]
        for start, end in pieces:
            piece = text[start:end]
            skip, distinct, person, regulator, name = _piece(piece)
            if skip or (distinct_only and not distinct):
                continue
            initial = (
                " " not in piece
                and not distinct
                and _at_start(text, start, sentence_starts)
                and not _ACTS.match(text, end)  # "Google hired", "Alphabet CEO Sundar Pichai"
            )
            found.append(Mention(start, end, name, person=person, initial=initial, regulator=regulator))
    return found


@lru_cache(maxsize=16384)
def _piece(piece: str) -> tuple[bool, bool, bool, bool, str]:
    """What a piece of a name span is, by its text alone (names recur across items and polls):
    not a name, distinct, a person, a regulator, and its tidy spelling."""
    lowered = piece.lower()
    skip = lowered in _MULTI_STOP or lowered in _STOP or lowered in _ALONE or _venue(lowered)
    distinct = bool(_DISTINCT.search(piece)) or _org_like(piece)
    return skip, distinct, bool(_PERSON.match(piece)) and not distinct, regulator_like(piece), _tidy(piece)


_TOKEN = re.compile(r"\S+")
_BLANK = re.compile(r"\s")


def _may_hold_outlets(text: str) -> bool:
    """Whether an outlet's or a place's two-word name may be in ``text`` (a case-blind match beyond ASCII: assume so)."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return any(name in lowered for name in _MULTI_STOP)


def _venue(lowered: str) -> bool:
    """ "High Court", "Court of Appeal": where a case is heard."""
    words = lowered.split()
    return words[-1] in _VENUES or (len(words) > 2 and words[0] in _VENUES and words[1] == "of")


def _at_start(text: str, start: int, sentence_starts: frozenset[int]) -> bool:
    while start not in sentence_starts and start > 0 and text[start - 1] in "\"'“‘(":
        start -= 1
    return start in sentence_starts


def _pieces(text: str, start: int, end: int, blanks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The span split at stop words ("The", "CEO", "Monday"), each piece trimmed."""
    pieces: list[tuple[int, int]] = []
    begin: int | None = None
    last_end = start
    if not _BLANK.search(text, start, end):  # one word, as most spans are
        token = text[start:end].lower()
        held = token in _STOP or token == "&" or any(s <= start < e for s, e in blanks)
        return [] if held else [(start, end)]
    institution = text[start:end].split()[-1].lower() in _AND_HEADS
    for w in _TOKEN.finditer(text, start, end):
        ws, we = w.start(), w.end()
        token = w.group(0).lower()
        if begin is not None and we < end and (token in _INNER_PLACE or (token == "and" and institution)):
            last_end = we
            continue  # "Harwell County Pension Fund", "Arbitration and Conciliation Service": one name
        if token in _STOP or token == "&" or any(s <= ws < e for s, e in blanks):
            if token in ("of", "for") and begin is not None and text[begin:last_end].split()[-1].lower() in _OF_HEADS:
                continue
            if begin is not None:
                pieces.append((begin, last_end))
            begin = None
            continue
        if begin is None:
            begin = ws
        last_end = we
    if begin is not None:
        pieces.append((begin, last_end))
    return pieces


def merge(known: list[Mention], regulators: list[Mention], discovered: list[Mention]) -> list[Mention]:
    """One mention per place: known parties first, then regulators, then discovered
    names (a discovered span holding a known alias, like "Meta Financial Group",
    is left to the namesake check and kept whole)."""
    kept: list[Mention] = []
    taken = bytearray(max((m.end for m in (*known, *regulators, *discovered)), default=0))
    for group in (known, regulators, discovered):
        for mention in group:
            if not any(taken[mention.start : mention.end]):
                kept.append(mention)
                taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    kept.sort(key=lambda m: m.start)
    return kept
