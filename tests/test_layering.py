"""Dependencies point one way: config ← audits ← store ← reports, gate ← crawler ← cli and pytest_plugin.

Every part is imported under the one namespace ``a11y_audit``; only the crawler
(and the command line and pytest plugin above it) may import a browser or
crawling library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "a11y_audit"
#: The repository's top-level folders that are installed as a11y_audit.<name>.
PARTS = {"config", "audits", "store", "reports", "gate", "crawler", "cli", "demo", "pytest_plugin"}
ALLOWED = {
    "config": set(),
    "audits": {"config"},
    "store": {"config", "audits"},
    "reports": {"config", "audits", "store"},
    "gate": {"config", "audits", "store"},
    "demo": set(),
    "crawler": {"config", "audits", "store", "reports", "gate", "demo"},
    "cli": PARTS - {"cli", "pytest_plugin"},
    # The pytest plugin: a top layer beside the command line, driving the same layers.
    "pytest_plugin": PARTS - {"cli", "pytest_plugin"},
    # The namespace package itself: its version, and ``python -m a11y_audit`` (the command line).
    NAMESPACE: PARTS,
}
BROWSER_LIBRARIES = {"scrapy", "scrapy_playwright", "playwright", "selenium", "axe_selenium_python", "twisted",
                     "scrapy_redis", "redis"}
MAY_USE_BROWSERS = {"crawler", "cli", "pytest_plugin", NAMESPACE}
#: Code that imports the installed package: it must use the namespace too.
CONSUMERS = ("tests", "bench")


def imports(path: Path) -> set[str]:
    """Absolute module names imported by the file at *path*."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def our_parts(names: set[str]) -> set[str]:
    """The parts of ours among *names* (``a11y_audit.store.reader`` → ``store``)."""
    parts = set()
    for name in names:
        pieces = name.split(".")
        if pieces[0] == NAMESPACE and len(pieces) > 1 and pieces[1] in PARTS:
            parts.add(pieces[1])
    return parts


def bare_parts(names: set[str]) -> set[str]:
    """Imports of our parts without the namespace (``from config import …``): wrong everywhere."""
    return {name for name in names if name.split(".")[0] in PARTS}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package):
    wrong = {}
    for path in (ROOT / package).rglob("*.py"):
        names = imports(path)
        ours = our_parts(names) - {package} - ALLOWED[package]
        browser = {n.split(".")[0] for n in names} & BROWSER_LIBRARIES if package not in MAY_USE_BROWSERS else set()
        bare = bare_parts(names)
        if ours or browser or bare:
            wrong[str(path.relative_to(ROOT))] = sorted(ours | browser | bare)
    assert wrong == {}


@pytest.mark.parametrize("folder", CONSUMERS)
def test_tests_and_benchmarks_import_the_namespace(folder):
    wrong = {str(path.relative_to(ROOT)): sorted(bare_parts(imports(path)))
             for path in (ROOT / folder).rglob("*.py") if bare_parts(imports(path))}
    assert wrong == {}


def test_every_folder_of_ours_is_installed_under_the_namespace():
    import tomllib

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapped = {name.split(".", 1)[1]: folder for name, folder in setup["package-dir"].items() if "." in name}
    assert mapped == {part: part for part in PARTS}
    packages = {str(path.parent.relative_to(ROOT)).replace("/", ".") for part in PARTS
                for path in (ROOT / part).rglob("__init__.py")}
    assert {f"{NAMESPACE}.{p}" for p in packages} | {NAMESPACE} == set(setup["packages"])
