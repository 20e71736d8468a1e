"""Resize text (WCAG 1.4.4): text must stay readable at 200 % zoom.

200 % zoom is emulated as a viewport of half the width and height (640 × 360
CSS px for a 1280 × 720 window): the same CSS pixels a zoomed browser lays out.
Boxes whose text is cut off at that size and was not at full size are reported
(the clipping heuristic of :mod:`~audits.engines.checks.text_spacing`), so they
need review. The viewport and scroll position are restored.
"""

from __future__ import annotations

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import MAX_FINDINGS_PER_RULE, CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.restore import NEXT_FRAME, settle, viewport_kept
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.engines.checks.text_spacing import clip_summary
from a11y_audit.audits.model import NEEDS_REVIEW

ZOOM = 2.0
SECOND_LOOK_SECONDS = 0.3


class ResizeTextEngine(CheckEngine):
    name = "resize-text"
    rules = ("resize-text",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        script = js.function("clip")
        async with viewport_kept(page) as (width, height):
            zoomed = (max(1, int(width / ZOOM)), max(1, int(height / ZOOM)))
            try:
                await page.evaluate(script, {"op": "mark", "max": 0})
                await page.set_viewport(*zoomed)
                await page.evaluate(NEXT_FRAME)
                boxes = await page.evaluate(script, {"op": "compare", "max": MAX_FINDINGS_PER_RULE})
                if boxes:
                    # Layout scripts that wait for the resize to end: look again before reporting.
                    await page.set_viewport(width, height)
                    await page.evaluate(NEXT_FRAME)
                    await page.evaluate(script, {"op": "mark", "max": 0})
                    await page.set_viewport(*zoomed)
                    await settle(page, SECOND_LOOK_SECONDS)
                    boxes = await page.evaluate(script, {"op": "compare", "max": MAX_FINDINGS_PER_RULE})
            finally:
                await page.evaluate(script, {"op": "forget", "max": 0})
        resize = rules["resize-text"]
        findings = [
            resize.on(self.name, NEEDS_REVIEW, box,
                      clip_summary(box, f"At 200 % zoom (a {zoomed[0]} × {zoomed[1]} px viewport)"))
            for box in boxes
        ]
        return CheckOutput(findings=findings, facts={"viewport": list(zoomed), "clipped": len(boxes)})
