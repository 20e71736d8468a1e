"""WCAG versions, levels and axe-core tags, and the tag → success-criterion mapping.

axe-core tags every rule with the WCAG criteria it tests (``wcag143`` is
success criterion 1.4.3) and with the version and level that introduced them
(``wcag2a``, ``wcag21aa``, ``wcag22aa``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

from a11y_audit.audits.model import Standard

_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")

_VERSION_TAGS = {
    "2.0": ("wcag2",),
    "2.1": ("wcag2", "wcag21"),
    "2.2": ("wcag2", "wcag21", "wcag22"),
}


def sc_from_tag(tag: str) -> str | None:
    """``wcag1412`` → ``1.4.12``; any other tag → ``None``."""
    match = _SC_TAG.match(tag)
    return ".".join(match.groups()) if match else None


def criteria_from_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """The success criteria named by *tags*, in numeric order, without duplicates."""
    found = {sc for sc in map(sc_from_tag, tags) if sc}
    return tuple(sorted(found, key=lambda sc: tuple(int(part) for part in sc.split("."))))


def tags_for(standard: Standard) -> list[str]:
    """axe-core ``runOnly`` tags that select the rules of *standard*.

    Level AA includes level A. WCAG 2.2 has no new level A rules in axe, but
    the tag is listed so that a future one is picked up.
    """
    try:
        prefixes = _VERSION_TAGS[standard.wcag]
    except KeyError:
        raise ValueError(f"unknown WCAG version {standard.wcag!r}") from None
    levels = ("a", "aa") if standard.level == "AA" else ("a",)
    return [prefix + level for prefix in prefixes for level in levels]


@dataclass(frozen=True)
class Criterion:
    """A WCAG success criterion, from the data file shipped with the package."""

    sc: str
    title: str
    level: str
    since: str
    removed_in: str | None = None

    @property
    def principle(self) -> str:
        return _data()["principles"][self.sc.split(".")[0]]


@lru_cache(maxsize=1)
def _data() -> dict:
    text = resources.files("a11y_audit.audits").joinpath("data/wcag-criteria.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def all_criteria() -> dict[str, Criterion]:
    """Every A and AA success criterion of WCAG 2.0–2.2, by number."""
    return {row["sc"]: Criterion(**row) for row in _data()["criteria"]}


def criteria_for(standard: Standard) -> list[Criterion]:
    """The success criteria a site must meet for *standard* (2.2 AA: 55)."""
    version = tuple(int(x) for x in standard.wcag.split("."))
    levels = ("A", "AA") if standard.level == "AA" else ("A",)

    def applies(c: Criterion) -> bool:
        if tuple(int(x) for x in c.since.split(".")) > version or c.level not in levels:
            return False
        return not (c.removed_in and tuple(int(x) for x in c.removed_in.split(".")) <= version)

    return [c for c in all_criteria().values() if applies(c)]


def criterion_title(sc: str) -> str:
    c = all_criteria().get(sc)
    return c.title if c else ""


# --- Manual checks, translations and automated coverage (data files beside the criteria) ---

#: Languages the manual-check instructions and criterion titles are shipped in.
LANGUAGES = ("en", "nl")


@lru_cache(maxsize=None)
def _data_file(name: str) -> dict:
    text = resources.files("a11y_audit.audits").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return json.loads(text)


def sc_key(sc: str) -> tuple[int, ...]:
    """Numeric sort key of a success criterion number: ``1.4.10`` after ``1.4.4``."""
    return tuple(int(part) for part in sc.split("."))


def criterion_title_in(sc: str, lang: str = "en") -> str:
    """The criterion's title in *lang* (English when no translation is shipped)."""
    if lang != "en":
        row = _data_file("manual-checks.json")["criteria"].get(sc, {})
        title = row.get("title", {}).get(lang)
        if title:
            return title
    return criterion_title(sc)


def principle_of(sc: str, lang: str = "en") -> str:
    """The WCAG principle (Perceivable, Operable, …) a criterion belongs to, in *lang*."""
    number = sc.split(".")[0]
    translated = _data_file("manual-checks.json")["principles"].get(lang, {})
    return translated.get(number) or _data()["principles"].get(number, "")


def manual_check(sc: str, lang: str = "en") -> str:
    """What a person should check for criterion *sc*, in *lang* (English as fallback)."""
    checks = _data_file("manual-checks.json")["criteria"].get(sc, {}).get("check", {})
    return checks.get(lang) or checks.get("en", "")


def criterion_anchor(sc: str) -> str:
    """The criterion's fragment in the WCAG 2.2 Recommendation: ``1.4.3`` → ``contrast-minimum``."""
    title = criterion_title(sc).lower()
    return re.sub(r"[^a-z0-9]+", "-", title.replace("(", "").replace(")", "").replace(",", "")).strip("-")


def automated_rules(engines: dict[str, str], standard: Standard) -> dict[str, list[str]]:
    """Criterion → the rules (``engine:rule``) that engines of these versions run for *standard*.

    Conservative by design: only engines (and major versions) listed in
    ``data/automated-coverage.json`` count; every rule there tests a criterion
    only in part.
    """
    run_tags = set(tags_for(standard))
    covered: dict[str, list[str]] = {}
    for name, version in sorted(engines.items()):
        entry = _data_file("automated-coverage.json")["engines"].get(name)
        if not entry or str(version).split(".")[0] != entry["major_version"]:
            continue
        for rule, meta in entry["rules"].items():
            if run_tags.isdisjoint(meta["levels"]):
                continue
            for sc in meta["criteria"]:
                covered.setdefault(sc, []).append(f"{name}:{rule}")
    return covered


def rule_criteria(engine: str, rule: str) -> tuple[str, ...]:
    """The success criteria an engine's rule tests, from ``data/automated-coverage.json``."""
    entry = _data_file("automated-coverage.json")["engines"].get(engine, {})
    return tuple(entry.get("rules", {}).get(rule, {}).get("criteria", ()))
