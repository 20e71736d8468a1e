"""View models: stored results shaped for the report templates.

Everything a template shows is computed here (texts in the report's language,
chart geometry, links), so templates hold no logic and a report is a pure
function of stored results. Lists that grow with the size of a site are capped
here with a count of what was left out; the full data is in the exports and,
per page, in the drill-down files (:mod:`reports.drilldown`).
"""

from __future__ import annotations

import base64
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Optional, Sequence
from urllib.parse import urlsplit

from a11y_audit.audits.grouping import IssueGroup, compare_groups, group_findings
from a11y_audit.audits.model import IMPACTS, NEEDS_REVIEW, VIOLATION, ElementScreenshot, OrganisationResults, PageResult
from a11y_audit.audits.wcag import criterion_title_in, principle_of, sc_key
from a11y_audit.reports.charts import BarChart, bar_chart
from a11y_audit.reports.coverage import CoverageView, coverage_view
from a11y_audit.reports.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from a11y_audit.reports.sampling import SampleView, sample_views
from a11y_audit.reports.trends import IMPACT_LABELS, Direction, RunFigures, TrendView, direction, trend_view

#: What automated testing cannot decide: shown in every organisation report.
LIMITS_OF_AUTOMATION = N_(
    "Automated checks find only part of the barriers disabled people meet: "
    "roughly a third in published comparisons. A page with no findings here is not "
    "proven accessible. Whether text alternatives are meaningful, whether the page "
    "can be used with a keyboard alone and a screen reader, whether captions are "
    "accurate, whether instructions and error messages are clear, and most of "
    "WCAG's other success criteria need a person to check them."
)

#: Grouped issues shown in full in the organisation report; the rest are in the issue list.
TOP_ISSUES = 10
#: Page URLs listed under one grouped issue.
PAGES_PER_ISSUE = 20
#: Review items and fixed issues listed in the organisation report.
MAX_ROWS = 200
#: Audited pages per drill-down file.
PAGES_PER_FILE = 50
#: Organisations' most common failure types on the index.
COMMON_FAILURES = 10
#: Grouped issues given page links and sites (those shown in the issue list; the rest are counted).
DETAILED_ISSUES = 1000
#: Image types a screenshot may be shown as (anything else in the store is not shown).
SCREENSHOT_TYPES = ("image/png", "image/webp", "image/jpeg")
#: Text alternative of an element screenshot.
SCREENSHOT_ALT = N_("Screenshot of the offending element, outlined: %(issue)s on %(page)s")

PRINCIPLE_KEYS = {"1": "perceivable", "2": "operable", "3": "understandable", "4": "robust"}
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def safe_href(url: Optional[str]) -> Optional[str]:
    """A page-supplied URL usable as a link, or None (no javascript:, data: …)."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def file_stem(org_id: str) -> str:
    """The organisation's file and folder name: its id when that is a safe name."""
    if _SAFE_NAME.match(org_id) and ".." not in org_id:
        return org_id
    return "org-" + re.sub(r"[^a-z0-9]+", "-", org_id.lower()).strip("-")[:60]


@dataclass
class Criterion:
    sc: str
    title: str


@dataclass
class PageLink:
    """A page URL and where its findings are listed, relative to the organisation's folder."""

    url: str
    href: Optional[str]


@dataclass
class Screenshot:
    """An image of an element or page (a ``data:image/…;base64`` URI, allowed by the CSP)
    and its text alternative (page text in it is escaped by the template)."""

    data_uri: str
    alt: str


@dataclass
class GroupedIssue:
    """A grouped issue as the report shows it."""

    group: IssueGroup
    criteria: list[Criterion]
    help_url: Optional[str]
    is_new: bool = False
    #: Position in the order of what to fix first (1 = most urgent).
    number: int = 0
    impact_key: str = "unknown"
    impact_label: str = ""
    #: Indices of the organisation's sites the issue shows on.
    sites: list[int] = field(default_factory=list)
    pages_shown: list[PageLink] = field(default_factory=list)
    pages_more: int = 0
    #: The issue's element, outlined, as captured on the first page that showed it (if it was).
    screenshot: Optional[Screenshot] = None

    def __getattr__(self, name: str):
        # Everything else (rule, impact, pages, instances, selector …) is the group's.
        if name == "group":
            raise AttributeError(name)
        return getattr(self.group, name)

    @property
    def anchor(self) -> str:
        return f"issue-{self.number}"

    @property
    def sc_list(self) -> str:
        return " ".join(c.sc for c in self.criteria)

    @property
    def site_list(self) -> str:
        return " ".join(str(i) for i in self.sites)

    @property
    def sort_sc(self) -> str:
        """Sortable text of the first criterion (``001.004.010``), ``999`` without one."""
        return ".".join(f"{part:03d}" for part in sc_key(self.criteria[0].sc)) if self.criteria else "999"


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
    #: Where every finding of the page is listed (relative to the organisation's folder).
    detail_href: Optional[str] = None


