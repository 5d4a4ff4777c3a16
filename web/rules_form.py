"""The tracking rules as the rules form shows them, and back.

Every key is on the form (all_of groups with every alias, any_of, min_any,
none_of, auto_append, parties with their aliases, not_parties and the
track_anything confirmation), so saving the form unchanged gives back the
same rules. Terms are comma-separated; a term holding a comma or a quote is
quoted ("Smith, Jones"). A field left out of a posted form (a script's
partial post; a browser posts them all) keeps its current value, except the
confirmation checkbox, which a browser leaves out when it is unticked.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from tracker.domain.rules import RulesError

#: Form fields a browser leaves out of the post when they are off.
CHECKBOXES = ("track_anything",)


def quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"' if ("," in term or '"' in term) else term


def joined(terms: Iterable[str]) -> str:
    return ", ".join(quoted(t) for t in terms)


def terms_of(text: str | None) -> list[str]:
    """Comma-separated terms (a line break separates too); "quoted, terms" keep their commas."""
    found: list[str] = []
    for line in (text or "").splitlines():
        for row in csv.reader([line], skipinitialspace=True):
            found.extend(t.strip() for t in row if t.strip())
    return found


def _groups(rules: Mapping[str, Any]) -> list[list[str]]:
    return [[g] if isinstance(g, str) else list(g) for g in rules.get("all_of", [])]


def form_data(rules: Mapping[str, Any]) -> dict[str, Any]:
    """The form's fields for stored rules."""
    parties = rules.get("parties", {}) or {}
    return {
        "all_of": "\n".join(joined(group) for group in _groups(rules)),
        "track_anything": bool(rules.get("track_anything", False)),
        "any_of": joined(_listed(rules.get("any_of", []))),
        "min_any": rules.get("min_any", 1),
        "none_of": joined(_listed(rules.get("none_of", []))),
        "auto_append": "no" if rules.get("auto_append", True) is False else "yes",
        "parties": "\n".join(
            f"{name} = {joined(_listed(aliases))}" if _listed(aliases) else name for name, aliases in parties.items()
        ),
        "not_parties": joined(_listed(rules.get("not_parties", []))),
    }


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def completed(posted: MultiDict[str, str], rules: Mapping[str, Any]) -> MultiDict[str, str]:
    """The posted form with the fields it left out filled in from the current rules."""
    data: MultiDict[str, str] = MultiDict(posted)
    for name, value in form_data(rules).items():
        if name not in data and name not in CHECKBOXES:
            data[name] = str(value)
    return data


def rules_from(form: Any) -> dict[str, Any]:
    """The rules mapping the form holds (checked by parse_rules(strict=True) afterwards)."""
    parties: dict[str, list[str]] = {}
    for line in (form.parties.data or "").splitlines():
        name, _, aliases = line.partition("=")
        name = name.strip().strip('"').strip()
        if name or line.strip():  # "= Alphabet" names no party: refused beside the field, not dropped
            parties[name] = [*parties.get(name, []), *terms_of(aliases)]
    return {
        "all_of": [group for group in (terms_of(line) for line in (form.all_of.data or "").splitlines()) if group],
        "any_of": terms_of(form.any_of.data),
        "none_of": terms_of(form.none_of.data),
        "min_any": form.min_any.data if form.min_any.data is not None else 1,
        "auto_append": form.auto_append.data != "no",
        "parties": parties,
        "not_parties": terms_of(form.not_parties.data),
        "track_anything": bool(form.track_anything.data),
    }


_PLACES = (
    (re.compile(r"^all_of\[(\d+)\]\[(\d+)\]"), "line {0}, term {1}"),
    (re.compile(r"^all_of\[(\d+)\]"), "line {0}"),
    (re.compile(r"^(?:any_of|none_of|not_parties)\[(\d+)\]"), "term {0}"),
    (re.compile(r"^parties\.(.+?)\[\d+\]"), "party {0}:"),
)
#: How a message starting with a rules key names its field.
_LABELS = {"all_of": "“must mention”", "any_of": "“any of”", "none_of": "“never”", "min_any": "the number"}

FIELDS = ("all_of", "track_anything", "any_of", "min_any", "none_of", "auto_append", "parties", "not_parties")


def field_error(error: RulesError) -> tuple[str, str]:
    """The form field a refusal belongs beside ("" for the form as a whole), and
    the message as the form says it ("Line 2, term 1 '!!' has no letters or digits")."""
    problem = error.problem
    for pattern, place in _PLACES:
        found = pattern.match(problem)
        if found:
            numbers = [str(int(g) + 1) if g.isdigit() else g for g in found.groups()]
            problem = place.format(*numbers) + problem[found.end() :]
            break
    else:
        key = next((k for k in _LABELS if problem.startswith(k + " ")), "")
        if key:
            problem = _LABELS[key] + problem[len(key) :]
    problem = problem[:1].upper() + problem[1:]
    return (error.key if error.key in FIELDS else ""), problem
