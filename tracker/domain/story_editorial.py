"""The Story's editorial commands about who is who and what copies what:
accepting or dismissing a suggested party, clustering a near copy under
its lead and splitting it out again. A mixin of :class:`~.story.Story`,
kept apart so the aggregate's module stays small."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tracker.domain import story_events as ev
from tracker.domain.errors import InvalidField, NothingChanged
from tracker.domain.report import clean_parties, clean_text, party_key
from tracker.domain.rules import parse_rules
from tracker.domain.story_events import with_party, without_party


class EditorialCommands:
    """Commands of the Story aggregate (it provides the state and ``trigger_event``)."""

    reports: dict[str, dict[str, Any]]
    rules: dict[str, Any]

    if TYPE_CHECKING:

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

        def _live_report(self, report_id: str) -> dict[str, Any]: ...

    def accept_party(self, name: str, *, aliases: Iterable[str] = (), by: str) -> None:
        name = clean_text(name, "name", required=True, limit=200)
        clean_aliases = [a for a in clean_parties(aliases, "aliases") if party_key(a) != party_key(name)]
        known = {party_key(n) for n in self.rules.get("parties", {})}
        if party_key(name) in known:
            raise NothingChanged(f"{name} is already a party of the story")
        parse_rules(with_party(self.rules, name, clean_aliases))
        self.trigger_event(
            ev.PartyAccepted, name=name, aliases=clean_aliases, by=clean_text(by, "by", required=True, limit=200)
        )

    def dismiss_party(self, name: str, *, by: str) -> None:
        name = clean_text(name, "name", required=True, limit=200)
        if party_key(name) in {party_key(n) for n in self.rules.get("not_parties", [])}:
            raise NothingChanged(f"{name} is already dismissed")
        parse_rules(without_party(self.rules, name))
        self.trigger_event(ev.PartyDismissed, name=name, by=clean_text(by, "by", required=True, limit=200))

    def cluster_report(self, report_id: str, lead_id: str, *, similarity: float = 1.0, by: str) -> None:
        """Records ``report_id`` as a copy of ``lead_id`` (of the lead's lead
        when that is a copy itself); the report's own copies, if any, move
        to the new lead with it."""
        self.cluster_reports([(report_id, lead_id, similarity)], by=by)

    def cluster_reports(self, clusterings: Iterable[tuple[str, str, float]], *, by: str) -> None:
        """:meth:`cluster_report` for several, finding every lead's copies in
        one pass over the reports (not one pass per clustering: a scoop's
        thousand copies would make it quadratic)."""
        copies: dict[str, dict[str, None]] = {}  # lead -> its copies, in the order recorded
        for rid, r in self.reports.items():
            if r.get("cluster_lead"):
                copies.setdefault(r["cluster_lead"], {})[rid] = None
        for report_id, lead_id, similarity in clusterings:
            own = [rid for rid in copies.pop(report_id, {}) if self.reports[rid].get("cluster_lead") == report_id]
            lead = self._cluster(report_id, lead_id, similarity, by, own)
            copies.setdefault(lead, {}).update(dict.fromkeys((report_id, *own)))

    def _cluster(self, report_id: str, lead_id: str, similarity: float, by: str, copies: list[str]) -> str:
        """Clusters ``report_id`` and its ``copies`` under ``lead_id``'s lead; returns that lead."""
        report = self._live_report(report_id)
        lead = self._live_report(lead_id)
        lead_id = lead.get("cluster_lead") or lead_id
        self._live_report(lead_id)
        if lead_id == report_id:
            raise InvalidField("lead_id", f"report {report_id!r} cannot be a copy of itself")
        if report.get("cluster_lead") == lead_id:
            raise NothingChanged(f"report {report_id!r} is already a copy of {lead_id!r}")
        if not 0.0 <= float(similarity) <= 1.0:
            raise InvalidField("similarity", f"{similarity!r} must be between 0 and 1")
        who = clean_text(by, "by", required=True, limit=200)
        for rid in [report_id, *copies]:
            self.trigger_event(ev.ReportClustered, report_id=rid, lead_id=lead_id, similarity=float(similarity), by=who)
        return lead_id

    def split_report(self, report_id: str, *, by: str) -> None:
        """Makes a copy an independent report again."""
        report = self._live_report(report_id)
        if not report.get("cluster_lead"):
            raise NothingChanged(f"report {report_id!r} is not a copy")
        self.trigger_event(ev.ReportUnclustered, report_id=report_id, by=clean_text(by, "by", required=True, limit=200))
