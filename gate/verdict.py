"""The CI verdict: is this run worse than the accepted baseline?

Every grouped violation of the run is classified once:

- **accepted**: a baseline entry covers it (and has not expired);
- **new**: nothing covers it (an expired entry covers nothing);
- **engine change**: new, but the engine that found it is another version than
  the baseline was made with, so the site may not have changed at all; it
  fails only with ``strict_engine``;
- **ignored**: its rule is on the ignore list.

Baseline entries that match nothing are **fixed**. The run fails when more
than ``max_new`` new issues are at or above the ``fail_on`` impact. Items that
need review are listed but never fail a build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from a11y_audit.audits.grouping import IssueGroup, group_findings
from a11y_audit.audits.model import IMPACTS, NEEDS_REVIEW, VIOLATION, OrganisationResults, impact_rank
from a11y_audit.gate.baseline import Baseline, Entry

NEW, ACCEPTED, ENGINE_CHANGE, IGNORED = "new", "accepted", "engine-change", "ignored"


@dataclass(frozen=True)
class Policy:
    fail_on: str = "serious"
    ignore_rules: frozenset[str] = frozenset()
    max_new: int = 0
    strict_engine: bool = False

    def __post_init__(self) -> None:
        if self.fail_on not in IMPACTS:
            raise ValueError(f"fail_on must be one of {', '.join(IMPACTS)}")

    def at_or_above(self, impact: Optional[str]) -> bool:
        # An unknown impact is treated as the most severe: never let it slip through.
        return impact is None or impact_rank(impact) <= impact_rank(self.fail_on)


@dataclass
class Classified:
    organisation: str
    group: IssueGroup
    status: str
    entry: Optional[Entry] = None
    expired_entry: bool = False
    fails: bool = False


@dataclass
class Verdict:
    run_id: int
    policy: Policy
    engines: dict[str, str]
    baseline_engines: dict[str, str]
    issues: list[Classified] = field(default_factory=list)
    fixed: list[Entry] = field(default_factory=list)
    review: list[tuple[str, IssueGroup]] = field(default_factory=list)
    page_errors: list[tuple[str, str, str]] = field(default_factory=list)  # organisation, url, error
    pages: dict[str, int] = field(default_factory=dict)

    def of(self, status: str) -> list[Classified]:
        return [c for c in self.issues if c.status == status]

    @property
    def failing(self) -> list[Classified]:
        return [c for c in self.issues if c.fails]

    @property
    def passed(self) -> bool:
        return len(self.failing) <= self.policy.max_new

    @property
    def changed_engines(self) -> dict[str, tuple[str, str]]:
        """engine → (baseline version, run version) where they differ."""
        return {
            name: (self.baseline_engines[name], version)
            for name, version in self.engines.items()
            if name in self.baseline_engines and self.baseline_engines[name] != version
        }

    def summary(self) -> str:
        new = self.of(NEW)
        state = "PASSED" if self.passed else "FAILED"
        text = (
            f"a11y check {state}: {len(self.failing)} new issue(s) at or above '{self.policy.fail_on}' "
            f"(allowed: {self.policy.max_new}); {len(new)} new in all, {len(self.of(ACCEPTED))} accepted by the "
            f"baseline, {len(self.fixed)} fixed, {len(self.of(ENGINE_CHANGE))} from an engine change, "
            f"{len(self.review)} to review; {sum(self.pages.values())} pages audited in run {self.run_id}."
        )
        return text


def decide(
    run_id: int,
    results: list[OrganisationResults],
    baseline: Baseline,
    policy: Policy,
    today: Optional[date] = None,
) -> Verdict:
    """Classify every grouped issue of *results* against *baseline* under *policy*."""
    today = today or date.today()
    engines: dict[str, str] = {}
    for org in results:
        engines.update(org.run.engines)
    verdict = Verdict(run_id=run_id, policy=policy, engines=engines, baseline_engines=dict(baseline.engines))
    changed = set(verdict.changed_engines)
    matched: set[int] = set()

    for org in results:
        verdict.pages[org.id] = len([p for p in org.pages if not p.error])
        verdict.page_errors += [(org.id, p.url, p.error) for p in org.pages if p.error]
        verdict.review += [(org.id, g) for g in group_findings(org.pages, NEEDS_REVIEW)]
        for group in group_findings(org.pages, VIOLATION):
            matched.update(id(e) for e in baseline.matching(org.id, group))
            entry = baseline.find(org.id, group, today)
            if group.rule in policy.ignore_rules:
                verdict.issues.append(Classified(org.id, group, IGNORED, entry))
            elif entry is not None and not entry.expired(today):
                verdict.issues.append(Classified(org.id, group, ACCEPTED, entry))
            else:
                status = ENGINE_CHANGE if group.engine in changed and not policy.strict_engine else NEW
                fails = status == NEW and policy.at_or_above(group.impact)
                verdict.issues.append(
                    Classified(org.id, group, status, entry, expired_entry=entry is not None, fails=fails)
                )
    verdict.fixed = [e for e in baseline.entries if id(e) not in matched
                     and e.organisation in {org.id for org in results}]
    return verdict
