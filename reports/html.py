"""HTML reports: an index, one self-contained file per organisation, and beside each a
folder with its full issue list and its page drill-down.

In: :class:`~audits.model.OrganisationResults` read from the store (with the
previous run and per-run figures for trends). Out::

    index.html                 every organisation side by side, the pledge as a whole
    <org>.html                 what signatories act on
    <org>/issues.html          every grouped issue, with filters and sorting
    <org>/pages-K.html         every finding of 50 pages each

Jinja2 with autoescaping and strict undefined: every title, URL and snippet
taken from a crawled page is untrusted and is escaped; links to page-supplied
URLs are only made for http(s). Each file carries a Content-Security-Policy
that allows only its own, hashed stylesheet; the issue list also allows its
own, hashed script (filters and sorting), and no other file has any script.
Text comes in the report's language through Jinja2's i18n extension.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from a11y_audit.audits.model import OrganisationResults
from a11y_audit.config.defaults import TOOL_NAME, TOOL_VERSION
from a11y_audit.config.errors import ReportError
from a11y_audit.reports.drilldown import issue_list_view, page_chunks
from a11y_audit.reports.i18n import DEFAULT_LANGUAGE, translations, translator
from a11y_audit.reports.trends import RunFigures
from a11y_audit.reports.view import IndexView, OrganisationView, index_view, organisation_view


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def policy(css: str, script: Optional[str] = None) -> str:
    """The Content-Security-Policy of a report: nothing but its own hashed stylesheet
    (and, for the issue list, its own hashed script)."""
    scripts = f"; script-src '{_sha256(script)}'" if script is not None else ""
    return (
        f"default-src 'none'; style-src '{_sha256(css)}'{scripts}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


@lru_cache(maxsize=None)
def environment(lang: str = DEFAULT_LANGUAGE) -> Environment:
    env = Environment(
        loader=PackageLoader("a11y_audit.reports", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(lang), newstyle=True)
    css = env.loader.get_source(env, "report.css")[0]
    script = env.loader.get_source(env, "issues.js")[0]
    env.globals.update(
        css=Markup(css),  # our own stylesheet, hashed into the CSP; never page content
        script=Markup(script),  # our own script, hashed into the issue list's CSP; never page content
        csp=policy(css),
        csp_with_script=policy(css, script),
        tool=f"{TOOL_NAME} {TOOL_VERSION}",
        lang=lang,
    )
    env.filters["num"] = translator(lang).number
    return env


def render_organisation(view: OrganisationView) -> str:
    return environment(view.lang).get_template("organisation.html").render(org=view)


def render_index(view: IndexView) -> str:
    return environment(view.lang).get_template("index.html").render(index=view)


def render_issue_list(view: OrganisationView) -> str:
    env = environment(view.lang)
    return env.get_template("issues.html").render(view=issue_list_view(view), csp=env.globals["csp_with_script"])


def write_reports(
    results: Sequence[tuple[OrganisationResults, Optional[OrganisationResults]]],
    out_dir: Path,
    lang: str = DEFAULT_LANGUAGE,
    history: Optional[Mapping[str, Sequence[RunFigures]]] = None,
) -> Path:
    """Write every organisation's report (each with its previous run, or None), its issue
    list and page drill-down, and the index; return the index's path. *history*: per
    organisation id, its runs' figures up to the reported run, oldest first."""
    history = history or {}
    env = environment(lang)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        views = []
        for current, previous in results:
            view = organisation_view(current, previous, history.get(current.id), lang)
            views.append(view)
            (out_dir / view.file_name).write_text(render_organisation(view), encoding="utf-8")
            folder = out_dir / view.folder
            folder.mkdir(exist_ok=True)
            (folder / "issues.html").write_text(render_issue_list(view), encoding="utf-8")
            for stale in set(folder.glob("pages-*.html")) - {folder / name for name in view.page_files}:
                stale.unlink()
            template = env.get_template("pages.html")
            for chunk in page_chunks(current, view):
                (folder / chunk.file_name).write_text(template.render(chunk=chunk), encoding="utf-8")
        index = out_dir / "index.html"
        index.write_text(render_index(index_view(views, lang)), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"--out {out_dir}: cannot write reports: {exc.strerror or exc}") from None
    return index
