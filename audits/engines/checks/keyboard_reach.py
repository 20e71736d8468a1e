"""Keyboard (WCAG 2.1.1, needs review): elements that react to clicks but Tab never reaches.

Candidates are what a script can see: elements with an ``onclick`` attribute
and elements with a widget role (button, link, checkbox, radio, switch, tab,
menu item) that are not natively focusable and have no ``tabindex``. Left out:
elements inside or around something focusable (a clickable card with a link),
labels, disabled or hidden ones, widgets managed with ``aria-activedescendant``,
elements without text or icon (a backdrop), and anything the Tab walk reached.
Click listeners added with ``addEventListener`` cannot be seen from the page.
"""

from __future__ import annotations

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.engines.checks.tabwalk import tab_walk
from a11y_audit.audits.model import NEEDS_REVIEW


class KeyboardReachEngine(CheckEngine):
    name = "keyboard-reach"
    rules = ("keyboard-unreachable",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        walk = await tab_walk(page)
        walked = (f"the Tab walk went through all {len(walk.stops)} stops without reaching it" if walk.complete
                  else f"it cannot take focus, so Tab never reaches it (walk of {len(walk.stops)} stops)")
        findings = [
            rules["keyboard-unreachable"].on(
                self.name, NEEDS_REVIEW, element,
                f"\u201c{element.get('name') or element.get('selector')}\u201d has {element['why']} but no tabindex "
                f"and is not a link, button or form field: {walked}.")
            for element in walk.unreached
        ]
        return CheckOutput(findings=findings, facts={"unreached": len(walk.unreached)})
