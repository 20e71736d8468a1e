"""A synthetic store of N pages and 20·N findings, for timing reports without crawling."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from sqlalchemy import insert

from a11y_audit.audits.fingerprint import fingerprint
from a11y_audit.store import ensure_schema, sync_engine
from a11y_audit.store.schema import FindingRow, Organisation, Page, Run, RunSite

RULES = [("image-alt", "critical", ["1.1.1"]), ("color-contrast", "serious", ["1.4.3"]),
         ("link-name", "serious", ["2.4.4", "4.1.2"]), ("label", "critical", ["4.1.2"]),
         ("target-size", "serious", ["2.5.8"]), ("html-has-lang", "serious", ["3.1.1"])]


def build_store(url: str, pages: int, findings_per_page: int = 20, organisations: int = 10, seed: int = 3) -> int:
    """Write one finished run with *pages* pages over *organisations*; return the number of findings."""
    rng = random.Random(seed)
    ensure_schema(url)
    engine = sync_engine(url)
    now = datetime.now(timezone.utc)
    total = 0
    with engine.begin() as conn:
        run_id = conn.execute(insert(Run).values(
            started_at=now, finished_at=now, status="finished", tool_version="bench",
            engines={"axe": "4.12.1"}, browser={"name": "chromium", "version": "bench"}, config={},
        ).returning(Run.id)).scalar_one()
        per_org = pages // organisations
        for o in range(organisations):
            org_id = f"org-{o}"
            conn.execute(insert(Organisation).values(id=org_id, name=f"Organisation {o}"))
            site_id = conn.execute(insert(RunSite).values(
                run_id=run_id, organisation_id=org_id, url=f"https://org{o}.example/", settings={"wcag": "2.2", "level": "AA"},
            ).returning(RunSite.id)).scalar_one()
            for p in range(per_org):
                page_id = conn.execute(insert(Page).values(
                    run_id=run_id, site_id=site_id, url=f"https://org{o}.example/page-{p}.html", status=200,
                    title=f"Page {p}", depth=1, redirects=[], engines={"axe": {"version": "4.12.1", "passes": 30, "inapplicable": 40}},
                    links=[], audited_at=now,
                ).returning(Page.id)).scalar_one()
                rows = []
                for i in range(findings_per_page):
                    # Template issues repeat on every page; the rest are page-specific.
                    shared = i < 12
                    rule, impact, wcag = RULES[i % len(RULES)]
                    selector = f"header > a:nth-child({i})" if shared else f"main > p:nth-child({rng.randint(1, 400)})"
                    html = f"<a class='nav-{i}' href='/x{i}'>" if shared else f"<p data-n='{p}-{i}'>"
                    rows.append({"page_id": page_id, "run_id": run_id, "engine": "axe", "rule": rule,
                                 "outcome": "violation" if i % 5 else "needs-review", "impact": impact, "wcag": wcag,
                                 "tags": [], "selector": selector, "html": html, "summary": "Fix this",
                                 "help": f"Help for {rule}", "help_url": f"https://dequeuniversity.com/rules/axe/4.12/{rule}",
                                 "fingerprint": fingerprint(rule, selector, html)})
                conn.execute(insert(FindingRow), rows)
                total += len(rows)
    engine.dispose()
    return total
