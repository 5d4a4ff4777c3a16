"""The reading of a news report: :func:`read` (pure, deterministic, no I/O).

Two passes over the fields (title, summary, content): first the names of
each field, so a namesake is known before anyone is made an actor; then
phrases, clause by clause, into relations and statements (see
:mod:`.extract`). The result says which phrase decided every item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tracker.domain.reading import names as nm
from tracker.domain.reading import relevance as rv
from tracker.domain.reading.clauses import Span, sentences
from tracker.domain.reading.derived import Derived, derived, key
from tracker.domain.reading.extract import FieldReader
from tracker.domain.reading.model import Reading, Relation, Relevance, Statement, StoryContext
from tracker.domain.reading.phrases import find_hits
from tracker.domain.rules import Text
from tracker.domain.vocabulary import Kind

READER = "reader/3"
_EMPTY = StoryContext()
_EXPLAINER = re.compile(r"^\s*(?:explainer|explained|guide|faq|q&a|analysis|opinion)\s*[:|–-]", re.IGNORECASE)


@dataclass
class _Field:
    where: str
    text: str
    known: list[nm.Mention]
    regulators: list[nm.Mention]
    discovered: list[nm.Mention]
    sentences: list[Span]


def _inside(short: nm.Mention, long: nm.Mention) -> bool:
    return long.start <= short.start and short.end <= long.end and long.end - long.start > short.end - short.start


_key = key  # the same cache as the derived sets


_MUTUAL = frozenset({Kind.TALKS_HELD, Kind.NO_AGREEMENT, Kind.TALKS_ENDED, Kind.AGREEMENT_REACHED})


def _pair(r: Relation) -> tuple[str, str, Kind]:
    """Talks and deals are mutual (Meta–Character.AI is Character.AI–Meta); the rest have a direction."""
    if r.kind in _MUTUAL:
        return min(r.a, r.b), max(r.a, r.b), r.kind
    return r.a, r.b, r.kind


def _same_names(discovered: list[nm.Mention], known: list[str], organisations: Iterable[str] = ()) -> dict[str, str]:
    """One spelling per organisation or person in an item: "Meta Platforms" is the
    "Meta" of the headline, "Shazeer" the "Noam Shazeer" named before, "Guild"
    the "Novelists Guild"."""
    singles = {d.name for d in discovered if " " not in d.name and not d.initial}
    by_last: dict[str, str] = {}
    for full in [d.name for d in discovered if " " in d.name] + [k for k in known if " " in k]:
        by_last.setdefault(full.split()[-1], full)
    by_first: dict[str, set[str]] = {}
    for org in organisations:
        by_first.setdefault(org.split()[0], set()).add(org)
    same: dict[str, str] = {}
    for d in discovered:
        head = d.name.split()[0]
        if " " in d.name and not d.person and head in singles:
            same[d.name] = head
        elif " " not in d.name and d.name in by_last:
            same[d.name] = by_last[d.name]
        elif " " not in d.name and len(by_first.get(d.name, ())) == 1:
            same[d.name] = next(iter(by_first[d.name]))  # "Kelmouth" for the "Kelmouth City Council" named here
    return same


def _same_as(mention: nm.Mention, name: str) -> nm.Mention:
    """The mention under the item's fuller spelling; "Holm" for "Agnieszka Holm" is a person too."""
    person = mention.person or (name.split()[-1] == mention.name and nm.person_name(name))
    return replace(mention, name=name, person=person)


_PRODUCT = re.compile(
    r"\s+(?:SUVs?|cars?|vehicles?|sport-utility vehicles?|models?|saloons?|sedans?|pickups?|trucks?|vans?|hatchbacks?"
    r"|phones?|smartphones?|handsets?|laptops?|tablets?|consoles?|headsets?|chips?|drugs?|vaccines?|tablets?)\b"
)


#: A lone name before a place's noun or after a stoppage "at" it is a place ("Saltbridge container port",
#: "the strike at Saltbridge", "Saltbridge dock strike", "Saltbridge talks").
_PLACE_AFTER = re.compile(
    r"\s+(?:(?:container |dock |cargo )?(?:port|ports|docks?|harbour|harbor|airport|terminals?|plant|factory|refinery"
    r"|mine|site|city|town|region)\b|(?:dock |port |pay )?(?:strike|walkout|stoppage|dispute|talks)\b)"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:(?:strikes?|walkouts?|stoppages?|disputes?|port|docks?|plant|factory|site|court) (?:at|in)|(?:port|city|town) of) $",
    re.IGNORECASE,
)
#: A name after a product's noun is the product ("the diabetes drug Lorvex", "its chatbot Kestrel").
_PRODUCT_BEFORE = re.compile(
    r"\b(?:drugs?|medicines?|treatments?|pills?|vaccines?|brands?|products?|apps?|chatbots?|games?|films?)\s+$"
)