@dataclass
class ImpactCount:
    impact: str
    issues: int
    instances: int
    label: str = ""


@dataclass
class CriterionCount:
    sc: str
    title: str
    issues: int
    instances: int
    pages: int


@dataclass
class PrincipleCount:
    key: str
    label: str
    issues: int
    instances: int


@dataclass
class SincePrevious:
    """How the grouped issues changed since the organisation's previous run."""

    run_id: int
    date: str
    new: int
    fixed: list[GroupedIssue]
    unchanged: int

    @property
    def fixed_shown(self) -> list[GroupedIssue]:
        return self.fixed[:MAX_ROWS]

    @property
    def fixed_more(self) -> int:
        return max(0, len(self.fixed) - MAX_ROWS)


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
    lang: str = DEFAULT_LANGUAGE
    #: Folder (beside the report) with the issue list and the page drill-down files.
    folder: str = ""
    by_principle: list[PrincipleCount] = field(default_factory=list)
    impact_chart: Optional[BarChart] = None
    principle_chart: Optional[BarChart] = None
    coverage: Optional[CoverageView] = None
    trend: Optional[TrendView] = None
    direction: Optional[Direction] = None
    share_with_violations: str = ""
    page_files: list[str] = field(default_factory=list)
    #: Sites audited by template sample, with what was audited (reports/sampling.py).
    samples: list[SampleView] = field(default_factory=list)

    @property
    def issues_by_impact(self) -> dict[str, int]:
        return {row.impact: row.issues for row in self.by_impact}

    @property
    def main_impacts(self) -> list[ImpactCount]:
        """Issues of the four axe impacts (the index's columns), without the unknown one."""
        return [row for row in self.by_impact if row.impact in IMPACTS]

    @property
    def top_issues(self) -> list[GroupedIssue]:
        return self.issues[:TOP_ISSUES]

    @property
    def more_issues(self) -> int:
        return max(0, len(self.issues) - TOP_ISSUES)

    @property
    def review_shown(self) -> list[GroupedIssue]:
        return self.review_items[:MAX_ROWS]

    @property
    def review_more(self) -> int:
        return max(0, len(self.review_items) - MAX_ROWS)

    @property
    def issues_href(self) -> str:
        return f"{self.folder}/issues.html"


def grouped_issues(pages: list[PageResult], outcome: str, new: set[str] | None = None) -> list[GroupedIssue]:
    return [_view_of(g, new is not None and g.fingerprint in new) for g in group_findings(pages, outcome)]


@lru_cache(maxsize=None)
def _criterion(sc: str, lang: str) -> Criterion:
    return Criterion(sc, criterion_title_in(sc, lang))


def _view_of(group: IssueGroup, is_new: bool = False, tr: Optional[Translator] = None, number: int = 0,
             site_of: Optional[dict[str, int]] = None, detail_of: Optional[dict[str, str]] = None) -> GroupedIssue:
    """The report's view of *group*; page links and sites only with *site_of* (issues that
    are listed in full: computing them for 100,000 page-specific issues would be waste)."""
    tr = tr or translator(DEFAULT_LANGUAGE)
    impact = group.impact if group.impact in IMPACTS else ""
    detail_of = detail_of or {}
    return GroupedIssue(
        group=group,
        criteria=[_criterion(sc, tr.lang) for sc in group.wcag],
        help_url=safe_href(group.help_url),
        is_new=is_new,
        number=number,
        impact_key=impact or "unknown",
        impact_label=tr(IMPACT_LABELS[impact]),
        sites=sorted({site_of[url] for url in group.pages if url in site_of}) if site_of else [],
        pages_shown=[PageLink(url, detail_of.get(url)) for url in group.pages[:PAGES_PER_ISSUE]] if site_of else [],
        pages_more=max(0, len(group.pages) - PAGES_PER_ISSUE) if site_of else len(group.pages),
    )


def site_screenshots(results: OrganisationResults) -> dict[str, ElementScreenshot]:
    """fingerprint → one stored picture of it (the first site's, when several sites show it)."""
    shots: dict[str, ElementScreenshot] = {}
    for site in results.sites:
        for fingerprint, shot in site.screenshots.items():
            shots.setdefault(fingerprint, shot)
    return shots


def screenshot_view(shot: ElementScreenshot, issue: str, tr: Translator) -> Optional[Screenshot]:
    """A ``data:`` URI of *shot* with a text alternative that says what it shows, or None
    for an empty picture or a type the report does not show."""
    if shot.media_type not in SCREENSHOT_TYPES or not shot.data:
        return None
    data = base64.b64encode(shot.data).decode("ascii")
    return Screenshot(data_uri=f"data:{shot.media_type};base64,{data}",
                      alt=tr(SCREENSHOT_ALT, issue=issue, page=shot.page_url))


