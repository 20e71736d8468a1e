"""audits/engines/axe.py: the reduced in-page result becomes findings; version and options."""

from __future__ import annotations

import re

import pytest

from a11y_audit.audits.engines.axe import AxeEngine, format_target
from a11y_audit.audits.fingerprint import fingerprint
from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION, Standard

RULES = {
    "image-alt": {
        "help": "Images must have alternative text",
        "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/image-alt",
        "tags": ["cat.text-alternatives", "wcag2a", "wcag111", "section508", "EN-9.1.1.1"],
        "impact": "critical",
    },
    "color-contrast": {
        "help": "Elements must meet minimum color contrast ratio thresholds",
        "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/color-contrast",
        "tags": ["cat.color", "wcag2aa", "wcag1412", "wcag143"],
        "impact": "serious",
    },
}


def node(rule: str, outcome: str, target: list, **extra) -> dict:
    return {
        "rule": rule,
        "outcome": outcome,
        "impact": extra.get("impact"),
        "target": target,
        "ancestry": extra.get("ancestry"),
        "html": extra.get("html", "<p>x</p>"),
        "summary": extra.get("summary", ""),
    }


def raw_result(*findings: dict) -> dict:
    return {"version": "4.12.1", "findings": list(findings), "rules": RULES, "passes": 3, "inapplicable": 5}


@pytest.fixture(scope="module")
def result():
    return AxeEngine().parse(
        raw_result(
            node(
                "image-alt", "violation", ["iframe#f", "p"], impact="critical",
                ancestry=["html > body > iframe", "html > body > p"], html='<img src="a.png">',
                summary="Fix any of the following: Element does not have an alt attribute",
            ),
            node("color-contrast", "needs-review", [["my-el", "button"]], impact=None, html="<button>Go</button>"),
        )
    )


def test_counts_and_version(result):
    assert result.engine == "axe"
    assert result.version == "4.12.1"
    assert result.passes == 3
    assert result.inapplicable == 5
    assert result.error is None
    assert len(result.findings) == 2


def test_violation(result):
    finding = result.findings[0]

    assert finding.engine == "axe"
    assert finding.rule == "image-alt"
    assert finding.outcome == VIOLATION == "violation"
    assert finding.impact == "critical"
    assert finding.wcag == ("1.1.1",)
    assert finding.selector == "iframe#f |> p"
    assert finding.html == '<img src="a.png">'
    assert finding.summary == "Fix any of the following: Element does not have an alt attribute"
    assert finding.help == "Images must have alternative text"
    assert finding.help_url == "https://dequeuniversity.com/rules/axe/4.12/image-alt"
    assert finding.tags == tuple(RULES["image-alt"]["tags"])
    assert finding.fingerprint == fingerprint(
        "image-alt", "iframe#f |> p", '<img src="a.png">', "html > body > iframe |> html > body > p"
    )


def test_needs_review(result):
    finding = result.findings[1]

    assert finding.outcome == NEEDS_REVIEW == "needs-review"
    assert finding.impact is None
    assert finding.wcag == ("1.4.3", "1.4.12")
    assert finding.selector == "my-el >>> button"
    assert finding.fingerprint == fingerprint("color-contrast", "my-el >>> button", "<button>Go</button>")


def test_empty_result_falls_back_to_script_version():
    engine = AxeEngine()

    result = engine.parse({"findings": [], "rules": {}})

    assert result.findings == []
    assert (result.passes, result.inapplicable) == (0, 0)
    assert result.version == engine.version


@pytest.mark.parametrize(
    ("target", "selector"),
    [
        (["#main > p"], "#main > p"),
        (["iframe#f", "p"], "iframe#f |> p"),
        ([["my-el", "button"]], "my-el >>> button"),
        (["iframe#a", ["my-el", "button"]], "iframe#a |> my-el >>> button"),
        ([], ""),
    ],
)
def test_format_target(target, selector):
    assert format_target(target) == selector


def test_packaged_axe_version(monkeypatch):
    monkeypatch.delenv("A11Y_AUDIT_AXE_SCRIPT", raising=False)
    engine = AxeEngine()

    assert engine.script_path.name == "axe.min.js"
    assert re.fullmatch(r"\d+\.\d+\.\d+", engine.version)
    assert tuple(int(x) for x in engine.version.split(".")[:2]) >= (4, 10)


def test_options_run_only_the_standard_tags():
    options = AxeEngine().options(Standard("2.1", "A"))

    assert options["runOnly"] == {"type": "tag", "values": ["wcag2a", "wcag21a"]}
    assert options["resultTypes"] == ["violations", "incomplete"]
    assert options["ancestry"] is True
