"""No keyboard trap (WCAG 2.1.2): Tab must be able to leave every part of the page.

Uses the shared Tab walk (:mod:`~audits.engines.checks.tabwalk`): a set of
elements that Tab keeps cycling through without passing the rest of the page,
that Shift+Tab does not leave and that Escape does not release, while other
focusable elements exist, is a violation. A modal dialog's own focus loop is not
a trap (it is closed with its buttons); a trap further down the page than the
walk's cap is not found.
"""

from __future__ import annotations

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.engines.checks.tabwalk import tab_walk
from a11y_audit.audits.model import VIOLATION


class KeyboardTrapEngine(CheckEngine):
    name = "keyboard-trap"
    rules = ("keyboard-trap",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        walk = await tab_walk(page)
        findings = []
        if walk.trap:
            trap = walk.trap
            names = ", ".join(trap["names"])
            findings.append(rules["keyboard-trap"].on(
                self.name, VIOLATION, trap["container"],
                f"Tab keeps focus cycling through {trap['stops']} element(s) ({names}); Shift+Tab and "
                f"Escape do not release it; {trap['others']} other focusable element(s) cannot be reached."))
        facts = {**walk.facts(), "cycle_cleared": walk.trap_cleared or None}
        not_applicable = set() if walk.stops else {"keyboard-trap"}
        return CheckOutput(findings=findings, facts=facts, not_applicable=not_applicable)
