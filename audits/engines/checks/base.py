"""What every check engine shares: gating by standard, timing, counts, a time budget.

A check engine lists its rules; rules whose success criteria are not part of the
configured standard are not run (an engine whose rules all fall outside it does
nothing in the page) and count neither as passed nor as inapplicable. The facts
list the rules that passed and those that had nothing to check on the page
(``passed_rules``, ``inapplicable_rules``, as axe's do); site-level rules are
judged after the crawl and are in neither list. :meth:`CheckEngine.check` does the work and returns
findings and facts; the facts also record how long the engine took
(``elapsed_ms``), so its cost can be read from the store.

Bounded per page: every page call is bounded by the page timeout (the
session's), loops are capped in each check, and all checks on one page together
stop starting new work after :data:`PAGE_BUDGET_SECONDS`. Before its work each
engine asks the page for a trivial answer (:data:`PROBE_SECONDS`): a page that
does not answer (a runaway script, or an engine before it that timed out and is
still running in the page) is skipped by this and every later check on the page
instead of each of them waiting out the page timeout. A skipped engine reports
no findings and no passes, and says why in its facts (``skipped``); the engine that timed out has already recorded the page's error.
A page or browser that is gone is not skipped: each engine records the error.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from a11y_audit.audits.engines.base import Engine, PageSession
from a11y_audit.audits.engines.checks.rules import Rule, rule
from a11y_audit.audits.model import EngineResult, Finding, Standard

#: Most findings one rule reports on one page: a broken template must not flood the store.
MAX_FINDINGS_PER_RULE = 10
#: Seconds a page has to answer a trivial script before a check starts.
PROBE_SECONDS = 5.0
#: Seconds all checks together may spend on one page before the rest are skipped.
PAGE_BUDGET_SECONDS = 30.0

PROBE = "() => true"


@dataclass
class CheckOutput:
    findings: list[Finding] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    #: Rules that had nothing to look at on this page (no video, no text …).
    not_applicable: set[str] = field(default_factory=set)
    #: Rules judged elsewhere (site-level rules, over all pages after the crawl): neither passed nor not applicable here.
    undecided: set[str] = field(default_factory=set)


@dataclass
class PageState:
    """What the checks share about one page (one session): time spent, why to stop, the Tab walk."""

    spent: float = 0.0
    skip_reason: str = ""
    walk: Optional["asyncio.Future[Any]"] = None


_states: "weakref.WeakKeyDictionary[Any, PageState]" = weakref.WeakKeyDictionary()
_states_by_id: dict[int, tuple[Any, PageState]] = {}


def page_state(page: PageSession) -> PageState:
    """The shared state of *page*, kept as long as the session object lives."""
    try:
        return _states.setdefault(page, PageState())
    except TypeError:  # a session that cannot be weakly referenced: keep only the latest
        held = _states_by_id.get(id(page))
        if held is None or held[0] is not page:
            _states_by_id.clear()
            held = _states_by_id[id(page)] = (page, PageState())
        return held[1]


class CheckEngine(Engine):
    """An engine of our own, behind the same contract as axe."""

    name: ClassVar[str]
    version: ClassVar[str] = "1.0"  # type: ignore[assignment]
    rules: ClassVar[tuple[str, ...]] = ()

    async def audit(self, page: PageSession, standard: Standard) -> EngineResult:
        started = time.monotonic()
        active = {r.id: r for r in map(rule, self.rules) if r.applies(standard)}
        result = EngineResult(engine=self.name, version=self.version)
        if not active and self.rules:
            return result  # not part of the standard: not run, neither passed nor inapplicable
        state = page_state(page)
        try:
            reason = await self._reason_to_skip(page, state)
            if reason:
                result.facts = {"skipped": reason}
                return result
            output = await self.check(page, active)
        finally:
            state.spent += time.monotonic() - started
        findings: list[Finding] = []
        for rule_id in self.rules:
            findings.extend([f for f in output.findings if f.rule == rule_id][:MAX_FINDINGS_PER_RULE])
        reported = {f.rule for f in findings}
        passed = [r for r in active if r not in reported | output.not_applicable | output.undecided]
        inapplicable = [r for r in active if r in output.not_applicable and r not in reported]
        result.findings = findings
        result.passes, result.inapplicable = len(passed), len(inapplicable)
        # Which rules passed or did not apply (as axe's facts say), e.g. for EARL's outcomes.
        result.facts = {**output.facts, "passed_rules": passed, "inapplicable_rules": inapplicable,
                        "elapsed_ms": int((time.monotonic() - started) * 1000)}
        return result

    async def _reason_to_skip(self, page: PageSession, state: PageState) -> str:
        if state.skip_reason:
            return state.skip_reason
        if state.spent > PAGE_BUDGET_SECONDS:
            state.skip_reason = f"the checks had used their {PAGE_BUDGET_SECONDS:.0f} s on this page"
            return state.skip_reason
        try:
            await asyncio.wait_for(page.evaluate(PROBE), PROBE_SECONDS)
        except asyncio.TimeoutError:
            state.skip_reason = (f"the page did not answer within {PROBE_SECONDS:.0f} s (a script, or an engine "
                                 f"that timed out before, still running)")
        # Anything else (the page or browser closed, crashed) propagates: the engine's error.
        return state.skip_reason

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        """Check *page* for the *rules* that apply; undo whatever was changed in the page."""
        raise NotImplementedError
