"""A verdict in the forms CI systems read: JUnit XML, SARIF 2.1.0, Markdown,
JSON, and GitHub Actions workflow commands.

Page content (snippets, titles) is untrusted: XML and JSON writers escape it,
Markdown puts it in code spans with backticks removed, and workflow commands
are escaped as GitHub documents.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from a11y_audit.audits.model import impact_rank
from a11y_audit.config.defaults import CONTACT_URL, TOOL_NAME, TOOL_VERSION
from a11y_audit.gate.verdict import ACCEPTED, ENGINE_CHANGE, IGNORED, NEW, Classified, Verdict

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "note"}
_BASELINE_STATE = {NEW: "new", ENGINE_CHANGE: "new", ACCEPTED: "unchanged", IGNORED: "unchanged"}


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Page text may hold characters XML 1.0 cannot carry at all (form feed, escape)."""
    return _XML_INVALID.sub("\ufffd", text)


def _describe(c: Classified) -> str:
    g = c.group
    where = f"{len(g.pages)} page(s)"
    return f"{g.help or g.rule} [{g.rule}, {g.impact or 'unknown'} impact] on {where}: {g.selector}"


# -- JUnit ---------------------------------------------------------------------------------


def junit_xml(verdict: Verdict) -> str:
    """One testsuite per organisation; one testcase per page × rule; failures for new issues."""
    cases: dict[str, dict[tuple[str, str], list[Classified]]] = defaultdict(lambda: defaultdict(list))
    for c in verdict.issues:
        for url in c.group.pages:
            cases[c.organisation][(url, c.group.rule)].append(c)
    root = ET.Element("testsuites", name=f"{TOOL_NAME} check", tests="0", failures="0", errors="0")
    total = failures = errors = 0
    for org in sorted(set(cases) | {o for o, _, _ in verdict.page_errors}):
        suite = ET.SubElement(root, "testsuite", name=org)
        s_tests = s_fail = s_err = 0
        for (url, rule), items in sorted(cases[org].items()):
            case = ET.SubElement(suite, "testcase", classname=_xml_text(url), name=rule)
            s_tests += 1
            failing = [c for c in items if c.fails]
            if failing:
                s_fail += 1
                failure = ET.SubElement(case, "failure", type=rule, message=_xml_text(_describe(failing[0])))
                failure.text = _xml_text("\n".join(f"{c.group.selector}\n{c.group.html}" for c in failing))
            else:
                out = ET.SubElement(case, "system-out")
                out.text = _xml_text("; ".join(sorted({f"{c.status}: {c.group.selector}" for c in items})))
        for o, url, error in verdict.page_errors:
            if o != org:
                continue
            case = ET.SubElement(suite, "testcase", classname=_xml_text(url), name="page-load")
            ET.SubElement(case, "error", type="page-load", message=_xml_text(error))
            s_tests += 1
            s_err += 1
        suite.set("tests", str(s_tests))
        suite.set("failures", str(s_fail))
        suite.set("errors", str(s_err))
        total, failures, errors = total + s_tests, failures + s_fail, errors + s_err
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- SARIF ---------------------------------------------------------------------------------


