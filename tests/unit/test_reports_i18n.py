"""Report languages: the Dutch catalogue is complete, compiled and consistent, and reports
render in the language asked for."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from a11y_audit.config.errors import ReportError
from a11y_audit.reports.html import render_index, render_issue_list, render_organisation
from a11y_audit.reports.i18n import LANGUAGES, LOCALE_DIR, check_language, translator
from a11y_audit.reports.view import index_view, organisation_view
from tests.unit.gate_builders import finding, org, review

ROOT = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po"
MO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def catalogue():
    with PO.open("rb") as fh:
        return read_po(fh)


def extracted_ids() -> set[str]:
    """What `pybabel extract -F reports/babel.cfg -k tr -k plural:1,2` finds."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                     "lstrip_blocks": "true", "trimmed": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "tr": None, "plural": (1, 2)}
    ids = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT / "reports"), method_map, options, keywords=keywords):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_message_is_translated_to_dutch():
    cat = catalogue()
    in_po = {m.id[0] if isinstance(m.id, tuple) else m.id for m in cat if m.id}

    assert extracted_ids() == in_po, "run the pybabel commands in reports/babel.cfg"
    untranslated = [m.id for m in cat if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert untranslated == []
    assert not [m.id for m in cat if m.id and m.fuzzy]


def test_translations_keep_their_placeholders():
    for m in catalogue():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = {p for text in ids for p in PLACEHOLDER.findall(text)}
        for text in strings:
            got = set(PLACEHOLDER.findall(text))
            # A singular form may leave out the count ("één probleem"); nothing else may go.
            assert got <= wanted and wanted - got <= {("count", ""), ("num", "")}, (m.id, text)


def test_compiled_catalogue_is_up_to_date():
    buffer = io.BytesIO()
    write_mo(buffer, catalogue())
    assert MO.read_bytes() == buffer.getvalue(), "run: pybabel compile -d reports/locale"


def test_package_data_ships_the_catalogue():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.mo"' in pyproject and '"templates/*.js"' in pyproject


def results():
    return org("acme", {"/": [finding("f1"), review("r1", rule="color-contrast", wcag=("1.4.3",))]})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reports_carry_their_language(lang):
    view = organisation_view(results(), lang=lang)
    for html in (render_organisation(view), render_issue_list(view), render_index(index_view([view]))):
        assert f'<html lang="{lang}">' in html


def test_dutch_report_is_in_dutch():
    view = organisation_view(results(), lang="nl")
    html = render_organisation(view)

    for text in ("Toegankelijkheidsrapport: Acme", "Samenvatting", "Wat eerst oplossen", "WCAG-dekking",
                 "Niet automatisch getest", "Direct naar de inhoud", "Kritiek", "Niet-tekstuele content",
                 "Gevonden op 1 pagina (fouten: 1)."):
        assert text in html, text
    for english in ("What to fix first", "Skip to main content", "Not tested automatically", "Found on"):
        assert english not in html, english
    assert "Per impact" in render_issue_list(view)


def test_numbers_follow_the_language():
    assert translator("en").number(12345) == "12,345"
    assert translator("nl").number(12345) == "12.345"
    assert translator("nl").percent(0.125) == "12,5%"
    assert translator("nl").plural("%(num)s element", "%(num)s elements", 3) == "3 elementen"


def test_unknown_language_is_an_error():
    assert check_language("nl") == "nl"
    with pytest.raises(ReportError, match="--lang de"):
        check_language("de")