def _place(text: str, mention: nm.Mention) -> bool:
    if " " in mention.name or mention.person or mention.known or nm.distinct(mention.name):
        return False
    return bool(
        _PLACE_AFTER.match(text, mention.end)
        or _PLACE_BEFORE.search(text, max(0, mention.start - 30), mention.start)
        or _PRODUCT_BEFORE.search(text, max(0, mention.start - 30), mention.start)
    )


def _products(fields: list[_Field], topic: frozenset[str]) -> set[str]:
    """Names that are things, not actors: a name before a product noun anywhere in the item
    ("Kestrel SUVs"), or one the story tracks as a topic word but not as a party (its model,
    its place); never a person."""
    found: set[str] = set()
    for f in fields:
        for d in f.discovered:
            if not d.person and (_key(d.name) in topic or _PRODUCT.match(f.text, d.end) or _place(f.text, d)):
                found.add(d.name)
    return found


def _rivals_to_target(relations: list[Relation], context: StoryContext, named: set[str]) -> list[Relation]:
    """Two suitors of the story's target are not in talks or a deal with each other: a deal
    relation between two of the story's parties, neither its anchor, is the object's with
    the anchor the item names ("it will continue talks with the Acme consortium")."""
    anchors = [a for a in context.anchors if a in named]
    if not anchors:
        return relations
    principal = context.principal
    out: list[Relation] = []
    for r in relations:
        rivals = r.a in principal and r.b in principal and not {r.a, r.b} & context.anchors
        if rivals and r.kind in _MUTUAL:
            r = replace(r, a=anchors[0])
        if all(_pair(r) != _pair(o) for o in out):
            out.append(r)
    return out


def _all_text(fields: list[_Field], whole: list[Text]) -> Text:
    if not whole:
        whole.append(Text(" ".join(f.text for f in fields)))
    return whole[0]


def read(title: str, summary: str = "", content: str = "", context: StoryContext = _EMPTY) -> Reading:
    """Relations, statements, names, namesake and relevance of one report for a story."""
    aliases = nm.aliases_of(context.parties)
    fields: list[_Field] = []
    namesakes: dict[str, str] = {}
    for where, text in (("title", title), ("summary", summary), ("content", content)):
        if not text or not text.strip():
            continue
        spans = sentences(text)
        starts = frozenset(s.start for s in spans)
        known = nm.known_mentions(text, aliases)
        discovered = nm.discovered_mentions(text, starts, distinct_only=where == "title" and nm.title_cased(text))
        for start, (longer, sector) in rv.longer_namesakes(known, discovered).items():
            mention = next(k for k in known if k.start == start)
            namesakes.setdefault(
                mention.name, f"'{text[mention.start : mention.end]}' here is {longer.name} ({sector}), not the party"
            )
        holders = [m for m in (*known, *discovered) if m.regulator or m.known]
        regulators = [  # "Competition Commission" inside "Markets and Competition Commission" is not another one
            r for r in nm.regulator_mentions(text) if not any(_inside(r, m) for m in holders)
        ]
        fields.append(_Field(where, text, known, regulators, discovered, spans))
    own = derived(context, aliases)
    products = _products(fields, own.topic)
    for f in fields:
        f.discovered = [d for d in f.discovered if d.name not in products]
    strict = {k.name for f in fields for k in f.known if k.name not in namesakes}
    for f in fields:
        for name, word in rv.ordinary_word_namesakes(f.text, aliases, f.known).items():
            if name not in strict:
                namesakes.setdefault(name, f"'{word}' here is an ordinary word, not the party {name}")
    whole: list[Text] = []  # all the fields' words, built when first asked for
    if strict and rv.lacks_topic(_all_text(fields, whole), context, strict):
        for f in fields:
            for k in f.known:
                sector = rv.sector_near(f.text, k)
                if sector and k.name not in namesakes:
                    namesakes[k.name] = f"'{f.text[k.start : k.end]}' here seems to be a {sector}, not the party"
    return _assemble(fields, namesakes, context, aliases, own, whole)


