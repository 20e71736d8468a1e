"""HTML reports: one self-contained file per organisation and an index.

In: :class:`~audits.model.OrganisationResults` read from the store.
Out: ``index.html`` and ``<organisation id>.html`` in the output folder.

Jinja2 with autoescaping and strict undefined: every title, URL and snippet
taken from a crawled page is untrusted and is escaped; links to page-supplied
URLs are only made for http(s). Each file carries a Content-Security-Policy
that allows no script and only its own, hashed stylesheet.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Optional

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from audits.model import OrganisationResults
from config.defaults import TOOL_NAME, TOOL_VERSION
from config.errors import ReportError
from reports.view import IndexView, OrganisationView, index_view, organisation_view


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = env.loader.get_source(env, "report.css")[0]
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    env.globals.update(
        css=Markup(css),  # our own stylesheet, hashed into the CSP; never page content
        csp=f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'",
        tool=f"{TOOL_NAME} {TOOL_VERSION}",
    )
    return env


def render_organisation(view: OrganisationView) -> str:
    return environment().get_template("organisation.html").render(org=view)


def render_index(view: IndexView) -> str:
    return environment().get_template("index.html").render(index=view)


def write_reports(
    results: list[tuple[OrganisationResults, Optional[OrganisationResults]]], out_dir: Path
) -> Path:
    """Write every organisation's report (each with its previous run, or None) and the
    index; return the index's path."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        views = [organisation_view(current, previous) for current, previous in results]
        for view in views:
            (out_dir / view.file_name).write_text(render_organisation(view), encoding="utf-8")
        index = out_dir / "index.html"
        index.write_text(render_index(index_view(views)), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"--out {out_dir}: cannot write reports: {exc.strerror or exc}") from None
    return index
