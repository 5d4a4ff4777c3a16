"""Scoring a run against the labels: precision, recall, F1 and accuracies,
with every miss listed (item or checkpoint, expected, got).

Names are compared as the tracker compares party names (case and
punctuation ignored: "Character.AI" = "character ai"), after mapping an
alias in the story's rules (``parties``, ``all_of`` groups) to its party.
Relations are unordered pairs with a kind. Reading figures cover the items
attached to their own story (the others have no reading).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.domain.report import party_key
from tracker.evaluation.dataset import NO_STORY, Dataset, Item, StoryDefinition
from tracker.evaluation.runner import RunResult, Seen, StateSeen


@dataclass
class Score:
    """True positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: set[Any], got: set[Any]) -> None:
        self.tp += len(expected & got)
        self.fp += len(got - expected)
        self.fn += len(expected - got)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        """Right ones over everything expected or found (a wrong or extra one costs)."""
        total = self.tp + self.fp + self.fn
        return self.tp / total if total else 1.0

    def figures(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class Miss:
    area: str  # attachment, kinds, relations, statements, relevance, threads, open_questions
    where: str  # item id, or "<slug> after <item id>"
    expected: str
    got: str


@dataclass
class Attachment:
    relevant: int = 0
    attached: int = 0  # relevant items appended as reports
    suggested: int = 0  # relevant items waiting in the inbox
    foreign: int = 0  # items of another story (or none) appended
    foreign_suggested: int = 0  # ... only suggested (an editor's click away, not a miss)

    @property
    def recall(self) -> float:
        return self.attached / self.relevant if self.relevant else 1.0

    @property
    def reached(self) -> float:
        return (self.attached + self.suggested) / self.relevant if self.relevant else 1.0

    @property
    def precision(self) -> float:
        total = self.attached + self.foreign
        return self.attached / total if total else 1.0


@dataclass
class Scores:
    attachment: Attachment = field(default_factory=Attachment)
    kinds: Score = field(default_factory=Score)
    relations: Score = field(default_factory=Score)
    statements: Score = field(default_factory=Score)
    attribution: Score = field(default_factory=Score)  # tp: right speaker; fn: kind found, other speaker
    relevance: Score = field(default_factory=Score)  # tp: right; fn: wrong
    threads: Score = field(default_factory=Score)
    open_questions: Score = field(default_factory=Score)
    read_items: int = 0
    sources: set[str] = field(default_factory=set)
    misses: list[Miss] = field(default_factory=list)


class Names:
    """Comparison keys for names: the story's aliases map to their party."""

    def __init__(self, stories: Iterable[StoryDefinition]) -> None:
        self.aliases: dict[str, str] = {}
        self.display: dict[str, str] = {}  # key -> the name shown in misses
        for story in stories:
            rules = story.rules
            groups = [[name, *_as_list(aliases)] for name, aliases in dict(rules.get("parties", {})).items()]
            groups += [_as_list(group) for group in rules.get("all_of", [])]
            for group in groups:
                self.display.setdefault(party_key(group[0]), group[0])
                for alias in group:
                    self.aliases.setdefault(party_key(alias), party_key(group[0]))

    def key(self, name: str) -> str:
        key = party_key(name)
        key = self.aliases.get(key, key)
        self.display.setdefault(key, name)
        return key

    def pair(self, a: str, b: str, kind: str) -> tuple[frozenset[str], str]:
        return frozenset((self.key(a), self.key(b))), kind

    def show_pair(self, value: tuple[frozenset[str], str]) -> str:
        pair, kind = value
        return f"{' / '.join(sorted(self.display.get(k, k) for k in pair))}: {kind}"

    def show_statement(self, value: tuple[str, str]) -> str:
        return f"{self.display.get(value[0], value[0])}: {value[1]}"


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def score(result: RunResult, *, only: str | None = None) -> Scores:
    """Every figure over the whole set, or over one story (``only``: its slug)."""
    dataset = result.dataset
    names = Names(dataset.stories)
    scores = Scores()
    for story in dataset.stories:
        if only is not None and story.slug != only:
            continue
        _attachment(dataset, story.slug, result, scores)
        seen = result.stories[story.slug]
        for item in dataset.story_items(story.slug):
            if item.id in seen.attached:
                _reading(item, seen.attached[item.id], names, scores)
    for checkpoint, state in result.checkpoints:
        if only is not None and checkpoint.story != only:
            continue
        _state(
            f"{checkpoint.story} after {checkpoint.after}",
            checkpoint.threads,
            checkpoint.open_questions,
            state,
            names,
            scores,
        )
    return scores


def _attachment(dataset: Dataset, slug: str, result: RunResult, scores: Scores) -> None:
    seen = result.stories[slug]
    counts = scores.attachment
    for item in dataset.items:
        own = item.labels.story == slug
        if own:
            counts.relevant += 1
            if item.id in seen.attached:
                counts.attached += 1
            elif item.id in seen.suggested:
                counts.suggested += 1
                scores.misses.append(Miss("attachment", item.id, f"attached to {slug}", "suggested only"))
            else:
                scores.misses.append(
                    Miss("attachment", item.id, f"attached to {slug}", "neither attached nor suggested")
                )
        elif item.id in seen.suggested:
            counts.foreign_suggested += 1
        elif item.id in seen.attached:
            counts.foreign += 1
            label = "a distractor" if item.labels.story == NO_STORY else f"of story {item.labels.story}"
            scores.misses.append(Miss("attachment", item.id, f"not attached to {slug} ({label})", "auto-attached"))


def _reading(item: Item, seen: Seen, names: Names, scores: Scores) -> None:
    labels = item.labels
    scores.read_items += 1
    scores.sources.add(seen.source)
    _compare(scores, "kinds", item.id, set(labels.kinds), set(seen.kinds), scores.kinds, str)
    expected = {names.pair(*r) for r in labels.relations}
    got = {names.pair(*r) for r in seen.relations}
    _compare(scores, "relations", item.id, expected, got, scores.relations, names.show_pair)
    said = {(names.key(s), k) for s, k in labels.statements}
    found = {(names.key(s), k) for s, k in seen.statements}
    _compare(scores, "statements", item.id, said, found, scores.statements, names.show_statement)
    found_kinds = {k for _s, k in found}
    for statement in said:
        if statement[1] in found_kinds:
            if statement in found:
                scores.attribution.tp += 1
            else:
                scores.attribution.fn += 1
    if seen.relevance == labels.relevance:
        scores.relevance.tp += 1
    else:
        scores.relevance.fn += 1
        scores.misses.append(Miss("relevance", item.id, labels.relevance, seen.relevance))


def _state(
    where: str,
    threads: Iterable[tuple[str, str, str]],
    questions: Iterable[tuple[str, str]],
    state: StateSeen,
    names: Names,
    scores: Scores,
) -> None:
    expected = {names.pair(*t) for t in threads}
    got = {names.pair(*t) for t in state.threads}
    _compare(scores, "threads", where, expected, got, scores.threads, names.show_pair, whole=False)
    open_expected = {(names.key(s), k) for s, k in questions}
    open_got = {(names.key(s), k) for s, k in state.open_questions}
    _compare(
        scores,
        "open_questions",
        where,
        open_expected,
        open_got,
        scores.open_questions,
        names.show_statement,
        whole=False,
    )


def _compare(
    scores: Scores,
    area: str,
    where: str,
    expected: set[Any],
    got: set[Any],
    into: Score,
    show: Any,
    *,
    whole: bool = True,
) -> None:
    """Scores one comparison; a difference is a miss showing both sets
    (``whole``) or only what is missing and what is extra (checkpoints)."""
    into.add(expected, got)
    if expected == got:
        return
    if whole:
        wanted, found = expected, got
    else:
        wanted, found = expected - got, got - expected
    scores.misses.append(
        Miss(
            area,
            where,
            ", ".join(sorted(show(e) for e in wanted)) or "none",
            ", ".join(sorted(show(g) for g in found)) or "none",
        )
    )


def by_area(misses: Iterable[Miss]) -> Mapping[str, list[Miss]]:
    grouped: dict[str, list[Miss]] = {}
    for miss in misses:
        grouped.setdefault(miss.area, []).append(miss)
    return grouped
