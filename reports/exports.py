"""Machine-readable exports of stored results: JSON (everything) and CSV (findings).

The JSON layout is versioned (``schema_version``) and documented in
docs/export-schema.md; fields are only ever added within a version. CSV
cells that a spreadsheet would run as a formula (starting with = + - @, tab
or carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from a11y_audit.audits.model import Finding, OrganisationResults, PageResult
from a11y_audit.config.defaults import TOOL_NAME, TOOL_VERSION
from a11y_audit.config.errors import ReportError

EXPORT_SCHEMA_VERSION = 1

CSV_COLUMNS = (
    "organisation", "site", "page", "page_title", "engine", "rule", "outcome", "impact", "wcag",
    "selector", "html", "fingerprint", "help", "help_url", "run",
)


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "engine": f.engine, "rule": f.rule, "outcome": f.outcome, "impact": f.impact, "wcag": list(f.wcag),
        "selector": f.selector, "html": f.html, "fingerprint": f.fingerprint, "summary": f.summary,
        "help": f.help, "help_url": f.help_url, "tags": list(f.tags),
    }


def _page(p: PageResult) -> dict[str, Any]:
    return {
        "url": p.url, "final_url": p.final_url, "status": p.status, "error": p.error, "title": p.title,
        "depth": p.depth, "redirects": list(p.redirects), "content_type": p.content_type,
        "timings_ms": {"fetch": p.fetch_ms, "render": p.render_ms, "audit": p.audit_ms},
        "engines": {e.engine: {"version": e.version, "passes": e.passes, "inapplicable": e.inapplicable,
                               "error": e.error} for e in p.engines},
        "findings": [_finding(f) for f in p.findings],
    }


def export_data(results: list[OrganisationResults]) -> dict[str, Any]:
    """The export document (see docs/export-schema.md)."""
    return {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION},
        "organisations": [
            {
                "id": org.id,
                "name": org.name,
                "standard": {"wcag": org.standard.wcag, "level": org.standard.level},
                "run": {
                    "id": org.run.id, "status": org.run.status,
                    "started_at": org.run.started_at.isoformat() if org.run.started_at else None,
                    "finished_at": org.run.finished_at.isoformat() if org.run.finished_at else None,
                    "tool_version": org.run.tool_version, "engines": org.run.engines, "browser": org.run.browser,
                },
                "sites": [
                    {
                        "url": site.url,
                        "pages": [_page(p) for p in site.pages],
                        "documents": [
                            {k: v for k, v in asdict(d).items() if k not in ("site_url", "organisation_id")}
                            for d in site.documents
                        ],
                        # That a picture exists, not the picture: the HTML reports show it.
                        "screenshots": [
                            {"fingerprint": shot.fingerprint, "page": shot.page_url, "media_type": shot.media_type,
                             "width": shot.width, "height": shot.height, "bytes": shot.size}
                            for shot in site.screenshots.values()
                        ],
                        # What was audited: a full crawl or a template sample (null: not recorded).
                        "sampling": site.sampling,
                    }
                    for site in org.sites
                ],
            }
            for org in results
        ],
    }


def neutralise(value: Any) -> Any:
    """Make a CSV cell inert in spreadsheets (CWE-1236)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_rows(results: list[OrganisationResults]):
    for org in results:
        for site in org.sites:
            for page in site.pages:
                for f in page.findings:
                    yield {
                        "organisation": org.id, "site": site.url, "page": page.url, "page_title": page.title or "",
                        "engine": f.engine, "rule": f.rule, "outcome": f.outcome, "impact": f.impact or "",
                        "wcag": " ".join(f.wcag), "selector": f.selector, "html": f.html,
                        "fingerprint": f.fingerprint, "help": f.help, "help_url": f.help_url, "run": org.run.id,
                    }


def write_json(results: list[OrganisationResults], path: Path) -> None:
    _write(path, lambda fh: json.dump(export_data(results), fh, indent=1, ensure_ascii=False))


def write_csv(results: list[OrganisationResults], path: Path) -> None:
    def dump(fh) -> None:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in csv_rows(results):
            writer.writerow({key: neutralise(value) for key, value in row.items()})

    _write(path, dump, newline="")


def _write(path: Path, dump, newline: str | None = None) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline=newline) as fh:
            dump(fh)
        tmp.replace(path)
    except OSError as exc:
        raise ReportError(f"--out {path}: cannot write: {exc.strerror or exc}") from None
