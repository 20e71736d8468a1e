"""Trends: an organisation's figures over its stored runs, and the direction of change.

In: per-run figures (read from the store in SQL aggregates by the CLI: anything
shaped like :class:`RunFigures`). Out: a table, two column charts (pages with
failures; grouped issues by impact) and a one-line direction for the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional, Protocol, Sequence

from a11y_audit.audits.model import IMPACTS
from a11y_audit.reports.charts import ColumnChart, column_chart
from a11y_audit.reports.i18n import N_, Translator

#: Runs drawn in the charts at most (the table lists every run given).
CHART_RUNS = 12

IMPACT_LABELS = {
    "critical": N_("Critical"), "serious": N_("Serious"), "moderate": N_("Moderate"), "minor": N_("Minor"),
    "": N_("Unknown"),
}


class RunFigures(Protocol):
    """One run's figures for one organisation (``store.reader.RunSummary`` has this shape)."""

    run_id: int
    started_at: Optional[datetime]
    status: str
    pages_failed: int
    pages_with_violations: int
    violations: int
    needs_review: int
    issues_by_impact: dict[str, int]

    @property
    def pages_audited(self) -> int: ...

    @property
    def issues(self) -> int: ...


@dataclass
class TrendRow:
    run_id: int
    date: str
    status: str
    finished: bool
    pages_audited: int
    pages_with_violations: int
    share: str
    by_impact: list[int]
    issues: int
    violations: int
    current: bool


@dataclass
class TrendView:
    rows: list[TrendRow]
    impact_labels: list[str]
    issues_chart: Optional[ColumnChart]
    pages_chart: Optional[ColumnChart]

    @property
    def first_run(self) -> bool:
        return len(self.rows) < 2


@dataclass
class Direction:
    """How an organisation's latest run compares with its previous one."""

    #: better | worse | same | first
    trend: str
    label: str
    detail: str
    mark: str


def _day(value: Optional[datetime]) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d")


def trend_view(history: Sequence[RunFigures], current_run: int, tr: Translator) -> TrendView:
    """*history*: the organisation's runs up to the reported one, oldest first."""
    impacts = [*IMPACTS, ""]
    rows = []
    for run in history:
        audited = run.pages_audited
        by_impact = [run.issues_by_impact.get(impact, 0) for impact in impacts]
        rows.append(TrendRow(
            run_id=run.run_id, date=_day(run.started_at), status=run.status, finished=run.status == "finished",
            pages_audited=audited, pages_with_violations=run.pages_with_violations,
            share=tr.percent(run.pages_with_violations / audited) if audited else "–",
            by_impact=by_impact, issues=sum(by_impact), violations=run.violations, current=run.run_id == current_run,
        ))
    issues_chart = pages_chart = None
    drawn = rows[-CHART_RUNS:]
    if len(drawn) >= 2:
        labels = {impact: tr(IMPACT_LABELS[impact]) for impact in impacts}
        shown = [impact for impact in impacts if impact or any(r.by_impact[-1] for r in drawn)]
        issues_chart = column_chart(
            "trend-issues", tr("Grouped issues by impact, per run"),
            [
                (f"#{r.run_id}", r.date[5:], [(i or "unknown", labels[i], r.by_impact[impacts.index(i)]) for i in reversed(shown)],
                 tr.number(r.issues), r.current)
                for r in drawn
            ],
            series=[(i or "unknown", labels[i]) for i in shown],
        )
        pages_chart = column_chart(
            "trend-pages", tr("Pages with failures, per run"),
            [
                (f"#{r.run_id}", r.date[5:], [
                    ("failing", tr("Pages with failures"), r.pages_with_violations),
                    ("audited", tr("Pages without detected failures"), r.pages_audited - r.pages_with_violations),
                ], f"{tr.number(r.pages_with_violations)}/{tr.number(r.pages_audited)}", r.current)
                for r in drawn
            ],
            series=[("failing", tr("Pages with failures")), ("audited", tr("Pages without detected failures"))],
        )
    if not any(row.by_impact[-1] for row in rows):
        impacts = impacts[:-1]
        for row in rows:
            row.by_impact = row.by_impact[:-1]
    return TrendView(
        rows=rows, impact_labels=[tr(IMPACT_LABELS[i]) for i in impacts],
        issues_chart=issues_chart, pages_chart=pages_chart,
    )


def direction(new: Optional[int], fixed: Optional[int], tr: Translator) -> Direction:
    """The direction of change from the grouped issues new and fixed since the previous run
    (None: there is no previous run)."""
    if new is None or fixed is None:
        return Direction("first", tr("First run"), tr("No earlier run to compare with."), "•")
    detail = tr("%(new)s new, %(fixed)s fixed", new=tr.number(new), fixed=tr.number(fixed))
    if fixed > new:
        return Direction("better", tr.plural("Better: %(num)s issue fewer", "Better: %(num)s issues fewer", fixed - new), detail, "▼")
    if new > fixed:
        return Direction("worse", tr.plural("Worse: %(num)s issue more", "Worse: %(num)s issues more", new - fixed), detail, "▲")
    return Direction("same", tr("No change in the number of issues"), detail, "=")
