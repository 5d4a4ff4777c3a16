"""Named errors raised by the domain's guard methods."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a command that cannot be applied to the current state."""


class InvalidField(DomainError, ValueError):
    """A field of a command holds a value the domain does not accept."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class UnknownReport(DomainError, LookupError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"no report with id {report_id!r} in this story")
        self.report_id = report_id


class DuplicateReport(DomainError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"report {report_id!r} is already in this story")
        self.report_id = report_id


class ReportRetracted(DomainError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"report {report_id!r} has been retracted and cannot change")
        self.report_id = report_id


class NothingChanged(DomainError):
    """A correction, reclassification or status change that changes nothing."""
