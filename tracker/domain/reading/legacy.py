"""A :class:`Reading` for a report recorded before readings were stored (or
given by an editor as kinds, parties and speakers only).

Such a report names kinds and parties but not who did what with whom, so
only what is unambiguous is kept: a relational kind between exactly two
parties is a relation between them; a statement kind is stated by each
speaker (or, when none is named, by every party: what such a report meant). Nothing is invented
for three or more parties; `tracker reclassify SLUG --all` reads such
reports again with the current reader.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.domain.reading.model import RELATION_KINDS, STATEMENT_KINDS, Reading, Relation, Relevance, Statement
from tracker.domain.vocabulary import Kind


def legacy_reading(
    kinds: Iterable[str],
    parties: Iterable[str],
    speakers: Iterable[str] = (),
    *,
    classified_by: str = "",
    evidence: Iterable[str] = (),
) -> Reading:
    kind_list = tuple(Kind(k) for k in kinds)
    party_list = tuple(parties)
    speaker_list = tuple(speakers) or party_list
    relations = (
        tuple(Relation(party_list[0], party_list[1], k) for k in kind_list if k in RELATION_KINDS)
        if len(party_list) == 2
        else ()
    )
    statements = tuple(Statement(s, k) for k in kind_list if k in STATEMENT_KINDS for s in speaker_list)
    actors = {r.a for r in relations} | {r.b for r in relations} | {s.speaker for s in statements}
    return Reading(
        kinds=kind_list,
        parties=party_list,
        mentioned=tuple(p for p in party_list if p not in actors) if actors else (),
        relations=relations,
        statements=statements,
        relevance=Relevance.CORE,
        evidence=tuple(evidence),
        classified_by=classified_by,
    )
