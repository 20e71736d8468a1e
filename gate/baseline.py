"""The baseline file: grouped issues a team has accepted for now.

A JSON document meant to be reviewed and kept in git: sorted, stable, one
entry per accepted grouped issue::

    {
      "a11y_audit_baseline": 1,
      "engines": {"axe": "4.12.1"},
      "entries": [
        {"organisation": "shop", "fingerprint": "3f…", "engine": "axe", "rule": "image-alt",
         "impact": "critical", "page_pattern": "/products/*", "selector": "img.hero",
         "snippet": "<img class=\\"hero\\" src=…>",
         "reason": "hero images are replaced in Q3", "owner": "web-team", "expires": "2027-03-31"}
      ]
    }

``reason``, ``owner`` and ``expires`` are optional and written by people; an
entry whose ``expires`` date has passed no longer accepts its issue.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from a11y_audit.audits.grouping import IssueGroup
from a11y_audit.config.errors import ConfigError

FORMAT_VERSION = 1
SNIPPET_LIMIT = 160


@dataclass
class Entry:
    organisation: str
    fingerprint: str
    engine: str
    rule: str
    impact: Optional[str]
    page_pattern: str
    selector: str
    snippet: str
    reason: Optional[str] = None
    owner: Optional[str] = None
    expires: Optional[date] = None

    def expired(self, today: date) -> bool:
        return self.expires is not None and self.expires < today

    def matches(self, organisation: str, group: IssueGroup) -> bool:
        """Same organisation, same fingerprint, on a page the pattern covers."""
        if (organisation, group.fingerprint) != (self.organisation, self.fingerprint):
            return False
        return any(fnmatchcase(page_path(url), self.page_pattern) for url in group.pages)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "organisation": self.organisation, "fingerprint": self.fingerprint, "engine": self.engine,
            "rule": self.rule, "impact": self.impact, "page_pattern": self.page_pattern,
            "selector": self.selector, "snippet": self.snippet,
        }
        for key in ("reason", "owner"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.expires:
            data["expires"] = self.expires.isoformat()
        return data


@dataclass
class Baseline:
    engines: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)

    def matching(self, organisation: str, group: IssueGroup) -> list[Entry]:
        return [entry for entry in self.entries if entry.matches(organisation, group)]

    def find(self, organisation: str, group: IssueGroup, today: Optional[date] = None) -> Optional[Entry]:
        """The entry that accepts *group*: a valid one before an expired one."""
        entries = self.matching(organisation, group)
        if today is not None:
            entries.sort(key=lambda e: e.expired(today))
        return entries[0] if entries else None


def page_path(url: str) -> str:
    """The part of a page URL a pattern matches: path and query."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def escape_pattern(text: str) -> str:
    """*text* as an fnmatch pattern that matches itself: ``[`` would start a character set.

    ``?`` and ``*`` stay as they are, so the file stays readable; they still match themselves.
    """
    return text.replace("[", "[[]")


def page_pattern(urls: list[str]) -> str:
    """One page: its path. Several: the folder they share, followed by ``*``. (URLs that differ
    only in their fragment are one page: a pytest session stores a second state of a page as
    ``…#a11y-state-2``.)"""
    paths = sorted({page_path(u) for u in urls})
    if len(paths) == 1:
        return escape_pattern(paths[0])
    prefix = os.path.commonprefix(paths)
    return escape_pattern(prefix[: prefix.rfind("/") + 1]) + "*"


def entry_for(organisation: str, group: IssueGroup, keep: Optional[Entry] = None) -> Entry:
    """A baseline entry for *group*, keeping the people-written fields of *keep*."""
    return Entry(
        organisation=organisation, fingerprint=group.fingerprint, engine=group.engine, rule=group.rule,
        impact=group.impact, page_pattern=keep.page_pattern if keep else page_pattern(group.pages),
        selector=group.selector, snippet=" ".join(group.html.split())[:SNIPPET_LIMIT],
        reason=keep.reason if keep else None, owner=keep.owner if keep else None,
        expires=keep.expires if keep else None,
    )


def load_baseline(path: Path) -> Baseline:
    """Read *path*; a missing file is an empty baseline (everything found is new)."""
    if not path.exists():
        return Baseline()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable baseline file: {exc}") from None
    if not isinstance(data, dict) or data.get("a11y_audit_baseline") != FORMAT_VERSION:
        raise ConfigError(f"{path}: not an a11y-audit baseline (expected \"a11y_audit_baseline\": {FORMAT_VERSION})")
    entries = []
    raw_entries = data.get("entries", [])
    if not isinstance(raw_entries, list):
        raise ConfigError(f"{path}: entries: must be a list")
    for index, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: entries[{index}]: must be an object, got {type(raw).__name__}")
        try:
            expires = raw.get("expires")
            entries.append(Entry(
                organisation=raw["organisation"], fingerprint=raw["fingerprint"], engine=raw["engine"],
                rule=raw["rule"], impact=raw.get("impact"), page_pattern=raw.get("page_pattern", "*"),
                selector=raw.get("selector", ""), snippet=raw.get("snippet", ""), reason=raw.get("reason"),
                owner=raw.get("owner"), expires=date.fromisoformat(expires) if expires else None,
            ))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: entries[{index}]: {exc.__class__.__name__}: {exc}") from None
    return Baseline(engines=dict(data.get("engines", {})), entries=entries)


def dump_baseline(baseline: Baseline) -> str:
    """Stable text: entries sorted, keys sorted, one trailing newline (diff-friendly)."""
    entries = sorted(baseline.entries, key=lambda e: (e.organisation, e.rule, e.fingerprint, e.page_pattern))
    data = {
        "a11y_audit_baseline": FORMAT_VERSION,
        "engines": dict(sorted(baseline.engines.items())),
        "entries": [e.to_json() for e in entries],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass
class BaselineUpdate:
    baseline: Baseline
    added: list[Entry]
    kept: list[Entry]
    removed: list[Entry]


def update_baseline(old: Baseline, current: dict[str, list[IssueGroup]], engines: dict[str, str]) -> BaselineUpdate:
    """Accept what is there now: keep matching entries' reasons and owners, drop fixed ones.

    Only organisations in *current* are updated; other organisations' entries stay as they are.
    """
    added, kept = [], []
    used: set[int] = set()
    for organisation, groups in sorted(current.items()):
        for group in groups:
            matching = old.matching(organisation, group)
            used.update(id(e) for e in matching)
            if matching:
                kept.append(entry_for(organisation, group, keep=matching[0]))
            else:
                added.append(entry_for(organisation, group))
    untouched = [e for e in old.entries if e.organisation not in current]
    removed = [e for e in old.entries if id(e) not in used and e.organisation in current]
    engines = {**old.engines, **engines} if untouched else dict(engines)
    return BaselineUpdate(Baseline(engines=engines, entries=untouched + kept + added), added, kept, removed)
