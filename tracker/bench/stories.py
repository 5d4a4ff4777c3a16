"""Extra stories for ``tracker bench ingest-cold --stories N``: N stories with
distinct tracking rules that match nothing in the generated feeds, opened in
the bench's store before the cycle (``python -m tracker.bench.stories N``,
with the store's TRACKER_* environment).

Their terms are invented words (``Zorvex Holdings``), shaped like real rules:
an all_of group of aliases, any_of terms (a prefix term among them) and an
exclusion; a fifth of them have no all_of group, as some newsroom stories do.
"""

from __future__ import annotations

import sys
from typing import Any

from tracker.domain.rules import RULE_KEYS

SYLLABLES = ["zor", "vex", "quil", "bran", "tesh", "mor", "plin", "dax", "fen", "gul", "hask", "yth"]
KINDS = ["Holdings", "Labs", "Group", "Capital", "Systems"]


def _name(number: int) -> str:
    """A made-up word per number (distinct for every number below 12**3 * 5)."""
    a, b, c = number % 12, number // 12 % 12, number // 144 % 12
    return (SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize()


def extra_rules(number: int) -> dict[str, Any]:
    name, kind = _name(number), KINDS[number // 1728 % len(KINDS)]
    other = _name(number + 577)
    rules: dict[str, Any] = {
        "any_of": [f"{other} deal", f"{name.lower()}ing*", f"{other}-{number}"],
        "none_of": [f"{name} football"],
    }
    if number % 5:
        rules["all_of"] = [[f"{name} {kind}", f"{name}{kind}", f"{name}.io"]]
    elif "track_anything" in RULE_KEYS:
        rules["track_anything"] = True  # rules without all_of say so
    return rules


def open_extra_stories(count: int) -> int:
    from tracker.bootstrap import open_runtime
    from tracker.config import load_settings

    runtime = open_runtime(load_settings(), catch_up=False)
    try:
        newsroom = runtime.newsroom
        for number in range(count):
            newsroom.open_story(
                title=f"Bench story {number}: {_name(number)}",
                slug=f"bench-extra-{number:05d}",
                rules=extra_rules(number),
            )
    finally:
        runtime.close()
    return count


if __name__ == "__main__":
    print(open_extra_stories(int(sys.argv[1])))
