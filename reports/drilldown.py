"""Views for the files beside an organisation's report: the full issue list and the
per-page drill-down.

``<org>/issues.html`` lists every grouped issue (up to :data:`MAX_ISSUES`) with
plain-HTML ways in (by impact, success criterion, engine and site) and a form
that a small script turns into filters and sorting. ``<org>/pages-K.html``
lists every finding of :data:`~reports.view.PAGES_PER_FILE` pages each; the
chunks are built one at a time so a large site never sits in memory twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional

from a11y_audit.audits.model import IMPACT_RANK, IMPACTS, NEEDS_REVIEW, VIOLATION, OrganisationResults, PageResult
from a11y_audit.audits.wcag import criterion_title_in, sc_key
from a11y_audit.reports.i18n import N_, translator
from a11y_audit.reports.trends import IMPACT_LABELS
from a11y_audit.reports.view import DETAILED_ISSUES, PAGES_PER_FILE, GroupedIssue, OrganisationView, Screenshot, safe_href

#: Grouped issues in the issue list at most (the exports have all).
MAX_ISSUES = DETAILED_ISSUES
#: Links per value in the plain-HTML "browse by" lists.
LINKS_PER_VALUE = 50
#: Findings listed per page at most (axe already keeps at most 50 nodes per rule).
MAX_FINDINGS_PER_PAGE = 500

SORTS = (
    ("priority", N_("What to fix first")),
    ("pages", N_("Most pages affected")),
    ("instances", N_("Most failures")),
    ("sc", N_("Success criterion")),
    ("rule", N_("Rule")),
)
OUTCOME_LABELS = {VIOLATION: N_("Failure"), NEEDS_REVIEW: N_("Needs review")}


@dataclass
class Option:
    value: str
    label: str
    count: int


@dataclass
class IssueLink:
    number: int
    label: str
    anchor: str


@dataclass
class BrowseGroup:
    """One value of one facet (an impact, a criterion …) and links to its issues."""

    id: str
    label: str
    count: int
    links: list[IssueLink]
    more: int


@dataclass
class Facet:
    key: str
    label: str
    browse_label: str
    options: list[Option]
    groups: list[BrowseGroup]


@dataclass
class IssueListView:
    org: OrganisationView
    issues: list[GroupedIssue]
    total: int
    facets: list[Facet]
    sorts: list[Option]

    @property
    def more(self) -> int:
        return self.total - len(self.issues)


def issue_list_view(org: OrganisationView) -> IssueListView:
    tr = translator(org.lang)
    issues = org.issues[:MAX_ISSUES]

    def facet(key: str, label: str, browse_label: str, values: list[tuple[str, str]], members) -> Facet:
        options, groups = [], []
        for value, value_label in values:
            chosen = [i for i in issues if members(i, value)]
            if not chosen:
                continue
            options.append(Option(value, value_label, len(chosen)))
            groups.append(BrowseGroup(
                id=f"by-{key}-{_slug(value)}", label=value_label, count=len(chosen),
                links=[IssueLink(i.number, i.help or i.rule, i.anchor) for i in chosen[:LINKS_PER_VALUE]],
                more=max(0, len(chosen) - LINKS_PER_VALUE),
            ))
        return Facet(key, label, browse_label, options, groups)

    impacts = [(i, tr(IMPACT_LABELS[i])) for i in IMPACTS] + [("unknown", tr(IMPACT_LABELS[""]))]
    criteria = sorted({c.sc for i in issues for c in i.criteria}, key=sc_key)
    engines = sorted({i.engine for i in issues})
    return IssueListView(
        org=org,
        issues=issues,
        total=len(org.issues),
        facets=[
            facet("impact", tr("Impact"), tr("By impact"), impacts, lambda i, v: i.impact_key == v),
            facet("sc", tr("Success criterion"), tr("By success criterion"),
                  [(sc, f"{sc} {criterion_title_in(sc, org.lang)}") for sc in criteria],
                  lambda i, v: any(c.sc == v for c in i.criteria)),
            facet("engine", tr("Engine"), tr("By engine"), [(e, e) for e in engines], lambda i, v: i.engine == v),
            facet("site", tr("Site"), tr("By site"), [(str(n), s["url"]) for n, s in enumerate(org.sites)],
                  lambda i, v: int(v) in i.sites),
        ],
        sorts=[Option(key, tr(label), 0) for key, label in SORTS],
    )


def _slug(value: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in value.lower())


@dataclass
class ElementView:
    """One element a rule flagged on a page."""

    selector: str
    html: str
    #: The grouped issue in the issue list (``issues.html#issue-N``), when it is listed there.
    issue_href: Optional[str]
    issue_text: str


@dataclass
class RuleFindings:
    """Every element one rule failed (or needs review for) on one page."""

    outcome: str
    outcome_label: str
    #: CSS class of its badge: the impact for failures, ``review`` for the rest.
    badge: str
    impact_label: str
    rule: str
    help: str
    help_url: Optional[str]
    criteria: str
    summary: str
    elements: list[ElementView]
    #: "3 elements", in the report's language.
    elements_text: str = ""


@dataclass
class PageDetail:
    number: int
    anchor: str
    url: str
    href: Optional[str]
    title: Optional[str]
    status: Optional[int]
    violations: int
    needs_review: int
    passes: int
    rules: list[RuleFindings]
    findings_more: int
    #: Slot for a screenshot of the page; the crawler does not capture one yet.
    screenshot: Optional[Screenshot] = None


@dataclass
class PagerLink:
    label: str
    href: str
    current: bool


@dataclass
class ChunkLabels:
    """Words repeated for every rule on every page, translated once per file."""

    rule: str
    how_to_fix: str
    what_fails: str


@dataclass
class PageChunkView:
    org: OrganisationView
    file_name: str
    number: int
    first: int
    last: int
    total: int
    pages: list[PageDetail]
    pager: list[PagerLink]
    labels: ChunkLabels
    previous_href: Optional[str] = None
    next_href: Optional[str] = None
    files: list[str] = field(default_factory=list)


def page_chunks(results: OrganisationResults, org: OrganisationView) -> Iterator[PageChunkView]:
    """The drill-down files of *org*, one at a time, in the order of ``org.page_files``."""
    tr = translator(org.lang)
    audited = sorted((p for p in results.pages if not p.error), key=lambda p: p.url)
    link_text = tr("Issue %(n)s in the issue list")
    listed = {i.fingerprint: (f"issues.html#{i.anchor}", link_text % {"n": i.number}) for i in org.issues[:MAX_ISSUES]}
    outcome_labels = {outcome: tr(label) for outcome, label in OUTCOME_LABELS.items()}
    impact_labels = {impact: tr(label) for impact, label in IMPACT_LABELS.items()}
    labels = ChunkLabels(rule=tr("Rule"), how_to_fix=tr("How to fix:"), what_fails=tr("What exactly fails"))
    files = org.page_files
    pager = [(f"{k * PAGES_PER_FILE + 1}–{min((k + 1) * PAGES_PER_FILE, len(audited))}", name)
             for k, name in enumerate(files)]
    for k, name in enumerate(files):
        chunk = audited[k * PAGES_PER_FILE:(k + 1) * PAGES_PER_FILE]
        yield PageChunkView(
            org=org, file_name=name, number=k + 1, first=k * PAGES_PER_FILE + 1,
            last=k * PAGES_PER_FILE + len(chunk), total=len(audited),
            pages=[_detail(p, k * PAGES_PER_FILE + i + 1, listed, outcome_labels, impact_labels, tr) for i, p in enumerate(chunk)],
            pager=[PagerLink(label, href, href == name) for label, href in pager],
            labels=labels,
            previous_href=files[k - 1] if k else None,
            next_href=files[k + 1] if k + 1 < len(files) else None,
            files=files,
        )


def _detail(page: PageResult, number: int, listed: dict[str, tuple[str, str]], outcome_labels: dict[str, str],
            impact_labels: dict[str, str], tr) -> PageDetail:
    ordered = sorted(
        page.findings, key=lambda f: (f.outcome != VIOLATION, IMPACT_RANK.get(f.impact or "", len(IMPACTS)), f.rule)
    )
    shown = ordered[:MAX_FINDINGS_PER_PAGE]
    rules: dict[tuple[str, str, str], RuleFindings] = {}
    for f in shown:
        impact = f.impact if f.impact in IMPACTS else ""
        key = (f.outcome, f.engine, f.rule)
        entry = rules.get(key)
        if entry is None:
            entry = rules[key] = RuleFindings(
                outcome=f.outcome, outcome_label=outcome_labels.get(f.outcome, f.outcome),
                badge=(impact or "unknown") if f.outcome == VIOLATION else "review",
                impact_label=impact_labels[impact] if f.outcome == VIOLATION else "",
                rule=f.rule, help=f.help or f.rule, help_url=safe_href(f.help_url), criteria=", ".join(f.wcag),
                summary=f.summary, elements=[],
            )
        issue = listed.get(f.fingerprint) if f.outcome == VIOLATION else None
        entry.elements.append(ElementView(f.selector, f.html, issue[0] if issue else None, issue[1] if issue else ""))
    for entry in rules.values():
        entry.elements_text = tr.plural("%(num)s element", "%(num)s elements", len(entry.elements))
    return PageDetail(
        number=number, anchor=f"page-{number}", url=page.url, href=safe_href(page.url), title=page.title,
        status=page.status, violations=len(page.violations), needs_review=len(page.needs_review), passes=page.passes,
        rules=list(rules.values()), findings_more=len(ordered) - len(shown),
    )
