"""Focus visible (WCAG 2.4.7): each element reached with Tab must look different focused.

Uses the shared Tab walk (:mod:`~audits.engines.checks.tabwalk`). A stop is a
violation only when both the computed-style comparison and the pixel comparison
of its box find no difference; when the pixels could not be compared (the
element is outside the viewport, or the browser back end has no clipped
screenshots) it needs review. Text fields are not judged (their caret shows
focus), nor are elements inside frames the walk cannot look into.
"""

from __future__ import annotations

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.engines.checks.tabwalk import CLIP_MARGIN, tab_walk
from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION


class FocusVisibleEngine(CheckEngine):
    name = "focus-visible"
    rules = ("focus-visible",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        walk = await tab_walk(page)
        focus = rules["focus-visible"]
        findings = []
        for stop in walk.stops:
            if stop.kind != "element" or stop.text_entry or stop.style_changed is not False:
                continue
            where = f"Tab stop {stop.index + 1}: no computed style of the element, its ::before/::after, " \
                    f"ancestors or neighbours changes with focus"
            if stop.pixels_changed is False:
                findings.append(focus.on(self.name, VIOLATION, stop.element,
                                         f"{where}, and a screenshot of its box (+{CLIP_MARGIN} px) is "
                                         f"identical focused and unfocused."))
            elif stop.pixels_changed is None and stop.pixel_error != "focus could not be taken away":
                findings.append(focus.on(self.name, NEEDS_REVIEW, stop.element,
                                         f"{where}; pixels not compared: {stop.pixel_error}."))
        not_applicable = set() if any(s.kind == "element" for s in walk.stops) else {"focus-visible"}
        return CheckOutput(findings=findings, facts=walk.facts(), not_applicable=not_applicable)
