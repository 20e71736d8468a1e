"""reports/earl.py: the EARL 1.0 export is JSON-LD that a processor (PyLD) expands into the
expected EARL triples: assertor, a test subject per page, a test per rule with its WCAG
criteria, and the outcomes failed, cantTell, passed and inapplicable."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from pyld import jsonld

from a11y_audit.audits.model import EngineResult
from a11y_audit.reports.earl import earl_document, rule_iri, write_earl
from tests.unit.gate_builders import finding, org, review

EARL = "http://www.w3.org/ns/earl#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WCAG = "https://www.w3.org/TR/WCAG22/#"


def no_network(url, options=None):
    raise AssertionError(f"the EARL document must not need {url}")


def triples(doc) -> list[tuple[str, str, str]]:
    dataset = jsonld.to_rdf(doc, {"documentLoader": no_network})
    out = []
    for quad in dataset["@default"]:
        out.append((quad["subject"]["value"], quad["predicate"]["value"], quad["object"]["value"]))
    return out


def results():
    acme = org("acme", {
        "/": [finding("logo", rule="image-alt", selector="header > img", help_url="https://dequeuniversity.com/rules/axe/4.12/image-alt?application=axeAPI"),
              finding("logo2", rule="image-alt", selector="footer > img"),
              review("c1", rule="color-contrast", impact="serious", wcag=("1.4.3",))],
        "/about": [],
        "javascript://%0aalert(1)": [finding("x", rule="link-name", wcag=("2.4.4", "4.1.2"))],
    }, errors={"/down": "HTTP 500"})
    # The engine recorded which rules passed and which did not apply on /about.
    about = next(p for p in acme.pages if p.url.endswith("/about"))
    about.engines = [EngineResult("axe", "4.12.1", facts={"passed_rules": ["document-title", "image-alt"],
                                                          "inapplicable_rules": ["video-caption"]})]
    return [acme]


@pytest.fixture(scope="module")
def graph():
    doc = earl_document(results())
    assert "@context" in doc and isinstance(doc["@context"], dict)  # inline: no remote context
    return doc, triples(doc)


def subjects_of(trs, predicate, obj):
    return {s for s, p, o in trs if p == predicate and o == obj}


def test_expands_with_a_json_ld_processor(graph):
    doc, _ = graph
    expanded = jsonld.expand(doc, {"documentLoader": no_network})
    types = {t for node in expanded for t in node.get("@type", [])}
    assert {EARL + "Assertor", EARL + "TestSubject", EARL + "TestCase", EARL + "TestRequirement",
            EARL + "Assertion"} <= types


def test_assertor(graph):
    _, trs = graph
    (assertor,) = subjects_of(trs, RDF_TYPE, EARL + "Assertor")
    assert (assertor, "http://usefulinc.com/ns/doap#name", "a11y-audit") in trs
    assert (assertor, RDF_TYPE, EARL + "Software") in trs


def test_one_test_subject_per_audited_page(graph):
    _, trs = graph
    pages = subjects_of(trs, RDF_TYPE, EARL + "TestSubject")
    sources = {o for s, p, o in trs if p == DCT + "source" and s in pages}

    assert len(pages) == 3  # the page that failed to load is not a test subject
    assert sources == {"https://acme.example/", "https://acme.example/about"}  # javascript: is no IRI


def test_tests_are_rules_part_of_wcag_criteria(graph):
    _, trs = graph
    image_alt = "https://dequeuniversity.com/rules/axe/4.12/image-alt"
    assert (image_alt, RDF_TYPE, EARL + "TestCase") in trs
    assert (image_alt, DCT + "isPartOf", WCAG + "non-text-content") in trs
    assert (WCAG + "non-text-content", RDF_TYPE, EARL + "TestRequirement") in trs
    link_name = "https://dequeuniversity.com/rules/axe/4.12/link-name"
    assert {o for s, p, o in trs if s == link_name and p == DCT + "isPartOf"} == {
        WCAG + "link-purpose-in-context", WCAG + "name-role-value"}
    # A rule known only from facts still names its criteria (from the coverage data).
    assert ("https://dequeuniversity.com/rules/axe/4.12/document-title", DCT + "isPartOf", WCAG + "page-titled") in trs


def outcomes(trs) -> dict[tuple[str, str], str]:
    by_node = defaultdict(dict)
    for s, p, o in trs:
        by_node[s][p] = o
    sources = {s: n.get(DCT + "source", n.get(DCT + "description")) for s, n in by_node.items()}
    found = {}
    for node in by_node.values():
        if node.get(RDF_TYPE) == EARL + "Assertion":
            result = by_node[node[EARL + "result"]]
            found[(sources[node[EARL + "subject"]], node[EARL + "test"].rsplit("/", 1)[-1])] = result[EARL + "outcome"]
            assert node[EARL + "mode"] == EARL + "automatic"
    return found


def test_outcomes(graph):
    _, trs = graph
    found = outcomes(trs)

    assert found[("https://acme.example/", "image-alt")] == EARL + "failed"
    assert found[("https://acme.example/", "color-contrast")] == EARL + "cantTell"
    assert found[("https://acme.example/about", "document-title")] == EARL + "passed"
    assert found[("https://acme.example/about", "image-alt")] == EARL + "passed"
    assert found[("https://acme.example/about", "video-caption")] == EARL + "inapplicable"
    assert found[("javascript://%0aalert(1)", "link-name")] == EARL + "failed"
    assert len(found) == 6


def test_failed_result_points_at_every_element(graph):
    doc, _ = graph
    failed = [n for n in doc["@graph"] if n.get("@type") == "Assertion" and n["result"]["outcome"] == "earl:failed"
              and n["test"].endswith("/image-alt")]
    (assertion,) = failed
    assert [p["expression"] for p in assertion["result"]["pointer"]] == ["header > img", "footer > img"]
    assert assertion["result"]["info"].startswith("2 elements failed")
    assert assertion["result"]["date"] == "2026-01-05T09:30:00+00:00"


def test_test_iris():
    assert rule_iri("axe", "image-alt", "4.12.1") == "https://dequeuniversity.com/rules/axe/4.12/image-alt"
    assert rule_iri("reflow", "reflow", "1.0", "https://www.w3.org/WAI/WCAG22/Understanding/reflow.html?x=1") == \
        "https://www.w3.org/WAI/WCAG22/Understanding/reflow.html"
    assert rule_iri("x y", "a/b", "", "javascript:alert(1)") == "urn:a11y-audit:rule:x%20y:a%2Fb"


def test_written_file_is_json(tmp_path):
    path = tmp_path / "earl.jsonld"
    write_earl(results(), path)
    assert json.loads(path.read_text(encoding="utf-8"))["@graph"]
