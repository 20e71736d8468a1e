"""gate/verdict.py: classifying grouped issues against a baseline under a policy."""

from __future__ import annotations

from datetime import date

import pytest

from a11y_audit.gate.baseline import Baseline, Entry
from a11y_audit.gate.verdict import ACCEPTED, ENGINE_CHANGE, IGNORED, NEW, Policy, decide
from tests.unit.gate_builders import finding, org, review

TODAY = date(2026, 3, 15)
S = "https://shop.example"


def entry(fingerprint: str, organisation: str = "shop", page_pattern: str = "*", **changes) -> Entry:
    values = dict(organisation=organisation, fingerprint=fingerprint, engine="axe", rule="image-alt",
                  impact="critical", page_pattern=page_pattern, selector="", snippet="")
    values.update(changes)
    return Entry(**values)


def run(*orgs, baseline=None, today=TODAY, **policy):
    return decide(42, list(orgs), baseline or Baseline(engines={"axe": "4.12.1"}), Policy(**policy), today=today)


def statuses(verdict) -> dict[str, tuple[str, bool]]:
    return {c.group.fingerprint: (c.status, c.fails) for c in verdict.issues}


# -- classification --------------------------------------------------------------------------


def test_new_accepted_and_ignored():
    shop = org("shop", {"/": [finding("fp-acc"), finding("fp-new"), finding("fp-ign", rule="region")]})
    baseline = Baseline(engines={"axe": "4.12.1"}, entries=[entry("fp-acc", reason="known")])

    v = run(shop, baseline=baseline, ignore_rules=frozenset({"region"}))

    assert statuses(v) == {"fp-acc": (ACCEPTED, False), "fp-new": (NEW, True), "fp-ign": (IGNORED, False)}
    accepted = v.of(ACCEPTED)[0]
    assert accepted.entry is baseline.entries[0] and accepted.expired_entry is False
    assert [c.group.fingerprint for c in v.of(NEW)] == ["fp-new"]
    assert v.of(NEW)[0].entry is None and v.of(NEW)[0].expired_entry is False
    assert [c.organisation for c in v.issues] == ["shop", "shop", "shop"]
    assert v.run_id == 42
    assert not v.passed


def test_ignored_rule_wins_over_a_baseline_entry_and_never_fails():
    shop = org("shop", {"/": [finding("fp1", rule="region", impact="critical")]})
    baseline = Baseline(entries=[entry("fp1", rule="region")])

    v = run(shop, baseline=baseline, ignore_rules=frozenset({"region"}))

    assert statuses(v) == {"fp1": (IGNORED, False)}
    assert v.issues[0].entry is baseline.entries[0]
    assert v.fixed == []  # its entry still matched something
    assert v.passed


def test_entry_for_other_pages_does_not_accept():
    shop = org("shop", {"/about": [finding("fp1")]})

    v = run(shop, baseline=Baseline(entries=[entry("fp1", page_pattern="/products/*")]))

    assert statuses(v) == {"fp1": (NEW, True)}
    assert v.issues[0].entry is None
    assert [e.fingerprint for e in v.fixed] == ["fp1"]


def test_expired_entry_makes_the_issue_new_again():
    shop = org("shop", {"/": [finding("fp-old"), finding("fp-today", rule="label")]})
    old = entry("fp-old", expires=date(2026, 3, 14))
    today = entry("fp-today", rule="label", expires=TODAY)

    v = run(shop, baseline=Baseline(entries=[old, today]))

    assert statuses(v) == {"fp-old": (NEW, True), "fp-today": (ACCEPTED, False)}
    expired = next(c for c in v.issues if c.group.fingerprint == "fp-old")
    assert expired.expired_entry is True
    assert expired.entry is old
    assert v.fixed == []  # an expired entry that matched is not "fixed"


def test_the_same_baseline_expires_by_the_given_date():
    shop = org("shop", {"/": [finding("fp1")]})
    baseline = Baseline(entries=[entry("fp1", expires=date(2026, 6, 30))])

    assert statuses(run(shop, baseline=baseline, today=date(2026, 6, 30))) == {"fp1": (ACCEPTED, False)}
    assert statuses(run(shop, baseline=baseline, today=date(2026, 7, 1))) == {"fp1": (NEW, True)}


# -- failing ---------------------------------------------------------------------------------


