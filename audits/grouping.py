"""Grouped issues: findings with one fingerprint, and how they change between runs.

One grouped issue is one problem on one element, however many pages show it:
"fix once, N pages better". Comparing the groups of two runs tells what is
new, fixed and unchanged; reports, diffs and CI verdicts all use this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from a11y_audit.audits.model import VIOLATION, Finding, PageResult, impact_rank

#: How much one affected page weighs, by impact, when ordering what to fix first.
IMPACT_WEIGHT = {"critical": 10, "serious": 5, "moderate": 2, "minor": 1}


@dataclass
class IssueGroup:
    """All findings of one fingerprint (and one outcome) in a set of pages."""

    fingerprint: str
    engine: str
    rule: str
    outcome: str
    impact: Optional[str]
    wcag: tuple[str, ...]
    help: str
    help_url: str
    summary: str
    selector: str
    html: str
    example_page: str
    pages: list[str] = field(default_factory=list)
    instances: int = 0

    @property
    def score(self) -> int:
        """Urgency: impact weight × pages affected."""
        return IMPACT_WEIGHT.get(self.impact or "", 1) * len(self.pages)

    @property
    def priority(self) -> tuple:
        """Sort key: violations first, then most urgent, then stable by rule and fingerprint."""
        return (self.outcome != VIOLATION, -self.score, impact_rank(self.impact), self.rule, self.fingerprint)


def group_findings(pages: Iterable[PageResult], outcome: Optional[str] = VIOLATION) -> list[IssueGroup]:
    """Group the findings of *pages* (of one *outcome*, or all) by fingerprint, most urgent first."""
    groups: dict[tuple[str, str], IssueGroup] = {}
    page_sets: dict[tuple[str, str], set[str]] = {}
    for page in pages:
        for f in page.findings:
            if outcome is not None and f.outcome != outcome:
                continue
            key = (f.fingerprint, f.outcome)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _group_of(f, page.url)
                page_sets[key] = set()
            group.instances += 1
            page_sets[key].add(page.url)
    for key, group in groups.items():
        group.pages = sorted(page_sets[key])
    return sorted(groups.values(), key=lambda g: g.priority)


def _group_of(f: Finding, page_url: str) -> IssueGroup:
    return IssueGroup(
        fingerprint=f.fingerprint, engine=f.engine, rule=f.rule, outcome=f.outcome, impact=f.impact,
        wcag=f.wcag, help=f.help, help_url=f.help_url, summary=f.summary, selector=f.selector, html=f.html,
        example_page=page_url,
    )


@dataclass
class Comparison:
    """Grouped issues of a later run against an earlier one."""

    new: list[IssueGroup]
    fixed: list[IssueGroup]
    unchanged: list[IssueGroup]

    @property
    def new_fingerprints(self) -> set[str]:
        return {g.fingerprint for g in self.new}


def compare_groups(before: list[IssueGroup], after: list[IssueGroup]) -> Comparison:
    """New (only after), fixed (only before) and unchanged (both) groups, by fingerprint."""
    before_keys = {(g.fingerprint, g.outcome) for g in before}
    after_keys = {(g.fingerprint, g.outcome) for g in after}
    return Comparison(
        new=[g for g in after if (g.fingerprint, g.outcome) not in before_keys],
        fixed=[g for g in before if (g.fingerprint, g.outcome) not in after_keys],
        unchanged=[g for g in after if (g.fingerprint, g.outcome) in before_keys],
    )
