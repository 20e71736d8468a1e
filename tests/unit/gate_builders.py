"""Hand-built inputs for the gate and grouping tests: findings, pages, organisations.

``org("shop", {"/": [f1], "/a": [f1, f2]}, errors={"/broken": "timeout"})`` makes an
:class:`OrganisationResults` with one site whose pages carry those findings.
Paths are joined to ``https://<org>.example``; full URLs are kept as they are.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from a11y_audit.audits.model import (
    NEEDS_REVIEW,
    VIOLATION,
    EngineResult,
    Finding,
    OrganisationResults,
    PageResult,
    RunRecord,
    SiteRecord,
    Standard,
)

AXE = {"axe": "4.12.1"}
STARTED = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)


def finding(
    fingerprint: str,
    rule: str = "image-alt",
    impact: Optional[str] = "critical",
    outcome: str = VIOLATION,
    engine: str = "axe",
    selector: Optional[str] = None,
    html: Optional[str] = None,
    help: Optional[str] = None,
    help_url: str = "",
    wcag: tuple[str, ...] = ("1.1.1",),
) -> Finding:
    return Finding(
        engine=engine, rule=rule, outcome=outcome, impact=impact, wcag=wcag,
        selector=selector if selector is not None else f"#el-{fingerprint}",
        html=html if html is not None else f'<div id="el-{fingerprint}"></div>',
        fingerprint=fingerprint, summary=f"fix {rule}",
        help=help if help is not None else f"Help for {rule}", help_url=help_url,
    )


def review(fingerprint: str, **changes) -> Finding:
    return finding(fingerprint, outcome=NEEDS_REVIEW, **changes)


def url_of(org_id: str, path: str) -> str:
    return path if "://" in path else f"https://{org_id}.example{path}"


def org(
    org_id: str,
    pages: dict[str, list[Finding]],
    errors: Optional[dict[str, str]] = None,
    engines: Optional[dict[str, str]] = None,
    run_id: int = 7,
) -> OrganisationResults:
    engines = dict(AXE if engines is None else engines)
    site_url = f"https://{org_id}.example/"
    results = []
    for path, findings in pages.items():
        url = url_of(org_id, path)
        results.append(PageResult(
            url=url, site_url=site_url, organisation_id=org_id, final_url=url, status=200, title=path,
            findings=list(findings),
            engines=[EngineResult(engine=name, version=version, findings=[f for f in findings if f.engine == name])
                     for name, version in engines.items()],
        ))
    for path, error in (errors or {}).items():
        url = url_of(org_id, path)
        results.append(PageResult(url=url, site_url=site_url, organisation_id=org_id, error=error))
    run = RunRecord(
        id=run_id, started_at=STARTED, finished_at=STARTED, status="finished", tool_version="0.1.0",
        engines=engines, browser={"chromium": "140.0"}, config={},
    )
    return OrganisationResults(
        id=org_id, name=org_id.title(), run=run,
        sites=[SiteRecord(url=site_url, settings={}, pages=results)], standard=Standard(),
    )
