"""Reading stored runs back into the result model, for reports and exports.

Nothing here crawls: every report, export and verdict is a function of what
the crawler stored.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Iterable, Optional

from dataclasses import dataclass, field

from sqlalchemy import case, func, inspect, select
from sqlalchemy.engine import Engine

from a11y_audit.audits.model import (
    NEEDS_REVIEW,
    VIOLATION,
    DocumentResult,
    ElementScreenshot,
    EngineResult,
    Finding,
    OrganisationResults,
    PageResult,
    RunRecord,
    SiteRecord,
    Standard,
)
from a11y_audit.config.errors import StoreError
from a11y_audit.store.schema import Document, FindingRow, Organisation, Page, Run, RunSite, ScreenshotRow, SiteSample


@dataclass
class RunSummary:
    """An organisation's figures in one run, computed in SQL (for trends, without loading findings)."""

    run_id: int
    started_at: Optional[datetime]
    status: str
    pages: int = 0
    pages_failed: int = 0
    pages_with_violations: int = 0
    violations: int = 0
    needs_review: int = 0
    #: Grouped issues (violations, distinct fingerprints) by impact; "" for an unknown impact.
    issues_by_impact: dict[str, int] = field(default_factory=dict)

    @property
    def pages_audited(self) -> int:
        return self.pages - self.pages_failed

    @property
    def issues(self) -> int:
        return sum(self.issues_by_impact.values())


#: Impact → rank for SQL: a grouped issue takes its most severe impact (4: unknown).
_IMPACT_RANK = case(
    (FindingRow.impact == "critical", 0), (FindingRow.impact == "serious", 1),
    (FindingRow.impact == "moderate", 2), (FindingRow.impact == "minor", 3), else_=4,
)
_RANK_IMPACT = {0: "critical", 1: "serious", 2: "moderate", 3: "minor", 4: ""}


