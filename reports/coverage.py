"""WCAG coverage: for every success criterion of the audited standard, what automated
testing could say about it, and what a person still has to check.

In: the grouped issues and review items of a run, the engines that ran and the
standard. Out: one row per criterion with one of four states:

* ``failed``: automated checks found failures;
* ``review``: they found only items a person must decide;
* ``no-failures``: the engines' rules for it found nothing (they test only part of it);
* ``untested``: no rule of the engines that ran tests it at all.

Which criteria are testable comes from ``audits/data/automated-coverage.json``
(the rules each engine runs), never from the tags seen on findings: a criterion
nobody failed is not thereby tested. Nothing here is a conformance claim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from a11y_audit.audits.model import Standard
from a11y_audit.audits.wcag import automated_rules, criteria_for, criterion_anchor, criterion_title_in, manual_check, principle_of, sc_key
from a11y_audit.reports.i18n import N_, Translator

FAILED, REVIEW, NO_FAILURES, UNTESTED = "failed", "review", "no-failures", "untested"
STATES = (FAILED, REVIEW, NO_FAILURES, UNTESTED)
STATE_LABELS = {
    FAILED: N_("Failures found"),
    REVIEW: N_("Needs review"),
    NO_FAILURES: N_("No failures found (partly tested)"),
    UNTESTED: N_("Not tested automatically"),
}
#: A text mark per state, so the table reads without colour.
STATE_MARKS = {FAILED: "✗", REVIEW: "?", NO_FAILURES: "–", UNTESTED: "○"}


@dataclass
class CoverageRow:
    sc: str
    title: str
    level: str
    principle: str
    state: str
    state_label: str
    mark: str
    issues: int
    review_items: int
    rules: list[str]
    #: What a person should check. Every criterion has one: automated rules test only part
    #: of any criterion, so even "no failures found" needs it.
    manual_check: str
    understanding_url: str


@dataclass
class StateCount:
    state: str
    label: str
    count: int


@dataclass
class CoverageView:
    standard: str
    rows: list[CoverageRow]
    counts: list[StateCount]
    engines: str

    @property
    def total(self) -> int:
        return len(self.rows)

    def count(self, state: str) -> int:
        return next((c.count for c in self.counts if c.state == state), 0)

    @property
    def untested(self) -> int:
        return self.count(UNTESTED)

    @property
    def tested(self) -> int:
        """Criteria that automated checks could say anything about (always only in part)."""
        return self.total - self.untested


def coverage_view(issues, review_items, engines: dict[str, str], standard: Standard, tr: Translator) -> CoverageView:
    """*issues* and *review_items*: grouped issues (anything with ``wcag``) of each outcome."""
    failed: Counter[str] = Counter(sc for issue in issues for sc in issue.wcag)
    review: Counter[str] = Counter(sc for item in review_items for sc in item.wcag)
    tested = automated_rules(engines, standard)
    rows = []
    for criterion in sorted(criteria_for(standard), key=lambda c: sc_key(c.sc)):
        sc = criterion.sc
        if failed[sc]:
            state = FAILED
        elif review[sc]:
            state = REVIEW
        elif sc in tested:
            state = NO_FAILURES
        else:
            state = UNTESTED
        rows.append(CoverageRow(
            sc=sc, title=criterion_title_in(sc, tr.lang), level=criterion.level,
            principle=principle_of(sc, tr.lang), state=state, state_label=tr(STATE_LABELS[state]),
            mark=STATE_MARKS[state], issues=failed[sc], review_items=review[sc],
            rules=sorted(rule.split(":", 1)[1] for rule in tested.get(sc, [])),
            manual_check=manual_check(sc, tr.lang),
            understanding_url=f"https://www.w3.org/WAI/WCAG22/Understanding/{criterion_anchor(sc)}.html",
        ))
    counted = Counter(row.state for row in rows)
    return CoverageView(
        standard=str(standard),
        rows=rows,
        counts=[StateCount(state, tr(STATE_LABELS[state]), counted[state]) for state in STATES],
        engines=", ".join(f"{name} {version}" for name, version in sorted(engines.items())),
    )