def page_files(audited: Sequence[PageResult]) -> tuple[list[str], dict[str, str]]:
    """Drill-down file names, and page URL → ``pages-K.html#page-N`` for every audited page."""
    ordered = sorted(audited, key=lambda p: p.url)
    files = [f"pages-{k + 1}.html" for k in range((len(ordered) + PAGES_PER_FILE - 1) // PAGES_PER_FILE)]
    hrefs = {p.url: f"{files[i // PAGES_PER_FILE]}#page-{i + 1}" for i, p in enumerate(ordered)}
    return files, hrefs


def organisation_view(
    results: OrganisationResults,
    previous: Optional[OrganisationResults] = None,
    history: Optional[Sequence[RunFigures]] = None,
    lang: str = DEFAULT_LANGUAGE,
) -> OrganisationView:
    """The report of *results*; with *previous* (the run before), what is new and fixed; with
    *history* (per-run figures up to this run, oldest first), the trend."""
    tr = translator(lang)
    pages = results.pages
    audited = [p for p in pages if not p.error]
    stem = file_stem(results.id)
    files, detail_of = page_files(audited)
    site_of = {p.url: i for i, site in enumerate(results.sites) for p in site.pages}

    since = None
    new_fingerprints: set[str] = set()
    violation_groups = group_findings(pages, VIOLATION)
    if previous is not None:
        comparison = compare_groups(group_findings(previous.pages, VIOLATION), violation_groups)
        new_fingerprints = comparison.new_fingerprints
        since = SincePrevious(
            run_id=previous.run.id, date=_date(previous.run.started_at), new=len(comparison.new),
            fixed=[_view_of(g, tr=tr) for g in comparison.fixed], unchanged=len(comparison.unchanged),
        )
    issues = [
        _view_of(g, g.fingerprint in new_fingerprints, tr, n, site_of if n <= DETAILED_ISSUES else None, detail_of)
        for n, g in enumerate(violation_groups, start=1)
    ]
    shots = site_screenshots(results)
    for issue in issues[:DETAILED_ISSUES]:
        if issue.fingerprint in shots:
            issue.screenshot = screenshot_view(shots[issue.fingerprint], issue.help or issue.rule, tr)
    review = [_view_of(g, False, tr, n) for n, g in enumerate(group_findings(pages, NEEDS_REVIEW), start=1)]

    by_impact = []
    for impact in IMPACTS:
        chosen = [i for i in issues if i.impact == impact]
        by_impact.append(ImpactCount(impact, len(chosen), sum(i.instances for i in chosen), tr(IMPACT_LABELS[impact])))
    unknown = [i for i in issues if i.impact not in IMPACTS]
    if unknown:
        by_impact.append(ImpactCount("unknown", len(unknown), sum(i.instances for i in unknown), tr(IMPACT_LABELS[""])))

    crit_issues: Counter[str] = Counter()
    crit_instances: Counter[str] = Counter()
    crit_pages: dict[str, set[str]] = defaultdict(set)
    principle_issues: Counter[str] = Counter()
    principle_instances: Counter[str] = Counter()
    for issue in issues:
        for principle in {c.sc.split(".")[0] for c in issue.criteria}:
            principle_issues[principle] += 1
            principle_instances[principle] += issue.instances
        for c in issue.criteria:
            crit_issues[c.sc] += 1
            crit_instances[c.sc] += issue.instances
            crit_pages[c.sc].update(issue.pages)
    by_criterion = [
        CriterionCount(sc, criterion_title_in(sc, lang), crit_issues[sc], crit_instances[sc], len(crit_pages[sc]))
        for sc in sorted(crit_issues, key=sc_key)
    ]
    by_principle = [
        PrincipleCount(key, principle_of(number, lang), principle_issues[number], principle_instances[number])
        for number, key in PRINCIPLE_KEYS.items()
    ]

    rows = [_page_row(p, detail_of.get(p.url)) for p in sorted(pages, key=lambda p: p.url)]
    run = results.run
    browser = run.browser or {}
    with_violations = sum(1 for p in audited if p.violations)
    view = OrganisationView(
        id=results.id,
        name=results.name,
        file_name=f"{stem}.html",
        run_id=run.id,
        run_status=run.status,
        date=_date(run.started_at),
        standard=str(results.standard),
        tool_version=run.tool_version,
        engines=[f"{name} {version}" for name, version in sorted(run.engines.items())],
        browser=" ".join(str(browser.get(k, "")) for k in ("name", "version")).strip() or tr("unknown"),
        sites=[
            {"url": s.url, "href": safe_href(s.url), "pages": len(s.pages), "documents": len(s.documents),
             "statement": _statement(s)}
            for s in results.sites
        ],
        pages_audited=len(audited),
        pages_failed=len(pages) - len(audited),
        pages_with_violations=with_violations,
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
        limits=tr(LIMITS_OF_AUTOMATION),
        lang=lang,
        folder=stem,
        by_principle=by_principle,
        impact_chart=bar_chart(
            "chart-impact", tr("Issues by impact on users"),
            [(row.impact, row.label, row.issues, tr.number(row.issues)) for row in by_impact],
        ),
        principle_chart=bar_chart(
            "chart-principle", tr("Issues by WCAG principle"),
            [(row.key, row.label, row.issues, tr.number(row.issues)) for row in by_principle],
        ),
        coverage=coverage_view(issues, review, run.engines, results.standard, tr),
        trend=trend_view(history, run.id, tr) if history else None,
        direction=direction(since.new, len(since.fixed), tr) if since else direction(None, None, tr),
        share_with_violations=tr.percent(with_violations / len(audited)) if audited else "–",
        page_files=files,
        samples=sample_views(results.sites, tr),
    )
    return view


def _page_row(p: PageResult, detail_href: Optional[str] = None) -> PageRow:
    return PageRow(
        url=p.url, href=safe_href(p.url), title=p.title, status=p.status, error=p.error,
        violations=len(p.violations), needs_review=len(p.needs_review), passes=p.passes,
        redirects=list(p.redirects), detail_href=detail_href,
    )


def _date(value: Optional[datetime]) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class CommonFailure:
    """A kind of failure (one rule) across every organisation."""

    rule: str
    engine: str
    help: str
    help_url: Optional[str]
    impact_label: str
    organisations: int
    pages: int
    issues: int


@dataclass
class IndexView:
    generated: str
    organisations: list[OrganisationView]
    pages_audited: int
    pages_with_violations: int
    lang: str = DEFAULT_LANGUAGE
    violations: int = 0
    share_with_violations: str = "–"
    violations_per_page: str = "–"
    common_failures: list[CommonFailure] = field(default_factory=list)
    impact_chart: Optional[BarChart] = None
    by_impact: list[ImpactCount] = field(default_factory=list)


def index_view(orgs: list[OrganisationView], lang: Optional[str] = None) -> IndexView:
    """Every organisation side by side, and the pledge as a whole."""
    lang = lang or (orgs[0].lang if orgs else DEFAULT_LANGUAGE)
    tr = translator(lang)
    audited = sum(o.pages_audited for o in orgs)
    failing = sum(o.pages_with_violations for o in orgs)
    violations = sum(o.violations for o in orgs)

    by_rule: dict[tuple[str, str], list] = {}
    for org in orgs:
        for issue in org.issues:
            key = (issue.engine, issue.rule)
            entry = by_rule.setdefault(key, [issue, set(), set(), 0])
            entry[1].add(org.id)
            entry[2].update((org.id, url) for url in issue.pages)
            entry[3] += 1
    common = sorted(by_rule.values(), key=lambda e: (-len(e[1]), -len(e[2]), -e[3], e[0].rule))[:COMMON_FAILURES]

    by_impact = []
    for impact in [*IMPACTS, "unknown"]:
        rows = [row for o in orgs for row in o.by_impact if row.impact == impact]
        if rows or impact != "unknown":
            by_impact.append(ImpactCount(
                impact, sum(r.issues for r in rows), sum(r.instances for r in rows),
                tr(IMPACT_LABELS[impact if impact in IMPACTS else ""]),
            ))
    return IndexView(
        generated=_date(datetime.now(timezone.utc)),
        organisations=sorted(orgs, key=lambda o: o.name.lower()),
        pages_audited=audited,
        pages_with_violations=failing,
        lang=lang,
        violations=violations,
        share_with_violations=tr.percent(failing / audited) if audited else "–",
        violations_per_page=tr.number(round(violations / audited, 1)) if audited else "–",
        common_failures=[
            CommonFailure(
                rule=issue.rule, engine=issue.engine, help=issue.help or issue.rule, help_url=issue.help_url,
                impact_label=issue.impact_label, organisations=len(org_ids), pages=len(page_keys), issues=count,
            )
            for issue, org_ids, page_keys, count in common
        ],
        impact_chart=bar_chart(
            "chart-impact-all", tr("Issues by impact on users, all organisations"),
            [(row.impact, row.label, row.issues, tr.number(row.issues)) for row in by_impact],
        ),
        by_impact=by_impact,
    )


def _statement(site) -> Optional[dict]:
    """The site's accessibility statement link (EU Web Accessibility Directive), if a page links one."""
    from a11y_audit.audits.site_checks import site_facts

    found = site_facts(site.url, site.pages).get("accessibility_statement")
    if not found:
        return None
    return {"url": found["url"], "href": safe_href(found["url"])}
