"""audits/grouping.py: grouping findings by fingerprint, priority order, run comparison."""

from __future__ import annotations

from a11y_audit.audits.grouping import IMPACT_WEIGHT, compare_groups, group_findings
from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION
from tests.unit.gate_builders import finding, org, review

U = "https://shop.example"


def pages_of(pages, **kwargs):
    return org("shop", pages, **kwargs).pages


def test_groups_one_fingerprint_across_pages_with_sorted_distinct_pages_and_instance_count():
    logo = finding("f-logo", rule="image-alt", selector="header > img", html='<img src="/logo.png">')
    pages = pages_of({
        "/b": [logo],
        "/a": [logo, logo],  # the same element twice on one page: two instances, one page
        "/c": [logo],
        "/d": [],
    })

    groups = group_findings(pages)

    assert len(groups) == 1
    g = groups[0]
    assert g.fingerprint == "f-logo"
    assert g.pages == [f"{U}/a", f"{U}/b", f"{U}/c"]
    assert g.instances == 4
    assert (g.engine, g.rule, g.outcome, g.impact) == ("axe", "image-alt", VIOLATION, "critical")
    assert (g.selector, g.html, g.help, g.summary) == ("header > img", '<img src="/logo.png">',
                                                      "Help for image-alt", "fix image-alt")
    assert g.wcag == ("1.1.1",)
    assert g.example_page == f"{U}/b"  # the first page it was seen on


def test_different_fingerprints_make_different_groups():
    pages = pages_of({"/": [finding("f1"), finding("f2")], "/x": [finding("f2")]})

    groups = group_findings(pages)

    assert {g.fingerprint: (g.pages, g.instances) for g in groups} == {
        "f1": ([f"{U}/"], 1),
        "f2": ([f"{U}/", f"{U}/x"], 2),
    }


def test_default_outcome_is_violations_only():
    pages = pages_of({"/": [finding("v1"), review("r1", rule="color-contrast", impact="serious")]})

    assert [g.fingerprint for g in group_findings(pages)] == ["v1"]
    assert [g.fingerprint for g in group_findings(pages, VIOLATION)] == ["v1"]


def test_needs_review_filter_gives_only_needs_review():
    pages = pages_of({"/": [finding("v1"), review("r1", rule="color-contrast", impact="serious")]})

    groups = group_findings(pages, NEEDS_REVIEW)

    assert [(g.fingerprint, g.outcome) for g in groups] == [("r1", NEEDS_REVIEW)]


def test_outcome_none_gives_both_and_keeps_outcomes_apart_with_violations_first():
    # The same fingerprint as a violation on one page and needing review on others: two groups.
    pages = pages_of({
        "/1": [review("same", impact="critical")],
        "/2": [review("same", impact="critical")],
        "/3": [review("same", impact="critical"), finding("same", impact="minor")],
    })

    groups = group_findings(pages, outcome=None)

    assert [(g.fingerprint, g.outcome, g.pages, g.instances) for g in groups] == [
        ("same", VIOLATION, [f"{U}/3"], 1),
        ("same", NEEDS_REVIEW, [f"{U}/1", f"{U}/2", f"{U}/3"], 3),
    ]
    # The needs-review group is far more "urgent" by score, yet a violation comes first.
    assert groups[1].score == 30 > groups[0].score == 1


def test_priority_is_impact_weight_times_pages():
    serious = finding("f-serious", rule="label", impact="serious")
    critical = finding("f-critical", rule="image-alt", impact="critical")
    pages = pages_of({
        "/1": [critical, serious], "/2": [critical, serious], "/3": [serious], "/4": [serious], "/5": [serious],
    })

    groups = group_findings(pages)

    assert [(g.fingerprint, g.score) for g in groups] == [("f-serious", 25), ("f-critical", 20)]


def test_equal_scores_order_by_impact_then_rule_then_fingerprint():
    pages = pages_of({
        "/1": [finding("s", rule="a-rule", impact="serious"), finding("c", rule="z-rule", impact="critical"),
               finding("m0", rule="c-rule", impact="moderate"), finding("m1", rule="b-rule", impact="moderate")],
        "/2": [finding("s", rule="a-rule", impact="serious")],
        "/3": [finding("m0", rule="c-rule", impact="moderate")],
        "/4": [finding("m0", rule="c-rule", impact="moderate")],
        "/5": [finding("m0", rule="c-rule", impact="moderate")],
        "/6": [finding("m1", rule="b-rule", impact="moderate")],
        "/7": [finding("m1", rule="b-rule", impact="moderate")],
        "/8": [finding("m1", rule="b-rule", impact="moderate")],
        "/9": [finding("m1", rule="b-rule", impact="moderate")],
        "/10": [finding("m0", rule="c-rule", impact="moderate")],
    })

    groups = group_findings(pages)

    # c: 10×1, s: 5×2, m1 and m0: 2×5 — all 10; critical, serious, then moderate by rule
    # (b-rule before c-rule, although fingerprint "m0" < "m1").
    assert [(g.fingerprint, g.score) for g in groups] == [("c", 10), ("s", 10), ("m1", 10), ("m0", 10)]


def test_unknown_impact_weighs_one_per_page():
    pages = pages_of({"/1": [finding("n", impact=None)], "/2": [finding("n", impact=None)]})

    [g] = group_findings(pages)

    assert g.score == 2
    assert IMPACT_WEIGHT == {"critical": 10, "serious": 5, "moderate": 2, "minor": 1}


def test_no_pages_no_groups():
    assert group_findings([]) == []
    assert group_findings(pages_of({"/": []}), outcome=None) == []


def test_compare_groups_new_fixed_unchanged_by_fingerprint():
    before = group_findings(pages_of({"/": [finding("gone"), finding("stays", rule="label")]}))
    after = group_findings(pages_of({
        # "stays" moved to other pages and got more instances: still the same issue.
        "/x": [finding("stays", rule="label"), finding("fresh", rule="link-name")],
        "/y": [finding("stays", rule="label")],
    }))

    c = compare_groups(before, after)

    assert [g.fingerprint for g in c.new] == ["fresh"]
    assert [g.fingerprint for g in c.fixed] == ["gone"]
    assert [g.fingerprint for g in c.unchanged] == ["stays"]
    assert c.unchanged[0] is next(g for g in after if g.fingerprint == "stays")  # the later run's group
    assert c.unchanged[0].pages == [f"{U}/x", f"{U}/y"]
    assert c.new_fingerprints == {"fresh"}


def test_compare_identical_and_empty_runs():
    groups = group_findings(pages_of({"/": [finding("a"), finding("b")]}))

    same = compare_groups(groups, groups)
    assert (same.new, same.fixed, [g.fingerprint for g in same.unchanged]) == ([], [], ["a", "b"])

    from_nothing = compare_groups([], groups)
    assert ([g.fingerprint for g in from_nothing.new], from_nothing.fixed, from_nothing.unchanged) == (
        ["a", "b"], [], [])

    to_nothing = compare_groups(groups, [])
    assert (to_nothing.new, [g.fingerprint for g in to_nothing.fixed], to_nothing.unchanged) == (
        [], ["a", "b"], [])
