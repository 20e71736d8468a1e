"""The assertion message of a page with new issues: readable in a terminal and in CI logs.

Per failing issue: impact, rule and what it means, the success criteria, the
element (selector and markup), how to fix it (the engine's own advice) and where
to read more; then where the results are stored and how to accept them. Page
text is untrusted: control characters (terminal escapes) are neutralised.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from a11y_audit.gate.verdict import ACCEPTED, ENGINE_CHANGE, NEW, Classified, Verdict

if TYPE_CHECKING:
    from a11y_audit.pytest_plugin.fixture import Audit

#: Lines of an engine's "how to fix" text shown per issue.
FIX_LINES = 6
SNIPPET_LIMIT = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str, limit: Optional[int] = None) -> str:
    """*text* without control characters (but newlines), cut to *limit* characters."""
    text = _CONTROL.sub("\ufffd", text or "")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _issue(number: int, c: Classified) -> list[str]:
    g = c.group
    wcag = f" (WCAG {', '.join(g.wcag)})" if g.wcag else ""
    lines = [f"{number}. [{g.impact or 'unknown impact'}] {clean(g.rule)}: {clean(g.help or g.rule)}{wcag}"]
    lines.append(f"   element: {clean(g.selector, SNIPPET_LIMIT)}")
    if g.html:
        lines.append(f"            {clean(' '.join(g.html.split()), SNIPPET_LIMIT)}")
    if c.expired_entry and c.entry is not None:
        lines.append(f"   note:    its baseline entry expired on {c.entry.expires}")
    fix = [line.strip() for line in clean(g.summary).splitlines() if line.strip()]
    if fix:
        shown = fix[:FIX_LINES] + ([f"… ({len(fix) - FIX_LINES} more)"] if len(fix) > FIX_LINES else [])
        lines.append(f"   fix:     {shown[0]}")
        lines += [f"              {line}" for line in shown[1:]]
    if g.help_url:
        lines.append(f"   more:    {clean(g.help_url)}")
    lines.append(f"   engine:  {g.engine}; fingerprint {g.fingerprint}"
                 + (f"; {g.instances} elements" if g.instances > 1 else ""))
    return lines


def failure_message(verdict: Verdict, audit: "Audit", baseline: Optional[Path], run_id: Optional[int],
                    db: Optional[str]) -> str:
    """The text of the failed assertion for *audit* judged as *verdict*."""
    page, policy = audit.page, verdict.policy
    failing = verdict.failing
    new_below = [c for c in verdict.of(NEW) if not c.fails]
    counted = f"{len(failing)} new accessibility issue{'s' if len(failing) != 1 else ''}"
    head = (f"{counted} at or above '{policy.fail_on}'"
            + (f" (allowed: {policy.max_new})" if policy.max_new else "") + f" on {clean(page.url)}")
    if not failing or verdict.passed:
        head = f"the accessibility audit of {clean(page.url)} did not run whole"
    context = [str(audit.standard)]
    context.append(f"baseline {baseline}: {len(verdict.of(ACCEPTED))} accepted" if baseline else "no baseline")
    if new_below:
        context.append(f"{len(new_below)} more new below '{policy.fail_on}'")
    if verdict.of(ENGINE_CHANGE):
        context.append(f"{len(verdict.of(ENGINE_CHANGE))} new from an engine change (not failing)")
    if verdict.review:
        context.append(f"{len(verdict.review)} to review by hand (never failing)")
    lines = [f"a11y: {head}", f"({'; '.join(context)})", ""]
    for number, c in enumerate(failing, 1):
        lines += _issue(number, c) + [""]
    if page.error:
        lines += [f"The audit did not run whole: {clean(page.error)}", ""]
    if run_id is not None and db:
        lines.append(f"Stored as {audit.stored_as} in run {run_id} of {db} "
                     f"(a11y-audit report --db {db} --run {run_id} --out a11y-report)")
    return "\n".join(lines).rstrip()