def impacts_org():
    return org("shop", {"/": [
        finding("c", impact="critical", rule="r-c"), finding("s", impact="serious", rule="r-s"),
        finding("m", impact="moderate", rule="r-m"), finding("n", impact="minor", rule="r-n"),
        finding("u", impact=None, rule="r-u"),
    ]})


def test_fails_only_at_or_above_fail_on():
    v = run(impacts_org(), fail_on="serious")

    assert {fp: fails for fp, (_, fails) in statuses(v).items()} == {
        "c": True, "s": True, "m": False, "n": False, "u": True,
    }
    assert all(c.status == NEW for c in v.issues)
    assert sorted(c.group.fingerprint for c in v.failing) == ["c", "s", "u"]
    assert not v.passed


@pytest.mark.parametrize("fail_on, failing", [
    ("critical", ["c", "u"]),
    ("serious", ["c", "s", "u"]),
    ("moderate", ["c", "m", "s", "u"]),
    ("minor", ["c", "m", "n", "s", "u"]),
])
def test_fail_on_levels(fail_on, failing):
    v = run(impacts_org(), fail_on=fail_on)

    assert sorted(c.group.fingerprint for c in v.failing) == failing


def test_only_issues_below_fail_on_pass():
    shop = org("shop", {"/": [finding("m", impact="moderate"), finding("n", impact="minor", rule="x")]})

    v = run(shop, fail_on="serious")

    assert len(v.of(NEW)) == 2
    assert v.failing == []
    assert v.passed


def test_default_policy():
    p = Policy()

    assert (p.fail_on, p.ignore_rules, p.max_new, p.strict_engine) == ("serious", frozenset(), 0, False)


@pytest.mark.parametrize("max_new, passed", [(0, False), (1, False), (2, True), (3, True)])
def test_max_new_allows_that_many_failing_issues(max_new, passed):
    shop = org("shop", {"/": [finding("a"), finding("b", rule="label"), finding("m", impact="moderate", rule="x")]})

    v = run(shop, max_new=max_new)

    assert len(v.failing) == 2
    assert v.passed is passed


# -- engine change ---------------------------------------------------------------------------


def engine_case(**policy):
    shop = org("shop", {"/": [finding("fp-acc"), finding("fp-new", rule="label", impact="serious")]},
               engines={"axe": "4.12.1"})
    baseline = Baseline(engines={"axe": "4.0.0"}, entries=[entry("fp-acc")])
    return run(shop, baseline=baseline, **policy)


def test_new_findings_after_an_engine_change_do_not_fail():
    v = engine_case()

    assert statuses(v) == {"fp-acc": (ACCEPTED, False), "fp-new": (ENGINE_CHANGE, False)}
    assert v.changed_engines == {"axe": ("4.0.0", "4.12.1")}
    assert (v.engines, v.baseline_engines) == ({"axe": "4.12.1"}, {"axe": "4.0.0"})
    assert v.passed


def test_strict_engine_fails_new_findings_after_an_engine_change():
    v = engine_case(strict_engine=True)

    assert statuses(v) == {"fp-acc": (ACCEPTED, False), "fp-new": (NEW, True)}
    assert not v.passed


def test_same_engine_version_is_no_engine_change():
    shop = org("shop", {"/": [finding("fp-new")]}, engines={"axe": "4.12.1"})

    v = run(shop, baseline=Baseline(engines={"axe": "4.12.1"}))

    assert v.changed_engines == {}
    assert statuses(v) == {"fp-new": (NEW, True)}


def test_engine_missing_from_baseline_is_no_engine_change():
    shop = org("shop", {"/": [finding("fp-new")]}, engines={"axe": "4.12.1"})

    v = run(shop, baseline=Baseline())

    assert v.changed_engines == {}
    assert statuses(v) == {"fp-new": (NEW, True)}


def test_engine_change_only_affects_that_engines_findings():
    shop = org("shop", {"/": [finding("fp-axe"), finding("fp-own", engine="own", rule="own-rule")]},
               engines={"axe": "4.12.1", "own": "1.0"})

    v = run(shop, baseline=Baseline(engines={"axe": "4.0.0", "own": "1.0"}))

    assert statuses(v) == {"fp-axe": (ENGINE_CHANGE, False), "fp-own": (NEW, True)}
    assert v.changed_engines == {"axe": ("4.0.0", "4.12.1")}


# -- fixed, review, page errors --------------------------------------------------------------


