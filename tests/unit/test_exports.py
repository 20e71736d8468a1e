"""reports/exports.py: CSV formula neutralising, CSV columns and the JSON export layout."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone

import pytest

from a11y_audit.audits.model import (
    DocumentResult,
    EngineResult,
    Finding,
    OrganisationResults,
    PageResult,
    RunRecord,
    SiteRecord,
    Standard,
)
from a11y_audit.reports.exports import CSV_COLUMNS, neutralise, write_csv, write_json

EVIL_TITLE = '=HYPERLINK("http://evil")'


def finding(**changes) -> Finding:
    values = dict(
        engine="axe", rule="image-alt", outcome="violation", impact="critical", wcag=("1.1.1", "4.1.2"),
        selector="header > img", html='<img src="/logo.png">', fingerprint="0123456789abcdef",
        summary="Add an alt attribute", help="Images must have alternative text",
        help_url="https://dequeuniversity.com/rules/axe/4.12/image-alt", tags=("wcag2a", "wcag111"),
    )
    values.update(changes)
    return Finding(**values)


def results(title: str = EVIL_TITLE) -> OrganisationResults:
    findings = [finding(), finding(rule="color-contrast", outcome="needs-review", impact=None, wcag=("1.4.3",),
                                   selector="-x", fingerprint="fedcba9876543210")]
    page = PageResult(
        url="http://x/", site_url="http://x/", organisation_id="acme", final_url="http://x/", status=200,
        title=title, findings=findings, engines=[EngineResult("axe", "4.12.1", findings, passes=3, inapplicable=5)],
    )
    document = DocumentResult(
        url="http://x/report.pdf", site_url="http://x/", organisation_id="acme",
        content_type="application/pdf", status=200, size=1234,
    )
    run = RunRecord(
        id=7, started_at=datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc), finished_at=None, status="finished",
        tool_version="0.1.0", engines={"axe": "4.12.1"}, browser={"name": "chromium", "version": "120"}, config={},
    )
    return OrganisationResults(
        id="acme", name="Acme", run=run, sites=[SiteRecord("http://x/", {}, [page], [document])],
        standard=Standard("2.2", "AA"),
    )


# --- neutralise ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+x", "-x", "@x", "\tx", "\rx"])
def test_neutralise_formula_starts(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["plain text", "", "a=1", "http://x/?a=-1", " =1"])
def test_neutralise_leaves_plain_text(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [None, 7, -3, 1.5, True])
def test_neutralise_leaves_non_strings(value):
    assert neutralise(value) is value


# --- CSV -------------------------------------------------------------------------------------


@pytest.fixture
def csv_rows(tmp_path):
    path = tmp_path / "out" / "findings.csv"
    write_csv([results()], path)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def test_csv_header(csv_rows):
    header, _ = csv_rows
    assert tuple(header) == CSV_COLUMNS
    assert CSV_COLUMNS[:4] == ("organisation", "site", "page", "page_title")


def test_csv_rows(csv_rows):
    _, rows = csv_rows

    assert len(rows) == 2
    first = rows[0]
    assert first["organisation"] == "acme"
    assert first["page"] == "http://x/"
    assert first["rule"] == "image-alt"
    assert first["outcome"] == "violation"
    assert first["impact"] == "critical"
    assert first["wcag"] == "1.1.1 4.1.2"
    assert first["html"] == '<img src="/logo.png">'
    assert first["fingerprint"] == "0123456789abcdef"
    assert first["run"] == "7"
    assert rows[1]["impact"] == ""
    assert rows[1]["outcome"] == "needs-review"


def test_csv_neutralises_page_title_and_selector(csv_rows):
    _, rows = csv_rows

    assert {row["page_title"] for row in rows} == {"'" + EVIL_TITLE}
    assert rows[1]["selector"] == "'-x"


# --- JSON ------------------------------------------------------------------------------------


@pytest.fixture
def exported(tmp_path):
    path = tmp_path / "export.json"
    write_json([results(title="Home")], path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_json_top_level(exported):
    assert exported["schema_version"] == 1
    assert exported["tool"] == {"name": "a11y-audit", "version": "0.1.0"}
    (org,) = exported["organisations"]
    assert (org["id"], org["name"]) == ("acme", "Acme")
    assert org["standard"] == {"wcag": "2.2", "level": "AA"}
    assert org["run"]["id"] == 7
    assert org["run"]["started_at"] == "2024-05-01T12:00:00+00:00"
    assert org["run"]["finished_at"] is None


def test_json_pages_and_findings(exported):
    (site,) = exported["organisations"][0]["sites"]
    assert site["url"] == "http://x/"
    (page,) = site["pages"]
    assert page["url"] == "http://x/"
    assert page["title"] == "Home"
    assert page["status"] == 200
    assert page["engines"] == {"axe": {"version": "4.12.1", "passes": 3, "inapplicable": 5, "error": None}}

    first = page["findings"][0]
    assert {k: first[k] for k in ("engine", "rule", "outcome", "impact", "wcag", "selector", "html", "fingerprint")} == {
        "engine": "axe",
        "rule": "image-alt",
        "outcome": "violation",
        "impact": "critical",
        "wcag": ["1.1.1", "4.1.2"],
        "selector": "header > img",
        "html": '<img src="/logo.png">',
        "fingerprint": "0123456789abcdef",
    }
    assert page["findings"][1]["impact"] is None
    assert page["findings"][1]["outcome"] == "needs-review"


def test_json_documents(exported):
    (document,) = exported["organisations"][0]["sites"][0]["documents"]

    assert document["url"] == "http://x/report.pdf"
    assert document["content_type"] == "application/pdf"
    assert document["size"] == 1234
    assert "organisation_id" not in document and "site_url" not in document


def test_json_is_not_neutralised(tmp_path):
    path = tmp_path / "export.json"
    write_json([results()], path)

    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["organisations"][0]["sites"][0]["pages"][0]["title"] == EVIL_TITLE
