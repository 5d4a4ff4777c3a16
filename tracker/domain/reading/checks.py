"""The checks a reading passes before it is stored in an event."""

from __future__ import annotations

from typing import Any

from tracker.domain.errors import InvalidField
from tracker.domain.reading.model import Reading
from tracker.domain.report import check_characters

_LIMITS = {"name": 200, "phrase": 500, "about": 300, "role": 200, "evidence": 500}
MAX_ITEMS = 200


def clean_reading(reading: Reading) -> dict[str, Any]:
    """The reading as the plain dict an event stores, without its evidence
    (the event has it); names, phrases and evidence are checked for length
    and control characters."""
    data = reading.to_dict()
    for key in ("relations", "statements", "names", "parties", "mentioned", "evidence"):
        if len(data[key]) > MAX_ITEMS:
            raise InvalidField(f"reading.{key}", f"holds {len(data[key])} entries; the limit is {MAX_ITEMS}")
    for name in (*data["parties"], *data["mentioned"], *data["names"]):
        _check(name, "name", "reading.parties")
    for relation in data["relations"]:
        _check(relation["a"], "name", "reading.relations")
        _check(relation["b"], "name", "reading.relations")
        _check(relation["phrase"], "phrase", "reading.relations")
        _check(relation.get("role", ""), "role", "reading.relations")
    for statement in data["statements"]:
        _check(statement["speaker"], "name", "reading.statements")
        _check(statement["about"], "about", "reading.statements")
        _check(statement["phrase"], "phrase", "reading.statements")
    for line in data["evidence"]:
        check_characters(line, "reading.evidence")
    # The event stores the evidence beside the reading (ReportAdded.evidence,
    # ReportReclassified.evidence): keeping it twice would double every report's size.
    data["evidence"] = []
    _check(data["namesake"], "phrase", "reading.namesake")
    return data


def _check(text: str, kind: str, field_name: str) -> None:
    if len(text) > _LIMITS[kind]:
        raise InvalidField(field_name, f"{text[:40]!r}... is longer than {_LIMITS[kind]} characters")
    check_characters(text, field_name)
    if kind == "name" and not text.strip():
        raise InvalidField(field_name, "a name is empty")
