"""What names an authority: the regulators a report may name without the
story knowing them ("the FTC", "regulators", "the Competition Bureau"), and
the words that make a discovered or known name one ("Office for Fair
Markets", "Hospitality Ombudsman", "Transport Competition Board").
"""

from __future__ import annotations

import re

#: Words that make an organisation a regulator ("Office for Fair Markets", "Competition Bureau").
REGULATOR_WORDS = frozenset({"office", "authority", "commission", "agency", "department", "ministry", "bureau"})
REGULATORS = re.compile(
    r"(?=[uefcdsobjarw])\b(?:(?:US |U\.S\. |UK |EU |European )?(?:FTC|CMA|DOJ|SEC|FCC|Ofcom|Bundeskartellamt|Federal Trade Commission"
    r"|Competition and Markets Authority|Justice Department|Department of Justice|European Commission"
    r"|Securities and Exchange Commission|Competition Bureau|Competition Commission)"
    r"|(?:antitrust |competition |federal |european |us |uk |eu )?(?:regulators?|watchdogs?|enforcers|authorities)"
    r"|(?<=\bthe )(?-i:authority|agency))\b",
    re.IGNORECASE,
)
REGULATOR_NAMES = {
    "justice department": "Department of Justice",
    "us justice department": "Department of Justice",
    "u.s. justice department": "Department of Justice",
    "us department of justice": "Department of Justice",
    "federal trade commission": "FTC",
    "us federal trade commission": "FTC",
    "competition and markets authority": "CMA",
    "uk competition and markets authority": "CMA",
}
_REGULATOR_HEADS = frozenset(
    {"ombudsman", "regulator", "commission", "authority", "watchdog", "inspectorate", "agency", "bureau", "tribunal"}
)
#: A board or council is an authority when a word of its name says what it oversees.
_BOARD_HEADS = frozenset({"board", "council", "panel", "service", "directorate", "office"})
_REGULATORY = frozenset(
    {"competition", "antitrust", "regulatory", "regulation", "fair", "trading", "markets", "consumer", "conduct"}
    | {"standards", "safety", "supervisory", "oversight", "telecommunications", "communications", "privacy"}
)
REGULATOR_GATE = re.compile(
    r"ftc|cma|doj|sec|fcc|ofcom|kartell|commission|authorit|department|regulator|watchdog|enforcer|bureau"
)
GENERIC = re.compile(r"regulator|watchdog|enforcer|authorities|^authority$|^agency$", re.IGNORECASE)


def regulator_like(name: str) -> bool:
    """ "Office for Fair Markets", "Hospitality Ombudsman", "Federal Trade Commission"."""
    lowered = [w.lower() for w in name.split()]
    if len(lowered) < 2:
        return False
    opening = lowered[0] in REGULATOR_WORDS and any(w in REGULATOR_WORDS | {"for", "of"} for w in lowered[1:])
    if lowered[-1] in _BOARD_HEADS and any(w in _REGULATORY for w in lowered[:-1]):
        return True  # "Transport Competition Board", "Energy Regulatory Council"
    return opening or lowered[-1] in _REGULATOR_HEADS
