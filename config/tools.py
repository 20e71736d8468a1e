"""The npm-distributed helpers the crawler injects into pages: which, at which pinned
version, and where they are found.

Rule engines and helpers that are published on npm (IBM's Equal Access engine,
QualWeb's bundles, DuckDuckGo's autoconsent) are not Python packages. ``a11y-audit
engines install`` puts them, at the versions pinned here, into one folder with
``npm install --prefix``; the crawler then finds each by, in this order:

1. its own environment variable (a file or folder you got some other way),
2. ``A11Y_AUDIT_ENGINES_DIR`` (the folder ``engines install --dir`` filled),
3. the per-user data folder (``engines install`` without ``--dir``), as
   ``playwright install`` does for browsers.

A tool that is not found is not an error here: each user of a tool says what it
does without it (audit as before, say so once in the log and the report).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from platformdirs import user_data_dir

ENGINES_DIR_ENV = "A11Y_AUDIT_ENGINES_DIR"


@dataclass(frozen=True)
class NpmTool:
    """One tool: the npm packages it takes (pinned) and the file or folder the crawler uses."""

    name: str
    #: npm package name → exact version installed by ``engines install``.
    packages: dict[str, str]
    #: The environment variable that points at the file or folder directly.
    env: str
    #: The file (or folder) used, relative to ``<engines dir>/node_modules``.
    entry: str
    #: The npm package whose version is the tool's version.
    versioned_by: str
    purpose: str
    licence: str
    extra: tuple[str, ...] = field(default=())


TOOLS: dict[str, NpmTool] = {
    tool.name: tool
    for tool in (
        NpmTool(
            name="autoconsent",
            packages={"@duckduckgo/autoconsent": "16.23.0"},
            env="A11Y_AUDIT_AUTOCONSENT",
            entry="@duckduckgo/autoconsent/dist/autoconsent.playwright.js",
            versioned_by="@duckduckgo/autoconsent",
            purpose="answers cookie-consent dialogs (consent: auto, reject, accept)",
            licence="MPL-2.0",
        ),
        NpmTool(
            name="ibm",
            packages={"accessibility-checker-engine": "4.0.34"},
            env="A11Y_AUDIT_ACE",
            entry="accessibility-checker-engine/ace.js",
            versioned_by="accessibility-checker-engine",
            purpose="IBM Equal Access rule engine (engine ibm)",
            licence="Apache-2.0",
        ),
        NpmTool(
            name="qualweb",
            packages={
                "@qualweb/act-rules": "0.7.5",
                "@qualweb/wcag-techniques": "0.4.2",
                "@qualweb/qw-page": "0.3.3",
                "@qualweb/util": "0.6.5",
            },
            env="A11Y_AUDIT_QUALWEB",
            entry="@qualweb",
            versioned_by="@qualweb/act-rules",
            purpose="QualWeb ACT rules and WCAG techniques (engine qualweb)",
            licence="ISC",
        ),
    )
}


def engines_dir(explicit: Optional[str | Path] = None) -> Path:
    """The folder ``engines install`` fills: *explicit*, else ``A11Y_AUDIT_ENGINES_DIR``,
    else the per-user data folder (``~/.local/share/a11y-audit/engines`` on Linux)."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENGINES_DIR_ENV):
        return Path(os.environ[ENGINES_DIR_ENV]).expanduser()
    return Path(user_data_dir("a11y-audit", appauthor=False)) / "engines"


def find_tool(name: str, folder: Optional[str | Path] = None) -> Optional[Path]:
    """The file or folder of tool *name*, or None when it is not installed (*folder*:
    look only in that engines folder, as ``engines install --dir`` filled it)."""
    tool = TOOLS[name]
    if folder is None and os.environ.get(tool.env):
        path = Path(os.environ[tool.env]).expanduser()
        return path if path.exists() else None
    path = engines_dir(folder) / "node_modules" / tool.entry
    return path if path.exists() else None


def tool_version(name: str, folder: Optional[str | Path] = None) -> Optional[str]:
    """The installed version of tool *name* (from its package.json), or None.

    With the tool's environment variable set, the version is read from the nearest
    package.json above the file; a file outside any npm package gives ``"unknown"``.
    """
    path = find_tool(name, folder)
    if path is None:
        return None
    tool = TOOLS[name]
    candidates = [engines_dir(folder) / "node_modules" / tool.versioned_by / "package.json"]
    if folder is None and os.environ.get(tool.env):
        candidates = [parent / "package.json" for parent in [path, *path.parents]]
        if path.is_dir():
            candidates.insert(0, path / tool.versioned_by.split("/", 1)[-1] / "package.json")
    for candidate in candidates:
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("version"):
            return str(data["version"])
    return "unknown"


def npm_specs(names: Optional[list[str]] = None) -> list[str]:
    """``package@version`` for every package of the named tools (all tools by default)."""
    chosen = [TOOLS[name] for name in (names or list(TOOLS))]
    return [f"{package}@{version}" for tool in chosen for package, version in tool.packages.items()]
