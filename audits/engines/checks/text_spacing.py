"""Text spacing (WCAG 1.4.12): text must not be cut off when spacing is increased.

The WCAG values (line height 1.5, paragraph spacing 2 em, letter spacing
0.12 em, word spacing 0.16 em) are applied with an injected stylesheet, in the
same script that measures before and after and removes the stylesheet again.
Reported: boxes that hide their overflow and now have text laid out beyond
their edges (by more than 30 % of the font size) that was inside before. Text
that overlaps other content, or boxes whose scripts react to the change, are
not found: a heuristic, so its findings need review.
"""

from __future__ import annotations

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import MAX_FINDINGS_PER_RULE, CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.restore import scroll_kept
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.model import NEEDS_REVIEW


def clip_summary(box: dict, condition: str) -> str:
    """Evidence for a clipped box: which text is cut off, and by how much."""
    parts = []
    if box.get("dy", 0) > 0:
        parts.append(f"{box['dy']} px past its bottom or top edge (scrollHeight {box['scrollHeight']} px > "
                     f"clientHeight {box['height']} px)")
    if box.get("dx", 0) > 0:
        parts.append(f"{box['dx']} px past its side (scrollWidth {box['scrollWidth']} px > "
                     f"clientWidth {box['width']} px)")
    where = " and ".join(parts) or "outside it"
    return f"{condition}, this box hides overflow and cuts off text: \u201c{box['text']}\u201d runs {where}."


class TextSpacingEngine(CheckEngine):
    name = "text-spacing"
    rules = ("text-spacing",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        async with scroll_kept(page):
            boxes = await page.evaluate(js.function("clip"), {"op": "spacing", "max": MAX_FINDINGS_PER_RULE})
        spacing = rules["text-spacing"]
        findings = [
            spacing.on(self.name, NEEDS_REVIEW, box,
                       clip_summary(box, "With WCAG text spacing (line height 1.5, letter 0.12 em, word 0.16 em, "
                                         "paragraph 2 em)"))
            for box in boxes
        ]
        return CheckOutput(findings=findings, facts={"clipped": len(boxes)})
