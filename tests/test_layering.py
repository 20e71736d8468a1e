"""Dependencies point one way: config ← audits ← store / reports; crawler drives them all.

Only the crawler may import a browser or crawling library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"config", "audits", "store", "reports", "gate", "crawler", "demo"}
ALLOWED = {
    "config": set(),
    "audits": {"config"},
    "store": {"config", "audits"},
    "reports": {"config", "audits"},
    "gate": {"config", "audits"},
    "demo": set(),
    "crawler": OURS - {"crawler"},
}
BROWSER_LIBRARIES = {"scrapy", "scrapy_playwright", "playwright", "selenium", "axe_selenium_python", "twisted",
                     "scrapy_redis", "redis"}


def imported_top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package):
    wrong = {}
    for path in (ROOT / package).rglob("*.py"):
        names = imported_top_level_names(path)
        ours = (names & OURS) - {package} - ALLOWED[package]
        browser = names & BROWSER_LIBRARIES if package != "crawler" else set()
        if ours or browser:
            wrong[str(path.relative_to(ROOT))] = sorted(ours | browser)
    assert wrong == {}