class StoreReader:
    """Read-only access to a store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._has_screenshots: Optional[bool] = None
        self._has_samples: Optional[bool] = None

    def has_screenshots_table(self) -> bool:
        """False for a store of schema version 1 that no crawl has upgraded yet."""
        if self._has_screenshots is None:
            with self.engine.connect() as conn:
                self._has_screenshots = inspect(conn).has_table(ScreenshotRow.__tablename__)
        return self._has_screenshots

    def has_samples_table(self) -> bool:
        """False for a store of schema version 1 or 2 that no crawl has upgraded yet."""
        if self._has_samples is None:
            with self.engine.connect() as conn:
                self._has_samples = inspect(conn).has_table(SiteSample.__tablename__)
        return self._has_samples

    def runs(self) -> list[RunRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(Run).order_by(Run.id)).all()
        return [_run_record(row) for row in rows]

    def run(self, run_id: int) -> RunRecord:
        with self.engine.connect() as conn:
            row = conn.execute(select(Run).where(Run.id == run_id)).first()
        if row is None:
            raise StoreError(f"--run {run_id}: no such run in the store")
        return _run_record(row)

    def latest_runs_by_organisation(self) -> dict[str, int]:
        """organisation id → id of the newest run that included it."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(RunSite.organisation_id, func.max(RunSite.run_id)).group_by(RunSite.organisation_id)
            ).all()
        return {org_id: run_id for org_id, run_id in rows}

    def previous_run_id(self, org_id: str, run_id: int) -> Optional[int]:
        """The newest run before *run_id* that included *org_id*, if any."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.max(RunSite.run_id)).where(RunSite.organisation_id == org_id, RunSite.run_id < run_id)
            ).scalar()

    def with_previous(self, results: list[OrganisationResults]) -> list[tuple[OrganisationResults, Optional[OrganisationResults]]]:
        """Each organisation's results paired with those of its previous run (or None)."""
        pairs = []
        for org in results:
            previous = self.previous_run_id(org.id, org.run.id)
            pairs.append((org, self.organisation_results(org.id, previous) if previous is not None else None))
        return pairs

    def run_summaries(self, org_id: str, until_run_id: Optional[int] = None, limit: Optional[int] = None) -> list[RunSummary]:
        """Per-run figures of *org_id*, oldest first: every run that included it (up to
        *until_run_id*, the newest *limit*). Four aggregate queries, whatever the number
        of runs and findings; no finding is loaded."""
        with self.engine.connect() as conn:
            run_query = (
                select(Run.id, Run.started_at, Run.status)
                .where(Run.id.in_(select(RunSite.run_id).where(RunSite.organisation_id == org_id)))
                .order_by(Run.id.desc())
            )
            if until_run_id is not None:
                run_query = run_query.where(Run.id <= until_run_id)
            if limit is not None:
                run_query = run_query.limit(limit)
            runs = conn.execute(run_query).all()
            if not runs:
                return []
            run_ids = [r.id for r in runs]
            sites = select(RunSite.id).where(RunSite.organisation_id == org_id, RunSite.run_id.in_(run_ids))
            summaries = {
                r.id: RunSummary(run_id=r.id, started_at=_utc(r.started_at), status=r.status) for r in reversed(runs)
            }
            for run_id, pages, failed in conn.execute(
                select(Page.run_id, func.count(), func.count(Page.error))
                .where(Page.site_id.in_(sites)).group_by(Page.run_id)
            ):
                summaries[run_id].pages, summaries[run_id].pages_failed = pages, failed
            of_org = (
                select(FindingRow.run_id, FindingRow.page_id, FindingRow.outcome, FindingRow.fingerprint, _IMPACT_RANK.label("rank"))
                .join(Page, Page.id == FindingRow.page_id)
                .where(Page.site_id.in_(sites))
                .subquery()
            )
            for run_id, outcome, count, pages in conn.execute(
                select(of_org.c.run_id, of_org.c.outcome, func.count(), func.count(of_org.c.page_id.distinct()))
                .group_by(of_org.c.run_id, of_org.c.outcome)
            ):
                if outcome == VIOLATION:
                    summaries[run_id].violations, summaries[run_id].pages_with_violations = count, pages
                elif outcome == NEEDS_REVIEW:
                    summaries[run_id].needs_review = count
            groups = (
                select(of_org.c.run_id, of_org.c.fingerprint, func.min(of_org.c.rank).label("rank"))
                .where(of_org.c.outcome == VIOLATION)
                .group_by(of_org.c.run_id, of_org.c.fingerprint)
                .subquery()
            )
            for run_id, rank, count in conn.execute(
                select(groups.c.run_id, groups.c.rank, func.count()).group_by(groups.c.run_id, groups.c.rank)
            ):
                summaries[run_id].issues_by_impact[_RANK_IMPACT.get(rank, "")] = count
        return list(summaries.values())

    def resumable_run(self, config_snapshot: dict) -> Optional[int]:
        """The newest unfinished run (killed or interrupted) made with this very configuration."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(Run.id, Run.config).where(Run.status.in_(("running", "interrupted"))).order_by(Run.id.desc())
            ).all()
        for run_id, config in rows:
            if config == config_snapshot:
                return run_id
        return None

    def stored_pages(self, run_id: int) -> dict[tuple[str, str], dict[str, tuple[list, list]]]:
        """(organisation, site URL) → {page URL: (links, redirects)} of a run, for resuming it."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(RunSite.organisation_id, RunSite.url, Page.url, Page.links, Page.redirects)
                .join(Page, Page.site_id == RunSite.id)
                .where(RunSite.run_id == run_id)
            ).all()
        stored: dict[tuple[str, str], dict[str, tuple[list, list]]] = defaultdict(dict)
        for org_id, site_url, url, links, redirects in rows:
            stored[(org_id, site_url)][url] = (list(links or []), list(redirects or []))
        return dict(stored)

    def stored_page(self, run_id: int, org_id: str, site_url: str, url: str) -> Optional[tuple[list, list]]:
        """One stored page's (links, redirects), or None: did a worker that died store it?"""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(Page.links, Page.redirects)
                .join(RunSite, Page.site_id == RunSite.id)
                .where(RunSite.run_id == run_id, RunSite.organisation_id == org_id, RunSite.url == site_url,
                       Page.url == url)
            ).first()
        return None if row is None else (list(row.links or []), list(row.redirects or []))

    def page_counts_by_organisation(self, run_id: int) -> dict[str, tuple[int, int]]:
        """organisation → (pages stored, of which with an error) in a run."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(RunSite.organisation_id, func.count(Page.id), func.count(Page.error))
                .join(Page, Page.site_id == RunSite.id)
                .where(RunSite.run_id == run_id)
                .group_by(RunSite.organisation_id)
            ).all()
        return {org: (int(pages), int(errors)) for org, pages, errors in rows}

    def run_counts(self, run_id: int) -> tuple[int, int, int]:
        """(pages, pages with errors, findings) stored for a run."""
        with self.engine.connect() as conn:
            pages = conn.execute(select(func.count()).select_from(Page).where(Page.run_id == run_id)).scalar() or 0
            errors = conn.execute(
                select(func.count()).select_from(Page).where(Page.run_id == run_id, Page.error.is_not(None))
            ).scalar() or 0
            findings = conn.execute(
                select(func.count()).select_from(FindingRow).where(FindingRow.run_id == run_id)
            ).scalar() or 0
        return pages, errors, findings

    def organisations_in_run(self, run_id: int) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(RunSite.organisation_id).where(RunSite.run_id == run_id).distinct()
            ).scalars().all()
        return sorted(rows)

    def selection(self, run_id: Optional[int] = None) -> list[tuple[str, int]]:
        """(organisation, run) pairs to report: all of *run_id*, else each organisation's latest."""
        if run_id is not None:
            self.run(run_id)
            return [(org, run_id) for org in self.organisations_in_run(run_id)]
        return sorted(self.latest_runs_by_organisation().items())

    def load(self, selection: Iterable[tuple[str, int]]) -> list[OrganisationResults]:
        return [self.organisation_results(org_id, run_id) for org_id, run_id in selection]

    def organisation_results(self, org_id: str, run_id: int) -> OrganisationResults:
        """Everything stored about *org_id* in run *run_id*."""
        run = self.run(run_id)
        with self.engine.connect() as conn:
            name = conn.execute(select(Organisation.name).where(Organisation.id == org_id)).scalar()
            site_rows = conn.execute(
                select(RunSite).where(RunSite.run_id == run_id, RunSite.organisation_id == org_id).order_by(RunSite.id)
            ).all()
            site_ids = [s.id for s in site_rows]
            page_rows = conn.execute(
                select(Page).where(Page.site_id.in_(site_ids)).order_by(Page.site_id, Page.url)
            ).all()
            finding_rows = conn.execute(
                select(FindingRow)
                .join(Page, Page.id == FindingRow.page_id)
                .where(Page.site_id.in_(site_ids))
                .order_by(FindingRow.id)
            ).all()
            doc_rows = conn.execute(
                select(Document).where(Document.site_id.in_(site_ids)).order_by(Document.url)
            ).all()
            shot_rows = conn.execute(
                select(ScreenshotRow.site_id, ScreenshotRow.fingerprint, Page.url, ScreenshotRow.media_type,
                       ScreenshotRow.width, ScreenshotRow.height, ScreenshotRow.data)
                .join(Page, Page.id == ScreenshotRow.page_id)
                .where(ScreenshotRow.site_id.in_(site_ids))
                .order_by(ScreenshotRow.id)
            ).all() if self.has_screenshots_table() else []
            sample_rows = conn.execute(
                select(SiteSample.site_id, SiteSample.record).where(SiteSample.site_id.in_(site_ids))
            ).all() if self.has_samples_table() else []
        if name is None:
            raise StoreError(f"organisation {org_id!r} is not in the store")

        findings_by_page: dict[int, list[Finding]] = defaultdict(list)
        for f in finding_rows:
            findings_by_page[f.page_id].append(
                Finding(
                    engine=f.engine, rule=f.rule, outcome=f.outcome, impact=f.impact, wcag=tuple(f.wcag or ()),
                    selector=f.selector, html=f.html, fingerprint=f.fingerprint, summary=f.summary,
                    help=f.help, help_url=f.help_url, tags=tuple(f.tags or ()),
                )
            )
        sites = {s.id: SiteRecord(url=s.url, settings=dict(s.settings or {})) for s in site_rows}
        for p in page_rows:
            sites[p.site_id].pages.append(
                PageResult(
                    id=p.id, url=p.url, site_url=sites[p.site_id].url, organisation_id=org_id,
                    final_url=p.final_url, status=p.status, title=p.title, error=p.error, depth=p.depth,
                    redirects=tuple(p.redirects or ()), content_type=p.content_type, fetch_ms=p.fetch_ms,
                    render_ms=p.render_ms, audit_ms=p.audit_ms, findings=findings_by_page.get(p.id, []),
                    engines=[
                        EngineResult(
                            engine=name_, version=e.get("version", ""), passes=e.get("passes", 0),
                            inapplicable=e.get("inapplicable", 0), error=e.get("error"), facts=e.get("facts") or {},
                        )
                        for name_, e in (p.engines or {}).items()
                    ],
                )
            )
        for d in doc_rows:
            sites[d.site_id].documents.append(
                DocumentResult(
                    url=d.url, site_url=sites[d.site_id].url, organisation_id=org_id,
                    content_type=d.content_type, status=d.status, size=d.size, checks=list(d.checks or []),
                )
            )
        for shot in shot_rows:
            sites[shot.site_id].screenshots[shot.fingerprint] = ElementScreenshot(
                fingerprint=shot.fingerprint, page_url=shot.url, media_type=shot.media_type,
                width=shot.width, height=shot.height, data=bytes(shot.data),
            )
        for site_id, record in sample_rows:
            sites[site_id].sampling = dict(record or {})
        first = site_rows[0].settings if site_rows else {}
        standard = Standard(wcag=str(first.get("wcag", "2.2")), level=str(first.get("level", "AA")))
        return OrganisationResults(id=org_id, name=name, run=run, sites=list(sites.values()), standard=standard)


def _utc(value: Optional[datetime]) -> Optional[datetime]:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _run_record(run) -> RunRecord:
    return RunRecord(
        id=run.id, started_at=_utc(run.started_at), finished_at=_utc(run.finished_at), status=run.status,
        tool_version=run.tool_version, engines=dict(run.engines or {}), browser=dict(run.browser or {}),
        config=dict(run.config or {}),
    )
