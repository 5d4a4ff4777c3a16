"""Reading the time-travel choice from a URL: ``?as_of=2024-06-01&mode=reported`` or ``?version=5``.

The choice lives in the query string so a view of the past can be shared;
bad values become a :class:`TravelError` naming the parameter, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tracker.application import Mode
from tracker.domain.errors import InvalidField
from tracker.moments import parse_moment
from web.urls import whole_number


class TravelError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Travel:
    """Where in the story's past to look; all empty means "now"."""

    as_of: datetime | None = None
    as_of_text: str = ""
    mode: Mode = Mode.RECORDED
    version: int | None = None

    @property
    def now(self) -> bool:
        return self.as_of is None and self.version is None

    def params(self) -> dict[str, str]:
        """The query-string form, for links that keep the choice."""
        if self.version is not None:
            return {"version": str(self.version)}
        if self.as_of is not None:
            return {"as_of": self.as_of_text, "mode": self.mode.value}
        return {}


def read_travel(args: Mapping[str, str]) -> Travel:
    as_of_text = (args.get("as_of") or "").strip()
    version_text = (args.get("version") or "").strip()
    mode_text = (args.get("mode") or "").strip().lower() or Mode.RECORDED.value
    try:
        mode = Mode(mode_text)
    except ValueError:
        raise TravelError("mode", f"{mode_text!r} is not a mode; use recorded or reported") from None
    if as_of_text and version_text:
        raise TravelError("as_of", "choose a moment or a version, not both")
    if version_text:
        version = whole_number(version_text)
        if version is None or version < 1:
            raise TravelError("version", f"{version_text[:40]!r} is not a version number (1, 2, 3 ...)")
        return Travel(version=version, mode=mode)
    if as_of_text:
        try:
            moment = parse_moment(as_of_text, "as_of", end_of_day=True)
        except InvalidField as error:
            raise TravelError("as_of", error.problem) from None
        return Travel(as_of=moment, as_of_text=as_of_text, mode=mode)
    return Travel(mode=mode)
