"""The result model: what auditing a page produces, and what reports read.

Plain dataclasses with no database or browser behind them, so that the store
can persist them and reports can render them without either. Outcomes keep
axe-core's distinction: a *violation* failed a check; *needs-review* is what an
engine could not decide (axe's "incomplete"). Passes and inapplicable rules are
kept as counts per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

VIOLATION = "violation"
NEEDS_REVIEW = "needs-review"
OUTCOMES = (VIOLATION, NEEDS_REVIEW)

#: axe-core's impact levels, most severe first.
IMPACTS = ("critical", "serious", "moderate", "minor")
IMPACT_RANK = {name: rank for rank, name in enumerate(IMPACTS)}


def impact_rank(impact: Optional[str]) -> int:
    """Sort key: 0 for critical … 4 for unknown impact."""
    return IMPACT_RANK.get(impact or "", len(IMPACTS))


@dataclass(frozen=True)
class Standard:
    """The WCAG version and conformance level audited against."""

    wcag: str = "2.2"
    level: str = "AA"

    def __str__(self) -> str:
        return f"WCAG {self.wcag} {self.level}"


@dataclass
class Finding:
    """One element that failed, or needs review for, one rule on one page."""

    engine: str
    rule: str
    outcome: str
    impact: Optional[str]
    wcag: tuple[str, ...]
    selector: str
    html: str
    fingerprint: str
    summary: str = ""
    help: str = ""
    help_url: str = ""
    tags: tuple[str, ...] = ()


@dataclass
class EngineResult:
    """What one engine said about one page."""

    engine: str
    version: str
    findings: list[Finding] = field(default_factory=list)
    passes: int = 0
    inapplicable: int = 0
    error: Optional[str] = None
    #: What the engine observed that site-level checks need later (e.g. navigation links,
    #: declared language): stored with the page, JSON-serialisable.
    facts: dict = field(default_factory=dict)


@dataclass
class ElementScreenshot:
    """A cropped picture of one offending element, outlined, taken when the page was audited
    (:mod:`audits.screenshots`): one per grouped issue and site in a run."""

    fingerprint: str
    #: The page it was taken on (the first in the run that showed the issue).
    page_url: str
    #: ``image/png`` or ``image/webp``.
    media_type: str
    width: int
    height: int
    data: bytes = b""

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class PageResult:
    """A page as audited: where it was, how it loaded, what was found."""

    url: str
    site_url: str
    organisation_id: str
    final_url: Optional[str] = None
    status: Optional[int] = None
    title: Optional[str] = None
    error: Optional[str] = None
    depth: int = 0
    redirects: tuple[str, ...] = ()
    content_type: Optional[str] = None
    fetch_ms: Optional[int] = None
    render_ms: Optional[int] = None
    audit_ms: Optional[int] = None
    findings: list[Finding] = field(default_factory=list)
    engines: list[EngineResult] = field(default_factory=list)
    #: Links of the rendered page as [href, text]: stored so a resumed crawl can go on without re-rendering.
    links: list[list[str]] = field(default_factory=list)
    #: DOM-structure signature of the rendered page (audits/templates.py), for template sampling.
    structure: Optional[str] = None
    #: Pictures of offending elements taken on this page (grouped issues not pictured before in the run).
    screenshots: list[ElementScreenshot] = field(default_factory=list)
    id: Optional[int] = None

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == VIOLATION]

    @property
    def needs_review(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == NEEDS_REVIEW]

    @property
    def passes(self) -> int:
        return sum(e.passes for e in self.engines)

    @property
    def inapplicable(self) -> int:
        return sum(e.inapplicable for e in self.engines)


@dataclass
class DocumentResult:
    """A non-HTML resource of a site (PDF, office file) found while crawling."""

    url: str
    site_url: str
    organisation_id: str
    content_type: Optional[str] = None
    status: Optional[int] = None
    size: Optional[int] = None
    #: Results of document checks (e.g. PDF tagging, language, title): [{"check", "outcome", "wcag", "evidence"}].
    checks: list[dict] = field(default_factory=list)


@dataclass
class SiteRecord:
    url: str
    settings: dict
    pages: list[PageResult] = field(default_factory=list)
    documents: list[DocumentResult] = field(default_factory=list)
    #: fingerprint → the picture of that grouped issue's element on this site in this run.
    screenshots: dict[str, ElementScreenshot] = field(default_factory=dict)
    #: What was audited (store ``site_samples``; crawler/sampling.py): None for a run stored
    #: before it was recorded.
    sampling: Optional[dict] = None


@dataclass
class RunRecord:
    """One crawl of one or more organisations, with the versions that produced it."""

    id: int
    started_at: datetime
    finished_at: Optional[datetime]
    status: str
    tool_version: str
    engines: dict[str, str]
    browser: dict[str, str]
    config: dict


@dataclass
class OrganisationResults:
    """Everything stored about one organisation in one run: the input of its report."""

    id: str
    name: str
    run: RunRecord
    sites: list[SiteRecord]
    standard: Standard

    @property
    def pages(self) -> list[PageResult]:
        return [page for site in self.sites for page in site.pages]

    @property
    def documents(self) -> list[DocumentResult]:
        return [doc for site in self.sites for doc in site.documents]
