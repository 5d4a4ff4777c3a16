"""Who a name stands for in a clause: the owner of a noun phrase is not
always its speaker.

"A Meta spokesperson declined" and "a lawyer for Meta said" are Meta
speaking; "Coastal's biggest shareholder said", "an analyst at Meta said"
or "Meta's chief executive said" are someone else: the shareholder, the
analyst, the executive (a discovered name when one is given, else no
party at all). A regulator that leads a clause about a deal examines the
deal; it is not a party to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.domain.reading.names import Mention

#: People and offices that speak for the organisation they belong to.
REPRESENTATIVES = frozenset(
    {"spokesperson", "spokesman", "spokeswoman", "spokespeople", "spokesmen", "spokeswomen", "representative"}
    | {"representatives", "lawyer", "lawyers", "attorney", "attorneys", "counsel", "adviser", "advisers"}
    | {"advisor", "advisors", "board", "management", "statement", "filing", "office", "team", "press"}
)
#: Others attached to an organisation who speak for themselves (or for no party: "its chief executive").
_OTHERS = frozenset(
    {"shareholder", "stakeholder", "investor", "owner", "backer", "customer", "client", "user", "passenger"}
    | {"rival", "competitor", "analyst", "union", "employee", "staff", "worker", "pilot", "crew", "supplier"}
    | {"partner", "critic", "lender", "creditor", "bondholder", "founder", "co-founder", "cofounder", "executive"}
    | {"chief", "ceo", "cfo", "cto", "coo", "boss", "chairman", "chairwoman", "chair", "president", "director"}
    | {"manager", "engineer", "researcher", "scientist", "member", "holder", "fan", "economist", "official"}
)
_AFTER = re.compile(r"^(?:[’']s?)?\s+((?:[a-z][\w-]*\s+){1,4})$")
_OWNED = re.compile(r"(?:[’']s?)?\s+((?:[a-z][\w-]*\s*){1,3})")
_BEFORE = re.compile(
    r"^[\s\"“‘']*(?:[a-z][\w-]*\s+){0,3}?([a-z][\w-]*)\s+(?:of|for|at|in|from|with|inside|within)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _other(word: str) -> bool:
    word = word.lower()
    return word in _OTHERS or (word.endswith("s") and word[:-1] in _OTHERS) or word in ("staff", "people")


def speaks_for_itself(text: str, group: Sequence[Mention], hit_start: int, clause_start: int) -> bool:
    """Whether ``group`` is the subject of the verb at ``hit_start`` itself, or only
    names whom the real subject belongs to: "Coastal's biggest shareholder said", or
    "an analyst at Acme said" opening the clause (``clause_start``)."""
    if not group:
        return True
    after = _AFTER.match(text[group[-1].end : hit_start])
    if after:
        found = after.group(1).split()
        if any(w in REPRESENTATIVES for w in found):
            return True
        if any(_other(w) for w in found):
            return False
    before = _BEFORE.match(text[clause_start : group[0].start])
    return not (before and _other(before.group(1)) and before.group(1).lower() not in REPRESENTATIVES)


def owner_only(text: str, end: int) -> bool:
    """Whether the name ending at ``end`` only owns what follows it ("by Coastal's largest
    shareholder", "by a Coastal customer"): the agent of a passive is then not the name."""
    after = _OWNED.match(text, end)
    if not after:
        return False
    found = after.group(1).split()
    possessive = text[end : end + 1] in "'’"  # "Coastal's largest shareholder"; else "a Coastal customer"
    head = found if possessive else found[:1]
    return not any(w in REPRESENTATIVES for w in found) and any(_other(w) for w in head)


def overseer(lead: Sequence[Mention], sides: Sequence[Mention]) -> list[Mention]:
    """The regulator among a deal's sides, or leading the clause ("The Office asked how
    Acme's deal with Beta ..."): the deal is the regulator's matter."""
    named = [m for m in sides if m.regulator]
    if named:
        return named
    return [m for m in lead if m.regulator] if lead and all(m.regulator for m in lead) else []