def _assemble(
    fields: list[_Field],
    namesakes: dict[str, str],
    context: StoryContext,
    aliases: nm.Aliases,
    own: Derived,
    whole: list[Text],
) -> Reading:
    relations: list[Relation] = []
    statements: list[Statement] = []
    badges: list[tuple[Kind, str, str]] = []
    seen_pairs: set[tuple[str, str, Kind]] = set()
    seen_said: set[tuple[str, Kind]] = set()
    last: list[nm.Mention] = []
    pair: list[nm.Mention] = []
    known_seen: dict[str, str] = {}
    people: set[str] = set()
    others: set[str] = set()  # organisations named: their statements count where the story's topic is
    name_seen: dict[str, tuple[str, str, bool]] = {}
    known_keys = aliases.canonical  # every alias's key
    dismissed = own.dismissed
    principal = own.principal
    named = list(
        dict.fromkeys(k.name for f in fields for k in f.known if k.name in principal and k.name not in namesakes)
    )
    same = _same_names(
        [d for f in fields for d in f.discovered],
        [k.name for f in fields for k in f.known],
        {k.name for f in fields for k in f.known if not k.person and " " in k.name and k.name not in namesakes},
    )
    regulators = [m for f in fields for m in (*f.regulators, *f.known, *f.discovered) if m.regulator and m.proper]
    explainer = bool(fields) and fields[0].where == "title" and _EXPLAINER.match(fields[0].text) is not None
    labour = own.labour
    for f in fields:
        known = [k for k in f.known if k.name not in namesakes]
        discovered = [_same_as(d, same[d.name]) if d.name in same else d for d in f.discovered]
        mentions = nm.merge(known, f.regulators, discovered)
        speaking = [m for m in mentions if not m.initial]
        people.update(m.name for m in speaking if m.person)
        others.update(m.name for m in speaking if m.proper and not m.known and not m.person)
        for m in mentions:
            if m.known:
                known_seen.setdefault(m.name, f.where)
            elif m.proper and _key(m.name) not in known_keys and _key(m.name) not in dismissed:
                seen = name_seen.get(_key(m.name))
                if seen is None or (seen[2] and not m.initial):
                    name_seen[_key(m.name)] = (seen[0] if seen else m.name, seen[1] if seen else f.where, m.initial)
        found = FieldReader(
            f.where, f.text, speaking, find_hits(f.text), last, named, regulators[-1:], pair, labour
        ).read(f.sentences)
        for relation in found.relations:
            if _pair(relation) not in seen_pairs:
                seen_pairs.add(_pair(relation))
                relations.append(relation)
        for statement in found.statements:
            if (statement.speaker, statement.kind) not in seen_said:
                seen_said.add((statement.speaker, statement.kind))
                statements.append(statement)
        if not explainer:  # an explainer's phrases describe how things work, not what happened
            badges.extend((kind, phrase, f.where) for kind, phrase in found.badges)
    speakers = {s.speaker for s in statements} & others
    if speakers and not rv.lacks_topic(_all_text(fields, whole), context, set()):
        people |= speakers  # "the pilots' union declined to comment on the takeover"
    ended = {(r.a, r.b) for r in relations if r.kind is Kind.TALKS_ENDED}
    relations = [  # talks that ended were held and came to nothing: the end says both
        r
        for r in relations
        if r.kind not in (Kind.TALKS_HELD, Kind.NO_AGREEMENT) or not {(r.a, r.b), (r.b, r.a)} & ended
    ]
    relations = _rivals_to_target(relations, context, set(known_seen))
    no_deal_yet = {frozenset((r.a, r.b)) for r in relations if r.kind in (Kind.NO_AGREEMENT, Kind.AGREEMENT_REACHED)}
    relations = [  # "no agreement yet, though still negotiating", "a deal after months of talks": it says more
        r for r in relations if r.kind is not Kind.TALKS_HELD or frozenset((r.a, r.b)) not in no_deal_yet
    ]
    actors = [n for r in relations for n in (r.a, r.b)] + [s.speaker for s in statements]
    namesake = "; ".join(namesakes[n] for n in sorted(namesakes))
    remedy = any(rv.for_approval(f.text) for f in fields)
    relevance = rv.relevance(context, relations, statements, set(known_seen), namesake, frozenset(people), remedy)
    aside = (
        rv.outside_actors(context, relations, statements, set(known_seen), remedy)
        if relevance is Relevance.CONTEXT
        else set()
    )
    parties = tuple(dict.fromkeys(n for n in actors if n in known_seen and n not in aside))
    mentioned = tuple(n for n in known_seen if n not in parties)
    acting = set(actors)
    names = [(name, where) for name, where, initial in name_seen.values() if not initial or name in acting]
    kinds = list(dict.fromkeys([r.kind for r in relations] + [s.kind for s in statements] + [b[0] for b in badges]))
    evidence = [f'relation {r.kind.value} {r.a}–{r.b}: "{r.phrase}" ({r.where})' for r in relations]
    evidence += [f'statement {s.kind.value} by {s.speaker}: "{s.phrase}" ({s.where})' for s in statements]
    shown = set(kinds[: len({r.kind for r in relations} | {s.kind for s in statements})])
    for kind, phrase, where in badges:
        if kind not in shown:
            shown.add(kind)
            evidence.append(f'kind {kind.value}: "{phrase}" ({where})')
    if not kinds:
        kinds = [Kind.OTHER]
        evidence.append("kind other: no kind phrase found")
    evidence += [f"party {n} ({known_seen[n]})" for n in parties]
    evidence += [f"mentioned {n} ({known_seen[n]})" for n in mentioned]
    evidence += [f"name {name} ({where})" for name, where in names]
    evidence += [f"namesake {n}: {reason}" for n, reason in sorted(namesakes.items())]
    return Reading(
        kinds=tuple(kinds),
        parties=parties,
        mentioned=mentioned,
        relations=tuple(relations),
        statements=tuple(statements),
        names=tuple(name for name, _where in names),
        relevance=relevance,
        namesake=namesake,
        evidence=tuple(evidence),
        classified_by=READER,
    )
