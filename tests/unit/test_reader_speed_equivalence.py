"""The reader's speed-ups change no reading: per-context sets kept beside a context read as a
fresh context does, two contexts never share them, and the regexes given a lookahead of their
opening characters find what the plain regexes find."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tracker.application.reading import story_context
from tracker.bench.feeds import item_text
from tracker.domain.reading import authorities, clauses, cues, derived, extract, relevance
from tracker.domain.reading.model import Reading, StoryContext
from tracker.domain.reading.names import Aliases, aliases_of
from tracker.domain.reading.read import read
from tracker.domain.rules import parse_rules
from tracker.evaluation.dataset import load_dataset

EVAL = Path(__file__).resolve().parents[1] / "fixtures" / "eval"
SEED_RULES = {
    "all_of": [["Character.AI", "Character AI", "CharacterAI", "Character Technologies"]],
    "any_of": ["Meta", "xAI", "Elon Musk", "Zuckerberg", "Noam Shazeer", "acquisition", "partnership", "deal"],
    "parties": {"Character.AI": ["Character AI", "CharacterAI"], "Meta": ["Meta Platforms"], "xAI": ["X.AI"]},
}
STRIKE_RULES = {
    "all_of": [["Saltbridge"]],
    "any_of": ["strike", "walkout", "pay talks"],
    "parties": {"United Dockworkers Union": ["Dockworkers Union"], "Saltbridge Port Authority": ["Saltbridge"]},
}
KNOWN = ("Meta", "xAI", "Character.AI", "Google", "Noam Shazeer")


def _items() -> list[tuple[str, str, str]]:
    found = [(*item_text(feed, index), "") for feed in range(0, 40, 7) for index in range(0, 16, 3)]
    for folder in (EVAL, EVAL / "holdout3"):
        found += [(i.title, i.description, i.content) for i in load_dataset(folder).items[::6]]
    return found


ITEMS = _items()


def _context(rules: dict[str, object], known: tuple[str, ...] = ()) -> StoryContext:
    return story_context(parse_rules(rules), known)


@pytest.mark.parametrize("rules,known", [(SEED_RULES, ()), (SEED_RULES, KNOWN), (STRIKE_RULES, ())])
def test_a_context_reused_across_items_reads_each_as_a_fresh_context_does(
    rules: dict[str, object], known: tuple[str, ...]
) -> None:
    shared = _context(rules, known)
    reused = [read(*item, context=shared) for item in ITEMS]
    fresh = [read(*item, context=_context(rules, known)) for item in ITEMS]
    assert reused == fresh
    assert any(r.relations for r in reused) and any(r.statements for r in reused)


def test_reading_other_items_between_two_readings_of_one_item_changes_nothing() -> None:
    first, other = ITEMS[0], ITEMS[-1]
    context = _context(SEED_RULES, KNOWN)
    before = read(*first, context=context)
    read(*other, context=context)
    assert read(*first, context=context) == before == read(*first, context=_context(SEED_RULES, KNOWN))


def test_two_contexts_never_share_their_derived_sets() -> None:
    strike, seed = _context(STRIKE_RULES), _context(SEED_RULES, KNOWN)
    derived._CACHE.clear()
    alone = [read(*item, context=strike) for item in ITEMS]
    derived._CACHE.clear()
    for item in ITEMS:
        read(*item, context=seed)
    after_seed = [read(*item, context=strike) for item in ITEMS]
    assert after_seed == alone
    assert derived.derived(strike, _aliases(strike)).labour and not derived.derived(seed, _aliases(seed)).labour


def test_a_context_whose_parties_change_derives_its_sets_again() -> None:
    parties: dict[str, tuple[str, ...]] = {"Meta": ("Meta",)}
    context = StoryContext(parties=parties, topic_words=("Meta", "Saltbridge"))
    assert derived.derived(context, _aliases(context)).topic == frozenset({"saltbridge"})
    parties["Saltbridge"] = ("Saltbridge",)
    assert derived.derived(context, _aliases(context)).topic == frozenset()


def _aliases(context: StoryContext) -> Aliases:
    return aliases_of(context.parties)


_LOOKAHEAD = re.compile(r"^\(\?=(?:\[[^\]]*\]|\w)\)")
_PREFIXED = [
    clauses._SENTENCE_END,
    clauses._HARD_BREAK,
    clauses.RELATIVE,
    extract._PRONOUN,
    extract._EARLIER,
    extract._ALLEGING,
    cues._LABOUR_TOPIC,
    cues._LABOUR_SIDE,
    authorities.REGULATORS,
]


#: Every alternative of the prefixed regexes, each at the start of a clause, in any case.
SAMPLES = [
    "Talks ended!\nShe said; whereas he - it, which ran Acme, both left, Dana Holm’s new Lab, quit. His Acme, her Beta.",
    "Their Gamma and its Delta had been talking since 2019, earlier this week and since May; last year too.",
    "It accused Acme, alleging fraud, with the union and staff on wages, salaries, rosters, rotas and pensions.",
    "Union members, Workers, Employees and Crew discuss pay, overtime, shift patterns, working conditions, "
    "bargaining, strikes, walkouts and pay rises over pay, about pay, for pay.",
    "The FTC, U.S. CMA, UK DOJ, EU SEC, European FCC, Ofcom, Bundeskartellamt, the Federal Trade Commission, "
    "the Justice Department, Competition Bureau, antitrust regulators, watchdogs, enforcers, authorities, "
    "the authority and the agency.",
    "Acme will sell stores to win regulatory approval, to address the watchdog's competition concerns, as a remedy.",
    "ACME WILL SELL STORES TO SECURE ANTITRUST CLEARANCE.",
    "It offered them As A Remedy; to Address its Concerns.",
]


def _texts() -> list[str]:
    rng = random.Random(11)
    base = SAMPLES + [t for item in ITEMS for t in item if t]
    odd = "ſİıKµ\u00a0\n;,.!?'’()-–"
    out = base + [t.upper() for t in base] + [t.replace("s", "ſ").replace("i", "ı") for t in base]
    for text in base:
        chars = list(text)
        for _ in range(4):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(odd))
        out.append("".join(chars))
    return out


@pytest.mark.parametrize("regex", _PREFIXED, ids=lambda r: r.pattern[:24])
def test_a_regex_with_a_lookahead_of_its_openings_matches_where_the_plain_regex_does(regex: re.Pattern[str]) -> None:
    assert _LOOKAHEAD.match(regex.pattern), "the speed-up is gone: the test no longer pins it"
    plain = re.compile(_LOOKAHEAD.sub("", regex.pattern), regex.flags)
    texts = _texts()
    assert [[m.span() for m in regex.finditer(t)] for t in texts] == [
        [m.span() for m in plain.finditer(t)] for t in texts
    ]
    assert any(plain.search(t) for t in texts)


def test_readings_are_plain_values() -> None:
    reading = read(*ITEMS[0], context=_context(SEED_RULES))
    assert isinstance(reading, Reading) and Reading.from_dict(reading.to_dict()) == reading


def test_the_approval_words_gate_answers_as_the_approval_regex_does() -> None:
    texts = _texts()
    expected = [relevance.FOR_APPROVAL.search(t) is not None for t in texts]
    assert [relevance.for_approval(t) for t in texts] == expected
    assert sum(expected) >= 3


_ALIAS_AHEAD = re.compile(r"^\(\?=\(\?i:\[[^\]]*\]\)\)")


@pytest.mark.parametrize(
    "parties",
    [
        {"Character.AI": ("Character AI", "CharacterAI"), "Meta": ("Meta Platforms",), "xAI": ("X.AI",)},
        {"Société Générale": ("SocGen",), "Ökobank": ("ÖKO",), "3M": (), "Sam Altman": ("Altman",)},
    ],
)
def test_the_alias_regexes_find_with_their_lookahead_what_they_find_without(
    parties: dict[str, tuple[str, ...]],
) -> None:
    aliases = aliases_of(parties)
    texts = _texts() + ["Societe Generale and SOCGEN, ökobank, ÖKO, 3m, 3M's altman; CHARACTER AI, x.ai, meta-analysis"]
    for regex in (aliases.regex, aliases.loose):
        assert regex is not None and _ALIAS_AHEAD.match(regex.pattern)
        plain = re.compile(_ALIAS_AHEAD.sub("", regex.pattern), regex.flags)
        found = [[m.span() for m in plain.finditer(t)] for t in texts]
        assert [[m.span() for m in regex.finditer(t)] for t in texts] == found
        assert sum(map(len, found)) >= 3
