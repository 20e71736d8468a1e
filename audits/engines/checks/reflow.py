"""Reflow (WCAG 1.4.10): content at a 320 CSS px wide viewport must not scroll sideways.

The viewport is narrowed to 320 px (its height kept), and when the document is
then wider than the viewport the elements that stick out are named: the
outermost box beyond the right edge (or text that does not wrap), leaving out
content that may scroll in two dimensions (data tables, maps, code, images,
video, canvas, SVG, embeds), boxes that would fit without such content, fixed-position
layers and content inside boxes that scroll or clip on their own. A page whose
viewport clips (``overflow-x: hidden``) does not scroll and is not judged.
Responsive scripts that wait for the resize to end get a second chance before
anything is reported. The viewport and scroll position are restored.
"""

from __future__ import annotations

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import MAX_FINDINGS_PER_RULE, CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.restore import NEXT_FRAME, settle, viewport_kept
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.model import VIOLATION

#: The width WCAG names: 1280 CSS px at 400 % zoom.
REFLOW_WIDTH = 320
#: Second look after this long when the first found overflow (debounced resize handlers).
SECOND_LOOK_SECONDS = 0.4


class ReflowEngine(CheckEngine):
    name = "reflow"
    rules = ("reflow",)

    def __init__(self, width: int = REFLOW_WIDTH) -> None:
        self.width = width

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        script = js.function("reflow")
        async with viewport_kept(page) as (_, height):
            await page.set_viewport(self.width, height)
            await page.evaluate(NEXT_FRAME)
            found = await page.evaluate(script, {"max": MAX_FINDINGS_PER_RULE})
            if found["culprits"]:
                await settle(page, SECOND_LOOK_SECONDS)
                found = await page.evaluate(script, {"max": MAX_FINDINGS_PER_RULE})
        facts = {"viewport_width": found["vw"], "scroll_width": found["scrollWidth"],
                 "viewport_overflow_x": found["viewportOverflow"]}
        reflow = rules["reflow"]
        findings = [
            reflow.on(self.name, VIOLATION, culprit,
                      f"The page is {found['scrollWidth']} px wide at a {found['vw']} px wide viewport "
                      f"(scrollWidth); this {'text' if culprit['reason'] == 'text' else 'element'} "
                      f"reaches {culprit['right']} px.")
            for culprit in found["culprits"]
        ]
        return CheckOutput(findings=findings, facts=facts)
