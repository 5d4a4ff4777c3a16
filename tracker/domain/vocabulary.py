"""The fixed vocabularies: report kinds, story statuses, report origins."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    TALKS_HELD = "talks_held"
    NO_AGREEMENT = "no_agreement"
    TALKS_ENDED = "talks_ended"
    AGREEMENT_REACHED = "agreement_reached"
    DECLINED_TO_COMMENT = "declined_to_comment"
    NO_RESPONSE = "no_response"
    DENIED = "denied"
    CONFIRMED = "confirmed"
    REGULATORY_SCRUTINY = "regulatory_scrutiny"
    LEGAL_ACTION = "legal_action"
    PERSONNEL = "personnel"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[Kind, str] = {
    Kind.TALKS_HELD: "talks held",
    Kind.NO_AGREEMENT: "no agreement yet",
    Kind.TALKS_ENDED: "talks ended",
    Kind.AGREEMENT_REACHED: "agreement reached",
    Kind.DECLINED_TO_COMMENT: "declined to comment",
    Kind.NO_RESPONSE: "did not respond",
    Kind.DENIED: "denied",
    Kind.CONFIRMED: "confirmed",
    Kind.REGULATORY_SCRUTINY: "regulatory scrutiny",
    Kind.LEGAL_ACTION: "legal action",
    Kind.PERSONNEL: "personnel",
    Kind.OTHER: "other",
}


class Status(StrEnum):
    DEVELOPING = "developing"
    QUIET = "quiet"
    CONCLUDED = "concluded"


class OriginKind(StrEnum):
    SEED = "seed"
    MANUAL = "manual"
    FEED = "feed"
