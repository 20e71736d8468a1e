"""W3C EARL 1.0 (Evaluation and Report Language) as JSON-LD, from stored results.

In: :class:`~audits.model.OrganisationResults`. Out: one JSON-LD document with
an inline ``@context`` (a processor needs no network) and a ``@graph`` of

* the assertor: this tool (``earl:Assertor``, ``earl:Software``), naming the engines;
* one ``earl:TestSubject`` (a ``schema:WebPage``) per audited page, with its URL as ``dct:source``;
* one ``earl:TestCase`` per rule, ``dct:isPartOf`` the WCAG success criteria it tests
  (``earl:TestRequirement``, IRIs in the WCAG 2.2 Recommendation);
* one ``earl:Assertion`` per page and rule with an outcome: ``earl:failed`` (violations),
  ``earl:cantTell`` (only items needing review), and ``earl:passed`` / ``earl:inapplicable``
  for the rules an engine lists as passed or inapplicable in its stored facts
  (``facts["passed_rules"]``, ``facts["inapplicable_rules"]``). Engines that store only
  counts of passes give no such assertions: which rules passed is not known then.

Everything is automated (``earl:automatic``); nothing here states conformance.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable, Optional
from urllib.parse import quote, urlsplit, urlunsplit

from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION, Finding, OrganisationResults, PageResult
from a11y_audit.audits.wcag import criterion_anchor, criterion_title, rule_criteria
from a11y_audit.config.defaults import TOOL_NAME, TOOL_VERSION
from a11y_audit.reports.exports import _write
from a11y_audit.reports.view import safe_href

EARL = "http://www.w3.org/ns/earl#"
WCAG22 = "https://www.w3.org/TR/WCAG22/#"

CONTEXT: dict[str, Any] = {
    "earl": EARL,
    "dct": "http://purl.org/dc/terms/",
    "doap": "http://usefulinc.com/ns/doap#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "ptr": "http://www.w3.org/2009/pointers#",
    "sch": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "WCAG22": WCAG22,
    "Assertion": "earl:Assertion",
    "Assertor": "earl:Assertor",
    "Software": "earl:Software",
    "TestSubject": "earl:TestSubject",
    "TestCase": "earl:TestCase",
    "TestRequirement": "earl:TestRequirement",
    "TestResult": "earl:TestResult",
    "WebPage": "sch:WebPage",
    "CSSSelectorPointer": "ptr:CSSSelectorPointer",
    "assertedBy": {"@id": "earl:assertedBy", "@type": "@id"},
    "subject": {"@id": "earl:subject", "@type": "@id"},
    "test": {"@id": "earl:test", "@type": "@id"},
    "result": {"@id": "earl:result"},
    "mode": {"@id": "earl:mode", "@type": "@id"},
    "outcome": {"@id": "earl:outcome", "@type": "@id"},
    "pointer": {"@id": "earl:pointer"},
    "info": {"@id": "earl:info"},
    "expression": {"@id": "ptr:expression"},
    "source": {"@id": "dct:source", "@type": "@id"},
    "title": {"@id": "dct:title"},
    "description": {"@id": "dct:description"},
    "date": {"@id": "dct:date", "@type": "xsd:dateTime"},
    "isPartOf": {"@id": "dct:isPartOf", "@type": "@id"},
    "name": {"@id": "doap:name"},
    "release": {"@id": "doap:release"},
    "revision": {"@id": "doap:revision"},
    "homepage": {"@id": "foaf:homepage", "@type": "@id"},
}

PASSED, FAILED, CANT_TELL, INAPPLICABLE = "earl:passed", "earl:failed", "earl:cantTell", "earl:inapplicable"
ASSERTOR = "_:assertor"
_RULE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,120}$")


def rule_iri(engine: str, rule: str, version: str = "", help_url: str = "") -> str:
    """A stable IRI for a rule: axe's rule page, else the rule's http(s) documentation, else a URN."""
    if engine == "axe" and _RULE_ID.match(rule):
        major_minor = ".".join(version.split(".")[:2]) if re.match(r"^\d+\.\d+", version or "") else "4"
        return f"https://dequeuniversity.com/rules/axe/{major_minor}/{rule}"
    url = safe_href(help_url)
    if url:
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return f"urn:a11y-audit:rule:{quote(engine, safe='')}:{quote(rule, safe='')}"


def requirement_iri(sc: str) -> Optional[str]:
    """The criterion in the WCAG 2.2 Recommendation (``WCAG22:non-text-content``), if known."""
    return f"WCAG22:{criterion_anchor(sc)}" if criterion_title(sc) else None


def earl_document(results: Iterable[OrganisationResults]) -> dict[str, Any]:
    """The EARL report of *results* as a JSON-LD document."""
    results = list(results)
    engines = sorted({f"{name} {version}" for org in results for name, version in org.run.engines.items()})
    graph: list[dict[str, Any]] = [{
        "@id": ASSERTOR,
        "@type": ["Assertor", "Software"],
        "name": TOOL_NAME,
        "release": {"revision": TOOL_VERSION},
        "description": "Automated checks with " + (", ".join(engines) or "no engine recorded"),
    }]
    tests: dict[str, dict[str, Any]] = {}
    requirements: dict[str, dict[str, Any]] = {}
    assertions: list[dict[str, Any]] = []
    subject_number = 0
    for org in results:
        date = org.run.started_at.isoformat() if org.run.started_at else None
        for page in org.pages:
            if page.error:
                continue
            subject_number += 1
            subject = f"_:page-{subject_number}"
            node: dict[str, Any] = {"@id": subject, "@type": ["TestSubject", "WebPage"], "title": page.title or page.url}
            if safe_href(page.url):
                node["source"] = page.url
            else:
                node["description"] = page.url
            graph.append(node)
            for rule_key, outcome, findings in _outcomes(page):
                engine, rule = rule_key
                version = next((e.version for e in page.engines if e.engine == engine), org.run.engines.get(engine, ""))
                example = findings[0] if findings else None
                iri = rule_iri(engine, rule, version, example.help_url if example else "")
                if iri not in tests:
                    tests[iri] = _test_node(iri, engine, rule, example, requirements)
                result: dict[str, Any] = {"@type": "TestResult", "outcome": outcome}
                if date:
                    result["date"] = date
                if findings:
                    result["info"] = _info(outcome, findings)
                    result["pointer"] = [{"@type": "CSSSelectorPointer", "expression": f.selector} for f in findings]
                assertions.append({
                    "@type": "Assertion", "assertedBy": ASSERTOR, "subject": subject, "test": iri,
                    "mode": "earl:automatic", "result": result,
                })
    graph.extend(requirements.values())
    graph.extend(tests.values())
    graph.extend(assertions)
    return {"@context": CONTEXT, "@graph": graph}


def _outcomes(page: PageResult):
    """(engine, rule), outcome, findings for every rule with a known outcome on *page*."""
    by_rule: dict[tuple[str, str], list[Finding]] = {}
    for f in page.findings:
        by_rule.setdefault((f.engine, f.rule), []).append(f)
    for key in sorted(by_rule):
        findings = by_rule[key]
        failed = [f for f in findings if f.outcome == VIOLATION]
        if failed:
            yield key, FAILED, failed
        elif any(f.outcome == NEEDS_REVIEW for f in findings):
            yield key, CANT_TELL, [f for f in findings if f.outcome == NEEDS_REVIEW]
    for engine in page.engines:
        facts = engine.facts or {}
        for fact, outcome in (("passed_rules", PASSED), ("inapplicable_rules", INAPPLICABLE)):
            for rule in sorted(set(facts.get(fact) or ())):
                if isinstance(rule, str) and (engine.engine, rule) not in by_rule:
                    yield (engine.engine, rule), outcome, []


def _test_node(iri: str, engine: str, rule: str, example: Optional[Finding], requirements: dict) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": iri, "@type": "TestCase", "title": (example.help if example and example.help else rule),
                            "description": f"{engine} rule {rule}"}
    parts = []
    for sc in (example.wcag if example else rule_criteria(engine, rule)):
        req = requirement_iri(sc)
        if req is None:
            continue
        parts.append(req)
        requirements.setdefault(req, {"@id": req, "@type": "TestRequirement", "title": f"WCAG {sc} {criterion_title(sc)}"})
    if parts:
        node["isPartOf"] = parts
    return node


def _info(outcome: str, findings: list[Finding]) -> str:
    count = len(findings)
    what = "failed" if outcome == FAILED else "need review"
    return f"{count} element{'s' if count != 1 else ''} {what}" + (f": {findings[0].summary}" if findings[0].summary else "")


def write_earl(results: list[OrganisationResults], path: Path) -> None:
    _write(path, lambda fh: json.dump(earl_document(results), fh, indent=1, ensure_ascii=False))
