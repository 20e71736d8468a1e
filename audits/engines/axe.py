"""axe-core, injected into the live page and every frame, run for the WCAG tags.

The axe-core script comes from a maintained package (``axe-playwright-python``
ships ``axe.min.js``); a newer copy, e.g. npm's ``axe-core``, can be used with
the ``A11Y_AUDIT_AXE_SCRIPT`` environment variable. axe-selenium-python's own
2018 copy is never used.

The result is reduced inside the page (violations and incomplete nodes only,
counts for passes and inapplicable rules): 5-20x less to send back.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from a11y_audit.audits.engines.base import Engine, PageSession
from a11y_audit.audits.fingerprint import fingerprint
from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION, EngineResult, Finding, Standard
from a11y_audit.audits.wcag import criteria_from_tags, tags_for

#: Most nodes kept per rule and page: a DOM of 100k failing nodes must not flood the store.
MAX_NODES_PER_RULE = 50

# Runs in the top document after axe was injected into every frame. axe reaches
# frames through postMessage; cross-origin frames need allowedOrigins.
RUN_AXE = """
async ({options, maxNodes}) => {
  axe.configure({allowedOrigins: ['<unsafe_all_origins>']});
  const result = await axe.run(document, options);
  const rules = {};
  const nodes = (list, outcome) => list.flatMap(rule => {
    rules[rule.id] = {help: rule.help, helpUrl: rule.helpUrl, tags: rule.tags, impact: rule.impact};
    return rule.nodes.slice(0, maxNodes).map(node => ({
      rule: rule.id, outcome, impact: node.impact || rule.impact || null,
      target: node.target, ancestry: node.ancestry || null, html: node.html, summary: node.failureSummary || ''
    }));
  });
  return {
    version: axe.version,
    findings: nodes(result.violations, 'violation').concat(nodes(result.incomplete, 'needs-review')),
    rules,
    passes: result.passes.length,
    inapplicable: result.inapplicable.length,
    passedRules: result.passes.map(rule => rule.id),
    inapplicableRules: result.inapplicable.map(rule => rule.id),
  };
}
"""

_OUTCOMES = {"violation": VIOLATION, "needs-review": NEEDS_REVIEW}


def default_axe_script() -> Path:
    """The axe-core script to inject: $A11Y_AUDIT_AXE_SCRIPT, else the packaged one."""
    override = os.environ.get("A11Y_AUDIT_AXE_SCRIPT")
    if override:
        return Path(override)
    return Path(str(resources.files("axe_playwright_python").joinpath("axe.min.js")))


def format_target(target: list[Any]) -> str:
    """axe's target (frames, then shadow roots) as one string.

    ``["iframe#a", ["my-el", "button"]]`` → ``iframe#a |> my-el >>> button``:
    ``|>`` enters a frame, ``>>>`` enters a shadow root.
    """
    parts = []
    for part in target:
        parts.append(" >>> ".join(part) if isinstance(part, list) else str(part))
    return " |> ".join(parts)


def reduce_axe_results(result: dict[str, Any], max_nodes: int = MAX_NODES_PER_RULE) -> dict[str, Any]:
    """A full ``axe.run`` result in the reduced shape :data:`RUN_AXE` returns (for engines
    that cannot reduce inside the page, such as axe-selenium-python's ``Axe.run``)."""
    rules: dict[str, Any] = {}
    findings = []
    for key, outcome in (("violations", "violation"), ("incomplete", "needs-review")):
        for rule in result.get(key, []):
            rules[rule["id"]] = {"help": rule.get("help"), "helpUrl": rule.get("helpUrl"),
                                 "tags": rule.get("tags", []), "impact": rule.get("impact")}
            for node in rule.get("nodes", [])[:max_nodes]:
                findings.append({
                    "rule": rule["id"], "outcome": outcome, "impact": node.get("impact") or rule.get("impact"),
                    "target": node.get("target"), "ancestry": node.get("ancestry"), "html": node.get("html"),
                    "summary": node.get("failureSummary") or "",
                })
    return {
        "version": (result.get("testEngine") or {}).get("version"),
        "findings": findings,
        "rules": rules,
        "passes": len(result.get("passes", [])),
        "inapplicable": len(result.get("inapplicable", [])),
        "passedRules": [rule["id"] for rule in result.get("passes", [])],
        "inapplicableRules": [rule["id"] for rule in result.get("inapplicable", [])],
    }


class AxeEngine(Engine):
    """axe-core through :class:`PageSession`: one injection per frame, one ``axe.run``."""

    name = "axe"

    def __init__(self, script_path: Path | None = None, max_nodes: int = MAX_NODES_PER_RULE) -> None:
        self.script_path = script_path or default_axe_script()
        self.max_nodes = max_nodes

    @cached_property
    def source(self) -> str:
        return self.script_path.read_text(encoding="utf-8")

    @cached_property
    def version(self) -> str:
        match = re.search(r"axe v(\d+\.\d+\.\d+)", self.source[:500])
        return match.group(1) if match else "unknown"

    def options(self, standard: Standard) -> dict[str, Any]:
        return {
            "runOnly": {"type": "tag", "values": tags_for(standard)},
            "resultTypes": ["violations", "incomplete"],
            "iframes": True,
            "elementRef": False,
            "ancestry": True,  # full paths, for fingerprints that do not depend on the page
        }

    async def audit(self, page: PageSession, standard: Standard) -> EngineResult:
        await page.inject(self.source)
        raw = await page.evaluate(RUN_AXE, {"options": self.options(standard), "maxNodes": self.max_nodes})
        return self.parse(raw)

    def parse(self, raw: dict[str, Any]) -> EngineResult:
        """Turn the reduced in-page result into findings (also used on recorded results)."""
        rules = raw.get("rules", {})
        findings = []
        for node in raw.get("findings", []):
            meta = rules.get(node["rule"], {})
            tags = tuple(meta.get("tags", ()))
            selector = format_target(node.get("target") or [])
            html = node.get("html") or ""
            ancestry = format_target(node["ancestry"]) if node.get("ancestry") else None
            findings.append(
                Finding(
                    engine=self.name,
                    rule=node["rule"],
                    outcome=_OUTCOMES[node["outcome"]],
                    impact=node.get("impact"),
                    wcag=criteria_from_tags(tags),
                    selector=selector,
                    html=html,
                    fingerprint=fingerprint(node["rule"], selector, html, ancestry),
                    summary=node.get("summary") or "",
                    help=meta.get("help", ""),
                    help_url=meta.get("helpUrl", ""),
                    tags=tags,
                )
            )
        return EngineResult(
            engine=self.name,
            version=raw.get("version") or self.version,
            findings=findings,
            passes=int(raw.get("passes", 0)),
            inapplicable=int(raw.get("inapplicable", 0)),
            # Which rules passed or did not apply, for EARL's passed / inapplicable outcomes.
            facts={"passed_rules": list(raw.get("passedRules", [])),
                   "inapplicable_rules": list(raw.get("inapplicableRules", []))},
        )
