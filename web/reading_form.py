"""The reclassify form's reading: relations ("A | B | kind") and statements
("speaker | kind | about") as lines of text, and back.

Each bad line is named on its field ("line 2: unknown kind 'dael'"), so the
editor can mend it; nothing is stored until every line reads. A line that
repeats one the reader found keeps the phrase and field that decided it.
"""

from __future__ import annotations

from dataclasses import replace

from tracker.domain.fact_keys import name_key
from tracker.domain.reading.model import RELATION_KINDS, STATEMENT_KINDS, Reading, Relation, Relevance, Statement
from tracker.domain.report import Report
from tracker.domain.vocabulary import KIND_LABELS, Kind
from web.forms import ReclassifyForm, split_terms

_KINDS: dict[str, Kind] = {
    **{kind.value: kind for kind in KIND_LABELS},
    **{label.replace(" ", "_"): kind for kind, label in KIND_LABELS.items()},
}


MAX_NAME = 200  # as the domain's clean_parties


def _too_long(number: int, names: list[str], errors: list[str]) -> bool:
    long = next((n for n in names if len(n) > MAX_NAME), None)
    if long is not None:
        errors.append(f"line {number}: {long[:30]!r}... is longer than {MAX_NAME} characters")
    return long is not None


def kind_named(text: str) -> Kind | None:
    """A kind by its value or label, in any case, with spaces, hyphens or underscores."""
    return _KINDS.get("_".join(text.strip().lower().replace("-", " ").split()))


def relations_text(reading: Reading) -> str:
    lines = []
    for r in reading.relations:
        parts = [r.a, r.b, r.kind.label, *([r.role] if r.role else [])]
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def statements_text(reading: Reading) -> str:
    return "\n".join(" | ".join([s.speaker, s.kind.label, *([s.about] if s.about else [])]) for s in reading.statements)


def initial(report: Report) -> dict[str, object]:
    """The form as the report now reads."""
    return {
        "kinds": [k.value for k in report.kinds],
        "parties": ", ".join(report.parties),
        "relevance": report.reading.relevance.value,
        "relations": relations_text(report.reading),
        "statements": statements_text(report.reading),
    }


def _lines(text: str | None) -> list[tuple[int, list[str]]]:
    """(line number, parts) of each non-empty line."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            out.append((number, [part.strip() for part in line.split("|")]))
    return out


def _kind(number: int, text: str, allowed: frozenset[Kind], what: str, errors: list[str]) -> Kind | None:
    if not text:
        errors.append(f"line {number}: missing kind (write {what})")
        return None
    kind = kind_named(text)
    if kind is None:
        errors.append(f"line {number}: unknown kind {text!r}")
        return None
    if kind not in allowed:
        sort = "relation" if kind in RELATION_KINDS else "statement" if kind in STATEMENT_KINDS else "report"
        errors.append(f"line {number}: {kind.label!r} is a {sort} kind, not one for this list")
        return None
    return kind


def parse_relations(text: str | None, before: Reading) -> tuple[list[Relation], list[str]]:
    shape = "A | B | kind"
    found: list[Relation] = []
    errors: list[str] = []
    for number, parts in _lines(text):
        if len(parts) > 4:
            errors.append(f"line {number}: too many parts (write {shape}, or {shape} | role)")
            continue
        a, b, kind_text, role = (parts + ["", "", "", ""])[:4]
        if not a or not b:
            errors.append(f"line {number}: missing party (write {shape})")
            continue
        if _too_long(number, [a, b], errors):
            continue
        if name_key(a) == name_key(b):
            errors.append(f"line {number}: {a} cannot be in a relation with itself")
            continue
        kind = _kind(number, kind_text, RELATION_KINDS, shape, errors)
        if kind is None:
            continue
        relation = Relation(a, b, kind, role=role)
        same = next((r for r in before.relations if _relation_key(r) == _relation_key(relation)), None)
        found.append(replace(relation, phrase=same.phrase, where=same.where) if same else relation)
    return found, errors


def parse_statements(text: str | None, before: Reading) -> tuple[list[Statement], list[str]]:
    shape = "speaker | kind | about"
    found: list[Statement] = []
    errors: list[str] = []
    for number, parts in _lines(text):
        speaker, kind_text = (parts + ["", ""])[:2]
        about = " | ".join(parts[2:]).strip()
        if not speaker:
            errors.append(f"line {number}: missing speaker (write {shape})")
            continue
        if _too_long(number, [speaker], errors):
            continue
        kind = _kind(number, kind_text, STATEMENT_KINDS, shape, errors)
        if kind is None:
            continue
        statement = Statement(speaker, kind, about)
        same = next((s for s in before.statements if _statement_key(s) == _statement_key(statement)), None)
        found.append(replace(statement, phrase=same.phrase, where=same.where) if same else statement)
    return found, errors


def _relation_key(r: Relation) -> tuple[str, str, Kind]:
    return (name_key(r.a), name_key(r.b), r.kind)


def _statement_key(s: Statement) -> tuple[str, Kind, str]:
    return (name_key(s.speaker), s.kind, s.about.lower())


def reading_of_form(form: ReclassifyForm, report: Report, by: str) -> tuple[Reading, list[str]] | None:
    """The reading the form says, with the report's parties (the names typed
    plus every name of a relation or statement); None, with errors on the
    form's fields, when a line does not read."""
    before = report.reading
    relations, relation_errors = parse_relations(form.relations.data, before)
    statements, statement_errors = parse_statements(form.statements.data, before)
    form.relations.errors = [*form.relations.errors, *relation_errors]
    form.statements.errors = [*form.statements.errors, *statement_errors]
    if relation_errors or statement_errors:
        return None
    typed = split_terms(form.parties.data)
    actors = [*(n for r in relations for n in (r.a, r.b)), *(s.speaker for s in statements)]
    parties: dict[str, str] = {}
    for name in [*typed, *actors]:
        parties.setdefault(name_key(name), name)
    mentioned_keys = {name_key(n) for n in before.mentioned} - {name_key(n) for n in actors}
    kinds = tuple(dict.fromkeys(Kind(k) for k in form.kinds.data or []))
    reading = Reading(
        kinds=kinds,
        parties=tuple(n for n in typed if name_key(n) not in mentioned_keys),
        mentioned=tuple(n for n in typed if name_key(n) in mentioned_keys),
        relations=tuple(relations),
        statements=tuple(statements),
        names=tuple(n for n in before.names if name_key(n) not in parties),
        relevance=Relevance(form.relevance.data or Relevance.CORE.value),
        namesake=before.namesake,
        classified_by=by,
    )
    return reading, list(parties.values())
