"""The checks' rules as data (``audits/data/checks.json``): criteria, impact, help.

Also builds :class:`~audits.model.Finding` objects for them, so that every check
reports the same way: engine name, WCAG criteria and axe-style tags, a help text
and the W3C Understanding page, and a fingerprint from the element's tag path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional

from a11y_audit.audits.fingerprint import fingerprint
from a11y_audit.audits.model import Finding, Standard
from a11y_audit.audits.wcag import all_criteria, criteria_for


@dataclass(frozen=True)
class Rule:
    id: str
    wcag: tuple[str, ...]
    impact: str
    help: str
    help_url: str

    @property
    def tags(self) -> tuple[str, ...]:
        """axe-style tags: the criteria (``wcag1410``) and the version/level that introduced them (``wcag21aa``)."""
        tags: list[str] = []
        criteria = all_criteria()
        for sc in self.wcag:
            c = criteria.get(sc)
            if c is not None:
                version = "wcag2" if c.since == "2.0" else "wcag" + c.since.replace(".", "")
                tags.append(version + c.level.lower())
            tags.append("wcag" + sc.replace(".", ""))
        return tuple(dict.fromkeys(tags)) + ("a11y-audit",)

    def applies(self, standard: Standard) -> bool:
        """Is every criterion of the rule part of *standard*? (A rule with none always applies.)"""
        return set(self.wcag) <= applicable_criteria(standard)

    def finding(self, engine: str, outcome: str, selector: str, html: str, summary: str,
                ancestry: Optional[str] = None, key: str = "") -> Finding:
        """A finding of this rule on one element. *key* tells apart findings on the same
        element that are different problems (e.g. two sets of pages sharing one title)."""
        return Finding(
            engine=engine, rule=self.id, outcome=outcome, impact=self.impact, wcag=self.wcag,
            selector=selector, html=html,
            fingerprint=fingerprint(self.id + (f"\x1f{key}" if key else ""), selector, html, ancestry),
            summary=summary, help=self.help, help_url=self.help_url, tags=self.tags,
        )

    def on(self, engine: str, outcome: str, element: dict, summary: str, key: str = "") -> Finding:
        """A finding on an element as the in-page scripts describe it (selector, html, ancestry)."""
        return self.finding(engine, outcome, element.get("selector") or "html", element.get("html") or "",
                            summary, element.get("ancestry") or None, key)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("a11y_audit.audits").joinpath("data/checks.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def rule(rule_id: str) -> Rule:
    data = _data()
    row = data["rules"][rule_id]
    wcag = tuple(row["wcag"])
    url = row.get("help_url") or (data["understanding"].format(slug=data["slugs"][wcag[0]]) if wcag else "")
    return Rule(id=rule_id, wcag=wcag, impact=row["impact"], help=row["help"], help_url=url)


@lru_cache(maxsize=8)
def applicable_criteria(standard: Standard) -> frozenset[str]:
    return frozenset(c.sc for c in criteria_for(standard))
