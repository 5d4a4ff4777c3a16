"""Reading the time-travel choice from a URL: ``?as_of=2024-06-01&mode=reported``,
``?version=5`` or a replay's ``?step=3``.

The choice lives in the query string so a view of the past can be shared;
bad values become a :class:`TravelError` naming the parameter, never a 500.
The story page defaults to "as reported" (what had been published by then:
every seed report was recorded on install day, so "as recorded" of a news
date finds nothing); the JSON API keeps "as recorded" for its clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tracker.application import Mode
from tracker.domain.errors import InvalidField
from tracker.moments import parse_moment
from web.urls import whole_number

#: How much of a typed value the form gives back (a value is never trusted to be short).
TYPED_KEPT = 100


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
    mode: Mode = Mode.REPORTED
    version: int | None = None
    #: A step of the story's replay (1 is its first report).
    step: int | None = None

    @property
    def now(self) -> bool:
        return self.as_of is None and self.version is None and self.step is None

    def params(self) -> dict[str, str]:
        """The query-string form, for links that keep the choice."""
        if self.step is not None:
            return {"step": str(self.step)}
        if self.version is not None:
            return {"version": str(self.version)}
        if self.as_of is not None:
            return {"as_of": self.as_of_text, "mode": self.mode.value}
        return {}


@dataclass(frozen=True)
class Typed:
    """What the reader typed into the time-travel form, given back as typed
    (also when it was wrong, so a mistake is corrected, not retyped)."""

    as_of: str = ""
    version: str = ""
    mode: str = Mode.REPORTED.value


def typed_values(args: Mapping[str, str], default_mode: Mode = Mode.REPORTED) -> Typed:
    mode = (args.get("mode") or "").strip().lower()
    return Typed(
        as_of=(args.get("as_of") or "").strip()[:TYPED_KEPT],
        version=(args.get("version") or "").strip()[:TYPED_KEPT],
        mode=mode if mode in {m.value for m in Mode} else default_mode.value,
    )


def read_travel(args: Mapping[str, str], *, default_mode: Mode = Mode.REPORTED) -> Travel:
    """The choice in ``args``; ``default_mode`` when no mode is given: what had been published by then, as the page and the CLI default to."""
    as_of_text = (args.get("as_of") or "").strip()
    version_text = (args.get("version") or "").strip()
    step_text = (args.get("step") or "").strip()
    mode_text = (args.get("mode") or "").strip().lower() or default_mode.value
    try:
        mode = Mode(mode_text)
    except ValueError:
        raise TravelError("mode", f"{mode_text[:40]!r} is not a mode; use reported or recorded") from None
    if as_of_text and version_text:
        raise TravelError("as_of", "choose a moment or a version, not both")
    if step_text and (as_of_text or version_text):
        raise TravelError("step", "choose a replay step or a moment or version, not both")
    if step_text:
        step = whole_number(step_text)
        if step is None or step < 1:
            raise TravelError("step", f"{step_text[:40]!r} is not a step of the replay (1, 2, 3 ...)")
        return Travel(step=step, mode=mode)
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
