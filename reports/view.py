"""View models: stored results shaped for the report templates.

Everything a template shows is computed here, so templates hold no logic and
a report is a pure function of stored results.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional
from urllib.parse import urlsplit

from audits.model import (
    IMPACTS,
    NEEDS_REVIEW,
    VIOLATION,
    Finding,
    OrganisationResults,
    PageResult,
    impact_rank,
)
from audits.wcag import criterion_title

#: How much one affected page weighs, by impact, when ordering what to fix first.
IMPACT_WEIGHT = {"critical": 10, "serious": 5, "moderate": 2, "minor": 1}

#: What automated testing cannot decide: shown in every organisation report.
LIMITS_OF_AUTOMATION = (
    "Automated checks find only part of the barriers disabled people meet: "
    "roughly a third in published comparisons. A page with no findings here is not "
    "proven accessible. Whether text alternatives are meaningful, whether the page "
    "can be used with a keyboard alone and a screen reader, whether captions are "
    "accurate, whether instructions and error messages are clear, and most of "
    "WCAG's other success criteria need a person to check them."
)


def safe_href(url: Optional[str]) -> Optional[str]:
    """A page-supplied URL usable as a link, or None (no javascript:, data: …)."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


@dataclass
class Criterion:
    sc: str
    title: str


@dataclass
class GroupedIssue:
    """Findings with one fingerprint: one problem on one element, on N pages."""

    fingerprint: str
    engine: str
    rule: str
    outcome: str
    impact: Optional[str]
    criteria: list[Criterion]
    help: str
    help_url: Optional[str]
    summary: str
    example_selector: str
    example_html: str
    example_page: str
    pages: list[str] = field(default_factory=list)
    instances: int = 0

    @property
    def score(self) -> int:
        return IMPACT_WEIGHT.get(self.impact or "", 1) * len(self.pages)

    @property
    def sort_key(self) -> tuple:
        return (self.outcome != VIOLATION, impact_rank(self.impact), -len(self.pages), self.rule, self.fingerprint)


@dataclass
class PageRow:
    url: str
    href: Optional[str]
    title: Optional[str]
    status: Optional[int]
    error: Optional[str]
    violations: int
    needs_review: int
    passes: int
    redirects: list[str]


@dataclass
class ImpactCount:
    impact: str
    issues: int
    instances: int


@dataclass
class CriterionCount:
    sc: str
    title: str
    issues: int
    instances: int
    pages: int


@dataclass
class OrganisationView:
    id: str
    name: str
    file_name: str
    run_id: int
    run_status: str
    date: str
    standard: str
    tool_version: str
    engines: list[str]
    browser: str
    sites: list[dict]
    pages_audited: int
    pages_failed: int
    pages_with_violations: int
    violations: int
    needs_review: int
    by_impact: list[ImpactCount]
    by_criterion: list[CriterionCount]
    issues: list[GroupedIssue]
    review_items: list[GroupedIssue]
    pages: list[PageRow]
    failed_pages: list[PageRow]
    documents: list[dict]
    limits: str = LIMITS_OF_AUTOMATION

    @property
    def issues_by_impact(self) -> dict[str, int]:
        return {row.impact: row.issues for row in self.by_impact}


def group_findings(pages: list[PageResult], outcome: str) -> list[GroupedIssue]:
    """Group an organisation's findings of one outcome by fingerprint, most urgent first."""
    groups: dict[str, GroupedIssue] = {}
    pages_of: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        for f in page.findings:
            if f.outcome != outcome:
                continue
            issue = groups.get(f.fingerprint)
            if issue is None:
                issue = groups[f.fingerprint] = _new_issue(f, page.url)
            issue.instances += 1
            pages_of[f.fingerprint].add(page.url)
    for fp, issue in groups.items():
        issue.pages = sorted(pages_of[fp])
    return sorted(groups.values(), key=lambda i: (i.outcome != VIOLATION, -i.score, i.sort_key))


def _new_issue(f: Finding, page_url: str) -> GroupedIssue:
    return GroupedIssue(
        fingerprint=f.fingerprint, engine=f.engine, rule=f.rule, outcome=f.outcome, impact=f.impact,
        criteria=[Criterion(sc, criterion_title(sc)) for sc in f.wcag],
        help=f.help, help_url=safe_href(f.help_url), summary=f.summary,
        example_selector=f.selector, example_html=f.html, example_page=page_url,
    )


def organisation_view(results: OrganisationResults) -> OrganisationView:
    pages = results.pages
    audited = [p for p in pages if not p.error]
    issues = group_findings(pages, VIOLATION)
    review = group_findings(pages, NEEDS_REVIEW)

    by_impact = []
    for impact in IMPACTS:
        chosen = [i for i in issues if i.impact == impact]
        by_impact.append(ImpactCount(impact, len(chosen), sum(i.instances for i in chosen)))

    crit_issues: Counter[str] = Counter()
    crit_instances: Counter[str] = Counter()
    crit_pages: dict[str, set[str]] = defaultdict(set)
    for issue in issues:
        for c in issue.criteria:
            crit_issues[c.sc] += 1
            crit_instances[c.sc] += issue.instances
            crit_pages[c.sc].update(issue.pages)
    by_criterion = [
        CriterionCount(sc, criterion_title(sc), crit_issues[sc], crit_instances[sc], len(crit_pages[sc]))
        for sc in sorted(crit_issues, key=lambda s: tuple(int(x) for x in s.split(".")))
    ]

    rows = [_page_row(p) for p in sorted(pages, key=lambda p: p.url)]
    run = results.run
    browser = run.browser or {}
    return OrganisationView(
        id=results.id,
        name=results.name,
        file_name=f"{results.id}.html",
        run_id=run.id,
        run_status=run.status,
        date=_date(run.started_at),
        standard=str(results.standard),
        tool_version=run.tool_version,
        engines=[f"{name} {version}" for name, version in sorted(run.engines.items())],
        browser=" ".join(str(browser.get(k, "")) for k in ("name", "version")).strip() or "unknown",
        sites=[
            {"url": s.url, "href": safe_href(s.url), "pages": len(s.pages), "documents": len(s.documents)}
            for s in results.sites
        ],
        pages_audited=len(audited),
        pages_failed=len(pages) - len(audited),
        pages_with_violations=sum(1 for p in audited if p.violations),
        violations=sum(len(p.violations) for p in pages),
        needs_review=sum(len(p.needs_review) for p in pages),
        by_impact=by_impact,
        by_criterion=by_criterion,
        issues=issues,
        review_items=review,
        pages=[r for r in rows if not r.error],
        failed_pages=[r for r in rows if r.error],
        documents=[
            {"url": d.url, "href": safe_href(d.url), "content_type": d.content_type or "", "size": d.size}
            for d in results.documents
        ],
    )


def _page_row(p: PageResult) -> PageRow:
    return PageRow(
        url=p.url, href=safe_href(p.url), title=p.title, status=p.status, error=p.error,
        violations=len(p.violations), needs_review=len(p.needs_review), passes=p.passes,
        redirects=list(p.redirects),
    )


def _date(value: Optional[datetime]) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class IndexView:
    generated: str
    organisations: list[OrganisationView]
    pages_audited: int
    pages_with_violations: int


def index_view(orgs: list[OrganisationView]) -> IndexView:
    return IndexView(
        generated=_date(datetime.now(timezone.utc)),
        organisations=sorted(orgs, key=lambda o: o.name.lower()),
        pages_audited=sum(o.pages_audited for o in orgs),
        pages_with_violations=sum(o.pages_with_violations for o in orgs),
    )
