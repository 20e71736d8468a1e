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

from audits.grouping import IssueGroup, compare_groups, group_findings
from audits.model import IMPACTS, NEEDS_REVIEW, VIOLATION, OrganisationResults, PageResult
from audits.wcag import criterion_title

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
    """A grouped issue as the report shows it."""

    group: IssueGroup
    criteria: list[Criterion]
    help_url: Optional[str]
    is_new: bool = False

    def __getattr__(self, name: str):
        # Everything else (rule, impact, pages, instances, selector …) is the group's.
        return getattr(self.group, name)


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
class SincePrevious:
    """How the grouped issues changed since the organisation's previous run."""

    run_id: int
    date: str
    new: int
    fixed: list[GroupedIssue]
    unchanged: int


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
    since_previous: Optional[SincePrevious] = None
    limits: str = LIMITS_OF_AUTOMATION

    @property
    def issues_by_impact(self) -> dict[str, int]:
        return {row.impact: row.issues for row in self.by_impact}


def grouped_issues(pages: list[PageResult], outcome: str, new: set[str] | None = None) -> list[GroupedIssue]:
    return [_view_of(g, new is not None and g.fingerprint in new) for g in group_findings(pages, outcome)]


def _view_of(group: IssueGroup, is_new: bool = False) -> GroupedIssue:
    return GroupedIssue(
        group=group,
        criteria=[Criterion(sc, criterion_title(sc)) for sc in group.wcag],
        help_url=safe_href(group.help_url),
        is_new=is_new,
    )


def organisation_view(results: OrganisationResults, previous: Optional[OrganisationResults] = None) -> OrganisationView:
    """The report of *results*; with *previous* (the run before), what is new and fixed."""
    pages = results.pages
    audited = [p for p in pages if not p.error]
    since = None
    new_fingerprints = None
    if previous is not None:
        comparison = compare_groups(group_findings(previous.pages), group_findings(pages))
        new_fingerprints = comparison.new_fingerprints
        since = SincePrevious(
            run_id=previous.run.id, date=_date(previous.run.started_at), new=len(comparison.new),
            fixed=[_view_of(g) for g in comparison.fixed], unchanged=len(comparison.unchanged),
        )
    issues = grouped_issues(pages, VIOLATION, new_fingerprints)
    review = grouped_issues(pages, NEEDS_REVIEW)

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
        since_previous=since,
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