def test_fixed_are_unmatched_entries_of_organisations_in_the_run_only():
    shop = org("shop", {"/": [finding("fp-still")]})
    still = entry("fp-still")
    gone = entry("fp-gone", rule="label")
    other_org = entry("fp-blog", organisation="blog")

    v = run(shop, baseline=Baseline(entries=[other_org, gone, still]))

    assert v.fixed == [gone]
    assert statuses(v) == {"fp-still": (ACCEPTED, False)}


def test_fixed_across_two_organisations():
    shop = org("shop", {"/": []})
    blog = org("blog", {"/": [finding("fp-b1")]})
    entries = [entry("fp-s1"), entry("fp-b1", organisation="blog"), entry("fp-b2", organisation="blog"),
               entry("fp-x", organisation="news")]

    v = run(shop, blog, baseline=Baseline(entries=entries))

    assert v.fixed == [entries[0], entries[2]]


def test_needs_review_is_listed_and_never_fails():
    shop = org("shop", {
        "/": [review("r1", rule="color-contrast", impact="critical"), finding("m", impact="minor")],
        "/b": [review("r1", rule="color-contrast", impact="critical")],
    })

    v = run(shop, fail_on="minor", max_new=1)

    assert [(o, g.fingerprint, g.outcome, len(g.pages)) for o, g in v.review] == [
        ("shop", "r1", "needs-review", 2)]
    assert [c.group.fingerprint for c in v.issues] == ["m"]
    assert [c.group.fingerprint for c in v.failing] == ["m"]
    assert v.passed


def test_needs_review_alone_passes_at_the_strictest_policy():
    v = run(org("shop", {"/": [review("r1", impact="critical")]}), fail_on="minor")

    assert v.issues == [] and len(v.review) == 1
    assert v.passed


def test_page_errors_are_listed_and_not_counted_as_audited():
    shop = org("shop", {"/": [], "/a": []}, errors={"/broken": "net::ERR_CONNECTION_REFUSED"})
    blog = org("blog", {}, errors={"/x": "timeout after 20 s"})

    v = run(shop, blog)

    assert v.page_errors == [("shop", f"{S}/broken", "net::ERR_CONNECTION_REFUSED"),
                             ("blog", "https://blog.example/x", "timeout after 20 s")]
    assert v.pages == {"shop": 2, "blog": 0}
    assert v.passed  # page errors alone do not fail the check


# -- summary and policy ----------------------------------------------------------------------


def test_summary_text_failed():
    shop = org("shop", {"/": [finding("fp-new"), finding("fp-acc", rule="label"), review("r1")],
                        "/b": [finding("fp-minor", impact="minor", rule="x")]})
    baseline = Baseline(engines={"axe": "4.12.1"}, entries=[entry("fp-acc"), entry("fp-gone", rule="y")])

    v = run(shop, baseline=baseline)

    assert v.summary() == (
        "a11y check FAILED: 1 new issue(s) at or above 'serious' (allowed: 0); 2 new in all, 1 accepted by the "
        "baseline, 1 fixed, 0 from an engine change, 1 to review; 2 pages audited in run 42."
    )


def test_summary_text_passed():
    v = engine_case()

    text = v.summary()

    assert text.startswith("a11y check PASSED: 0 new issue(s) at or above 'serious' (allowed: 0);")
    assert "FAILED" not in text
    assert "1 from an engine change" in text
    assert "1 pages audited in run 42." in text


@pytest.mark.parametrize("bad", ["high", "Serious", "", "none"])
def test_policy_rejects_an_unknown_fail_on(bad):
    with pytest.raises(ValueError, match="fail_on must be one of critical, serious, moderate, minor"):
        Policy(fail_on=bad)


def test_policy_at_or_above():
    p = Policy(fail_on="moderate")

    assert [p.at_or_above(i) for i in ("critical", "serious", "moderate", "minor", None)] == [
        True, True, True, False, True]


def test_empty_run_passes():
    v = run()

    assert (v.issues, v.fixed, v.review, v.page_errors, v.pages) == ([], [], [], [], {})
    assert v.passed


def test_an_expired_entry_does_not_shadow_a_valid_one_for_the_same_issue():
    shop = org("shop", {"/products/1": [finding("fp1")], "/checkout": [finding("fp1")]})
    lapsed = entry("fp1", page_pattern="/products/*", expires=date(2026, 1, 31))
    valid = entry("fp1", page_pattern="/checkout", reason="payment provider widget")

    v = run(shop, baseline=Baseline(entries=[lapsed, valid]))

    assert statuses(v) == {"fp1": (ACCEPTED, False)}
    assert v.fixed == []