def sarif(verdict: Verdict) -> dict[str, Any]:
    """SARIF 2.1.0: one result per finding location (page × element), with baseline state."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for c in sorted(verdict.issues, key=lambda c: (c.organisation, c.group.rule, c.group.fingerprint)):
        g = c.group
        if g.rule not in rules:
            rule: dict[str, Any] = {
                "id": g.rule,
                "name": g.rule,
                "shortDescription": {"text": g.help or g.rule},
                "defaultConfiguration": {"level": _SARIF_LEVEL.get(g.impact or "", "error")},
                "properties": {"engine": g.engine, "wcag": list(g.wcag), "tags": ["accessibility"]},
            }
            if g.help_url:
                rule["helpUri"] = g.help_url
            rules[g.rule] = rule
        level = _SARIF_LEVEL.get(g.impact or "", "error") if c.fails else "note"
        for url in g.pages:
            results.append({
                "ruleId": g.rule,
                "level": level,
                "kind": "fail",
                "baselineState": _BASELINE_STATE[c.status],
                "message": {"text": f"{g.help or g.rule} ({g.impact or 'unknown'} impact; {c.status})"},
                "locations": [{
                    # A page has no stable line numbers; the element is named by its selector.
                    "physicalLocation": {"artifactLocation": {"uri": url}},
                    "logicalLocations": [{"fullyQualifiedName": g.selector, "kind": "element"}],
                }],
                "partialFingerprints": {"a11yAuditFingerprint/v1": g.fingerprint},
                "properties": {"organisation": c.organisation, "impact": g.impact, "status": c.status,
                               "wcag": list(g.wcag), "html": g.html},
            })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME, "version": TOOL_VERSION, "informationUri": CONTACT_URL,
                "rules": [rules[k] for k in sorted(rules)],
            }},
            "results": results,
            "properties": {"run": verdict.run_id, "engines": verdict.engines, "passed": verdict.passed},
        }],
    }


# -- Markdown ------------------------------------------------------------------------------


def _code(text: str, limit: int = 120) -> str:
    text = " ".join(text.split()).replace("`", "'")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"`{text}`" if text else ""


def _cell(text: str) -> str:
    # Markdown renders raw HTML: axe's help texts name elements like <html>.
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def markdown(verdict: Verdict) -> str:
    """A short summary for a pull-request comment."""
    lines = [f"## Accessibility check: {'✅ passed' if verdict.passed else '❌ failed'}", "", verdict.summary(), ""]
    new = sorted(verdict.of(NEW), key=lambda c: (not c.fails, impact_rank(c.group.impact), -len(c.group.pages)))
    if new:
        lines += ["### New issues", "", "| Impact | Rule | Pages | Element | Example page |", "|---|---|---|---|---|"]
        for c in new:
            g = c.group
            mark = " (fails)" if c.fails else ""
            lines.append(
                f"| {g.impact or 'unknown'}{mark} | {_cell(g.help or g.rule)} (`{g.rule}`) | {len(g.pages)} "
                f"| {_cell(_code(g.selector))} | {_cell(_code(g.example_page))} |"
            )
        lines.append("")
    if verdict.fixed:
        lines += ["### Fixed since the baseline", ""]
        lines += [f"- `{e.rule}` {_code(e.selector)} ({e.page_pattern})" for e in verdict.fixed] + [""]
    if verdict.changed_engines:
        changes = ", ".join(f"{name} {old} → {new}" for name, (old, new) in verdict.changed_engines.items())
        lines += [f"> Engine changed since the baseline ({changes}): {len(verdict.of(ENGINE_CHANGE))} new "
                  "finding(s) may come from the engine, not the site. Update the baseline to accept them.", ""]
    if verdict.page_errors:
        lines += ["### Pages that could not be audited", ""]
        lines += [f"- {_code(url)}: {_cell(error)}" for _, url, error in verdict.page_errors] + [""]
    return "\n".join(lines)


# -- JSON ----------------------------------------------------------------------------------


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    def issue(c: Classified) -> dict[str, Any]:
        g = c.group
        return {
            "organisation": c.organisation, "status": c.status, "fails": c.fails, "expired_baseline": c.expired_entry,
            "fingerprint": g.fingerprint, "engine": g.engine, "rule": g.rule, "impact": g.impact,
            "wcag": list(g.wcag), "selector": g.selector, "html": g.html, "pages": g.pages,
            "instances": g.instances, "help": g.help, "help_url": g.help_url,
        }

    return {
        "passed": verdict.passed,
        "run": verdict.run_id,
        "policy": {"fail_on": verdict.policy.fail_on, "max_new": verdict.policy.max_new,
                   "ignore_rules": sorted(verdict.policy.ignore_rules), "strict_engine": verdict.policy.strict_engine},
        "engines": verdict.engines,
        "baseline_engines": verdict.baseline_engines,
        "summary": verdict.summary(),
        "issues": [issue(c) for c in verdict.issues],
        "fixed": [e.to_json() for e in verdict.fixed],
        "needs_review": [{"organisation": o, "rule": g.rule, "fingerprint": g.fingerprint, "pages": g.pages}
                         for o, g in verdict.review],
        "page_errors": [{"organisation": o, "url": u, "error": e} for o, u, e in verdict.page_errors],
    }


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- GitHub Actions --------------------------------------------------------------------------


def _gh_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotations(verdict: Verdict) -> list[str]:
    """Workflow commands: an error per failing new issue, a warning per other new issue."""
    lines = []
    for c in verdict.of(NEW) + verdict.of(ENGINE_CHANGE):
        g = c.group
        command = "error" if c.fails else "warning"
        title = _gh_escape(f"a11y {g.rule} ({g.impact or 'unknown'})", property_value=True)
        message = _gh_escape(f"{g.help or g.rule}: {g.selector} on {', '.join(g.pages[:3])}"
                             + (f" and {len(g.pages) - 3} more" if len(g.pages) > 3 else ""))
        lines.append(f"::{command} title={title}::{message}")
    return lines
