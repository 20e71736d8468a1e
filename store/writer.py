"""Writing a run as it happens: each page is committed as soon as it is audited.

Used from the crawler's event loop through an async engine. A page is unique per
(site, URL) in a run: a second save of the same page is ignored, so a retried
or resumed page is never stored twice.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from a11y_audit.audits.model import DocumentResult, PageResult
from a11y_audit.store.database import async_engine
from a11y_audit.store.schema import Document, FindingRow, Organisation, Page, Run, RunSite, ScreenshotRow, SiteSample


def _now() -> datetime:
    return datetime.now(timezone.utc)


class RunWriter:
    """Append-only writer of one run."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.run_id: int | None = None
        self.site_ids: dict[tuple[str, str], int] = {}

    @classmethod
    def from_url(cls, url: str) -> "RunWriter":
        return cls(async_engine(url))

    def _insert_ignore(self, table):
        """INSERT … ON CONFLICT DO NOTHING in the engine's dialect."""
        dialect = self.engine.dialect.name
        stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        return stmt.on_conflict_do_nothing()

    async def start_run(
        self,
        config: dict[str, Any],
        tool_version: str,
        organisations: list[tuple[str, str, list[tuple[str, dict[str, Any]]]]],
    ) -> int:
        """Create the run, its organisations and sites; return the run id."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                insert(Run).values(
                    started_at=_now(), status="running", tool_version=tool_version,
                    engines={}, browser={}, config=config,
                ).returning(Run.id)
            )
            self.run_id = result.scalar_one()
            for org_id, org_name, sites in organisations:
                await conn.execute(self._insert_ignore(Organisation).values(id=org_id, name=org_name))
                await conn.execute(update(Organisation).where(Organisation.id == org_id).values(name=org_name))
                for url, settings in sites:
                    site = await conn.execute(
                        insert(RunSite).values(
                            run_id=self.run_id, organisation_id=org_id, url=url, settings=settings
                        ).returning(RunSite.id)
                    )
                    self.site_ids[(org_id, url)] = site.scalar_one()
        return self.run_id

    async def add_site(self, org_id: str, org_name: str, url: str, settings: dict[str, Any]) -> int:
        """Add a site (and its organisation, if new) to the running run; return the site id.

        For runs whose sites are only known as they go, such as a pytest session
        (a11y_audit.pytest_plugin). A site already in the run is returned as it is.
        """
        if (org_id, url) in self.site_ids:
            return self.site_ids[(org_id, url)]
        async with self.engine.begin() as conn:
            await conn.execute(self._insert_ignore(Organisation).values(id=org_id, name=org_name))
            site = await conn.execute(
                insert(RunSite).values(run_id=self.run_id, organisation_id=org_id, url=url, settings=settings)
                .returning(RunSite.id)
            )
            self.site_ids[(org_id, url)] = site.scalar_one()
        return self.site_ids[(org_id, url)]

    async def attach(self, run_id: int) -> None:
        """Continue writing an existing (interrupted) run."""
        self.run_id = run_id
        async with self.engine.begin() as conn:
            rows = await conn.execute(select(RunSite.organisation_id, RunSite.url, RunSite.id).where(RunSite.run_id == run_id))
            self.site_ids = {(org, url): site_id for org, url, site_id in rows}
            await conn.execute(update(Run).where(Run.id == run_id).values(status="running", finished_at=None))

    async def record_versions(self, engines: dict[str, str], browser: dict[str, str]) -> None:
        """Store engine and browser versions once they are known (after the first page)."""
        async with self.engine.begin() as conn:
            await conn.execute(update(Run).where(Run.id == self.run_id).values(engines=engines, browser=browser))

    async def save_page(self, page: PageResult) -> bool:
        """Commit *page*, its findings and screenshots in one transaction; False if it was already stored."""
        site_id = self.site_ids[(page.organisation_id, page.site_url)]
        engines = {
            e.engine: {"version": e.version, "passes": e.passes, "inapplicable": e.inapplicable, "error": e.error,
                       "facts": e.facts}
            for e in page.engines
        }
        async with self.engine.begin() as conn:
            result = await conn.execute(
                self._insert_ignore(Page).values(
                    run_id=self.run_id, site_id=site_id, url=page.url, final_url=page.final_url,
                    status=page.status, title=page.title, error=page.error, depth=page.depth,
                    redirects=list(page.redirects), content_type=page.content_type,
                    fetch_ms=page.fetch_ms, render_ms=page.render_ms, audit_ms=page.audit_ms,
                    engines=engines, links=page.links, audited_at=_now(),
                ).returning(Page.id)
            )
            page_id = result.scalar()
            if page_id is None:
                return False
            if page.findings:
                await conn.execute(
                    insert(FindingRow),
                    [
                        {
                            "page_id": page_id, "run_id": self.run_id, "engine": f.engine, "rule": f.rule,
                            "outcome": f.outcome, "impact": f.impact, "wcag": list(f.wcag), "tags": list(f.tags),
                            "selector": f.selector, "html": f.html, "summary": f.summary, "help": f.help,
                            "help_url": f.help_url, "fingerprint": f.fingerprint,
                        }
                        for f in page.findings
                    ],
                )
            if page.screenshots:
                # One picture per site and grouped issue: a page audited at the same time
                # (or before a resume) may have supplied it already.
                await conn.execute(
                    self._insert_ignore(ScreenshotRow),
                    [
                        {
                            "run_id": self.run_id, "site_id": site_id, "page_id": page_id,
                            "fingerprint": shot.fingerprint, "media_type": shot.media_type,
                            "width": shot.width, "height": shot.height, "data": shot.data,
                        }
                        for shot in page.screenshots
                    ],
                )
        return True

    async def save_document(self, doc: DocumentResult) -> None:
        site_id = self.site_ids[(doc.organisation_id, doc.site_url)]
        async with self.engine.begin() as conn:
            await conn.execute(
                self._insert_ignore(Document).values(
                    run_id=self.run_id, site_id=site_id, url=doc.url,
                    content_type=doc.content_type, status=doc.status, size=doc.size, checks=doc.checks,
                )
            )

    async def save_samples(self, records: dict[tuple[str, str], dict[str, Any]]) -> None:
        """What was audited per site, {(organisation id, site URL): Sampler.record()}; a site
        recorded before (a second worker of a shared run) keeps its first record."""
        values = [
            {"site_id": self.site_ids[key], "run_id": self.run_id, "method": record["method"], "record": record}
            for key, record in records.items() if key in self.site_ids
        ]
        if values:
            async with self.engine.begin() as conn:
                await conn.execute(self._insert_ignore(SiteSample), values)

    async def finish_run(self, status: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(Run).where(Run.id == self.run_id).values(status=status, finished_at=_now()))

    async def close(self) -> None:
        await self.engine.dispose()


def add_site_findings(engine, run_id: int, findings: dict[tuple[str, str], list]) -> int:
    """Attach findings of site-level checks (computed from stored pages after a crawl)
    to the pages they concern: {(site URL, page URL): [Finding]}. Returns how many."""
    count = 0
    with engine.begin() as conn:
        rows = conn.execute(
            select(Page.id, RunSite.url, Page.url).join(RunSite, RunSite.id == Page.site_id).where(Page.run_id == run_id)
        ).all()
        ids = {(site_url, url): page_id for page_id, site_url, url in rows}
        values = []
        for key, items in findings.items():
            page_id = ids.get(key)
            if page_id is None:
                continue
            for f in items:
                values.append({
                    "page_id": page_id, "run_id": run_id, "engine": f.engine, "rule": f.rule, "outcome": f.outcome,
                    "impact": f.impact, "wcag": list(f.wcag), "tags": list(f.tags), "selector": f.selector,
                    "html": f.html, "summary": f.summary, "help": f.help, "help_url": f.help_url,
                    "fingerprint": f.fingerprint,
                })
        if values:
            conn.execute(insert(FindingRow), values)
            count = len(values)
    return count
