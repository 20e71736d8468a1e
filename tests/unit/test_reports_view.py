"""reports/view.py, coverage.py, trends.py, charts.py: what the organisation report and the
index compute from stored results (no templates, no browser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from a11y_audit.audits.model import Standard
from a11y_audit.audits.wcag import LANGUAGES, all_criteria, automated_rules, criteria_for, manual_check
from a11y_audit.reports import view as view_module
from a11y_audit.reports.charts import bar_chart, column_chart
from a11y_audit.reports.coverage import FAILED, NO_FAILURES, REVIEW, UNTESTED
from a11y_audit.reports.i18n import translator
from a11y_audit.reports.trends import direction, trend_view
from a11y_audit.reports.view import file_stem, index_view, organisation_view, page_files
from tests.unit.gate_builders import finding, org, review


def crit(results, lang="en", **kwargs):
    return organisation_view(results, lang=lang, **kwargs)


# --- WCAG coverage ---------------------------------------------------------------------------


def test_coverage_lists_every_criterion_of_the_standard():
    view = crit(org("acme", {"/": [finding("f1")]}))

    assert view.coverage.total == 55 == len(criteria_for(Standard("2.2", "AA")))
    assert [row.sc for row in view.coverage.rows][:3] == ["1.1.1", "1.2.1", "1.2.2"]
    assert "4.1.1" not in {row.sc for row in view.coverage.rows}  # obsolete in 2.2
    assert sum(c.count for c in view.coverage.counts) == 55


def test_coverage_states_failed_review_no_failures_untested():
    results = org("acme", {
        "/": [finding("f1", wcag=("1.1.1",)), review("r1", rule="color-contrast", wcag=("1.4.3",))],
        "/b": [finding("f2", rule="label", wcag=("4.1.2",))],
    })

    rows = {row.sc: row for row in crit(results).coverage.rows}

    assert rows["1.1.1"].state == FAILED and rows["1.1.1"].issues == 1
    assert rows["4.1.2"].state == FAILED
    assert rows["1.4.3"].state == REVIEW and rows["1.4.3"].review_items == 1
    assert rows["2.4.2"].state == NO_FAILURES and "document-title" in rows["2.4.2"].rules  # axe has a rule
    assert rows["1.4.10"].state == UNTESTED and rows["1.4.10"].rules == []  # axe has none (reflow)
    assert rows["2.1.2"].state == UNTESTED
    # Every row says what a person should check: automated rules never test a criterion fully.
    assert all(row.manual_check for row in rows.values())
    assert rows["1.4.10"].understanding_url == "https://www.w3.org/WAI/WCAG22/Understanding/reflow.html"


def test_testable_criteria_come_from_the_engines_that_ran_not_from_tags_seen():
    # No engine recorded for the run: nothing is testable, whatever the findings' tags say,
    # except that a criterion with failures is still reported as failed.
    results = org("acme", {"/": [finding("f1", wcag=("1.1.1",))]}, engines={})
    rows = {row.sc: row.state for row in crit(results).coverage.rows}

    assert rows["1.1.1"] == FAILED
    assert rows["2.4.2"] == UNTESTED and rows["1.4.3"] == UNTESTED

    # An engine (or major version) that the coverage data does not know tests nothing.
    assert automated_rules({"axe": "3.5.0"}, Standard()) == {}
    assert automated_rules({"our-checks": "1.0"}, Standard()) == {}


def test_automated_coverage_is_conservative_and_depends_on_the_standard():
    tested_22 = automated_rules({"axe": "4.12.1"}, Standard("2.2", "AA"))
    tested_21 = automated_rules({"axe": "4.12.1"}, Standard("2.1", "AA"))
    tested_a = automated_rules({"axe": "4.12.1"}, Standard("2.2", "A"))

    assert "2.5.8" in tested_22 and "2.5.8" not in tested_21  # target-size runs only for 2.2
    assert "1.4.3" in tested_22 and "1.4.3" not in tested_a  # color-contrast is a level AA rule
    for untestable in ("1.2.1", "1.2.3", "1.3.3", "1.4.10", "1.4.11", "1.4.13", "2.1.2", "2.4.3", "2.4.7",
                       "2.4.11", "3.2.1", "3.3.1", "4.1.3", "4.1.1"):
        assert untestable not in tested_22, untestable
    in_standard = {c.sc for c in criteria_for(Standard("2.2", "AA"))}
    assert len(set(tested_22) & in_standard) < 25  # most criteria need a person


def test_manual_checks_and_dutch_titles_for_all_56_criteria():
    assert len(all_criteria()) == 56
    for sc in all_criteria():
        for lang in LANGUAGES:
            text = manual_check(sc, lang)
            assert text and len(text) < 400, (sc, lang)
        assert manual_check(sc, "nl") != manual_check(sc, "en")
    view = crit(org("acme", {"/": []}), lang="nl")
    titles = {row.sc: row.title for row in view.coverage.rows}
    assert titles["1.1.1"] == "Niet-tekstuele content"
    assert titles["4.1.2"] == "Naam, rol, waarde"
    assert {row.principle for row in view.coverage.rows} == {"Waarneembaar", "Bedienbaar", "Begrijpelijk", "Robuust"}


def test_coverage_never_says_passed_or_conforms():
    for lang in LANGUAGES:
        view = crit(org("acme", {"/": []}), lang=lang)
        labels = " ".join(c.label for c in view.coverage.counts).lower()
        assert "pass" not in labels and "conform" not in labels and "geslaagd" not in labels


# --- charts ----------------------------------------------------------------------------------


def test_bar_chart_geometry_scales_to_the_largest_value():
    chart = bar_chart("c", "Title", [("critical", "Critical", 4, "4"), ("serious", "Serious", 1, "1"),
                                     ("moderate", "Moderate", 0, "0")])

    widths = [bar.width for bar in chart.bars]
    assert widths[0] > widths[1] > widths[2] == 0
    assert widths[0] == pytest.approx(4 * widths[1], rel=0.01)
    assert [p.key for p in chart.patterns] == ["critical", "serious", "moderate"]
    assert len({p.texture for p in chart.patterns}) == 3  # distinct without colour
    assert chart.summary == "Critical: 4; Serious: 1; Moderate: 0"
    assert all(bar.y + bar.height <= chart.height for bar in chart.bars)


def test_column_chart_stacks_segments_bottom_up():
    chart = column_chart("t", "Trend", [
        ("#1", "01-01", [("critical", "Critical", 2), ("serious", "Serious", 2)], "4", False),
        ("#2", "01-02", [("critical", "Critical", 1), ("serious", "Serious", 0)], "1", True),
    ], series=[("critical", "Critical"), ("serious", "Serious")])

    first, second = chart.columns
    assert first.segments[0].y + first.segments[0].height == pytest.approx(chart.baseline)
    assert first.segments[1].y + first.segments[1].height == pytest.approx(first.segments[0].y)
    assert sum(s.height for s in first.segments) == pytest.approx(4 * second.segments[0].height)
    assert second.current and not first.current
    assert first.x + first.width < second.x


def test_organisation_charts_follow_the_figures():
    results = org("acme", {"/": [finding("f1"), finding("f2", rule="label", impact="serious", wcag=("4.1.2",))]})
    view = crit(results)

    assert [(b.key, b.value) for b in view.impact_chart.bars] == [("critical", 1), ("serious", 1), ("moderate", 0), ("minor", 0)]
    assert [(b.key, b.value) for b in view.principle_chart.bars] == [
        ("perceivable", 1), ("operable", 0), ("understandable", 0), ("robust", 1)]


# --- trends ----------------------------------------------------------------------------------


@dataclass
class Figures:
    run_id: int
    started_at: datetime
    status: str = "finished"
    pages: int = 10
    pages_failed: int = 0
    pages_with_violations: int = 5
    violations: int = 20
    needs_review: int = 3
    issues_by_impact: dict = field(default_factory=dict)

    @property
    def pages_audited(self):
        return self.pages - self.pages_failed

    @property
    def issues(self):
        return sum(self.issues_by_impact.values())


def history(n=3):
    return [
        Figures(i, datetime(2026, 1, i, tzinfo=timezone.utc), pages_with_violations=6 - i,
                issues_by_impact={"critical": 4 - i, "serious": 2})
        for i in range(1, n + 1)
    ]


def test_trend_view_rows_and_charts():
    trend = trend_view(history(), current_run=3, tr=translator("en"))

    assert [r.run_id for r in trend.rows] == [1, 2, 3]
    assert trend.rows[-1].current and not trend.rows[0].current
    assert trend.rows[0].by_impact == [3, 2, 0, 0] and trend.rows[0].issues == 5
    assert trend.rows[0].share == "50%"
    assert trend.impact_labels == ["Critical", "Serious", "Moderate", "Minor"]  # no unknown column when none
    assert len(trend.issues_chart.columns) == 3 and len(trend.pages_chart.columns) == 3
    assert [c.total_text for c in trend.issues_chart.columns] == ["5", "4", "3"]
    assert [c.total_text for c in trend.pages_chart.columns] == ["5/10", "4/10", "3/10"]


def test_a_single_run_has_a_table_but_no_chart():
    trend = trend_view(history(1), current_run=1, tr=translator("en"))

    assert trend.first_run and trend.issues_chart is None and len(trend.rows) == 1


def test_trend_charts_draw_the_last_twelve_runs():
    trend = trend_view(history(20), current_run=20, tr=translator("en"))

    assert len(trend.rows) == 20 and len(trend.issues_chart.columns) == 12


def test_direction_of_change():
    tr = translator("en")
    assert direction(None, None, tr).trend == "first"
    better = direction(1, 4, tr)
    assert (better.trend, better.label, better.detail) == ("better", "Better: 3 issues fewer", "1 new, 4 fixed")
    assert direction(2, 1, tr).label == "Worse: 1 issue more"
    assert direction(2, 2, tr).trend == "same"
    assert direction(1, 4, translator("nl")).label == "Beter: 3 problemen minder"


def test_organisation_view_takes_history_and_previous_run():
    before = org("acme", {"/": [finding("gone"), finding("kept")]}, run_id=6)
    after = org("acme", {"/": [finding("kept"), finding("new", rule="label")]}, run_id=7)

    view = crit(after, previous=before, history=history(2))

    assert (view.since_previous.new, len(view.since_previous.fixed), view.since_previous.unchanged) == (1, 1, 1)
    assert view.direction.trend == "same"
    assert [i.fingerprint for i in view.issues if i.is_new] == ["new"]
    assert view.trend is not None and len(view.trend.rows) == 2
    assert crit(after).trend is None and crit(after).direction.trend == "first"


# --- caps, files, index ------------------------------------------------------------------------


def test_long_lists_are_capped_with_counts(monkeypatch):
    monkeypatch.setattr(view_module, "TOP_ISSUES", 2)
    monkeypatch.setattr(view_module, "PAGES_PER_ISSUE", 3)
    shared = finding("shared")
    pages = {f"/p{i}": [shared, finding(f"own{i}", rule="label")] for i in range(5)}

    view = crit(org("acme", pages))

    assert len(view.top_issues) == 2 and view.more_issues == len(view.issues) - 2 == 4
    top = view.issues[0]
    assert top.fingerprint == "shared" and len(top.pages_shown) == 3 and top.pages_more == 2
    assert top.pages_shown[0].href.startswith("pages-1.html#page-")


def test_page_files_paginate_audited_pages(monkeypatch):
    monkeypatch.setattr(view_module, "PAGES_PER_FILE", 2)
    results = org("acme", {f"/p{i}": [] for i in range(5)}, errors={"/broken": "timeout"})

    files, hrefs = page_files([p for p in results.pages if not p.error])

    assert files == ["pages-1.html", "pages-2.html", "pages-3.html"]
    assert hrefs["https://acme.example/p0"] == "pages-1.html#page-1"
    assert hrefs["https://acme.example/p4"] == "pages-3.html#page-5"
    assert "https://acme.example/broken" not in hrefs


def test_file_stem_is_always_a_safe_name():
    assert file_stem("lumen-telecom") == "lumen-telecom"
    assert file_stem("127.0.0.1") == "127.0.0.1"
    for hostile in ("..", "../etc", "a/b", "Évil Org", ".hidden"):
        stem = file_stem(hostile)
        assert "/" not in stem and ".." not in stem and not stem.startswith("."), stem


def test_index_pledge_overview():
    a = crit(org("a", {"/": [finding("a1")], "/x": [], "/y": [finding("a2", rule="label")]}))
    b = crit(org("b", {"/": [finding("b1"), finding("b1")]}))

    index = index_view([a, b])

    assert (index.pages_audited, index.pages_with_violations, index.violations) == (4, 3, 4)
    assert index.share_with_violations == "75%"
    assert index.violations_per_page == "1"
    common = index.common_failures
    assert [(c.rule, c.organisations, c.pages, c.issues) for c in common] == [("image-alt", 2, 2, 2), ("label", 1, 1, 1)]
    assert [(row.impact, row.issues) for row in index.by_impact] == [
        ("critical", 3), ("serious", 0), ("moderate", 0), ("minor", 0)]
    assert index_view([a, b], lang="nl").share_with_violations == "75%"
    assert index_view([], lang="en").share_with_violations == "–"


def test_coverage_data_matches_our_own_check_engines():
    import json
    from importlib import import_module, resources

    from a11y_audit.audits.engines import REGISTRY

    coverage = json.loads(resources.files("a11y_audit.audits").joinpath("data/automated-coverage.json").read_text(encoding="utf-8"))
    checks = json.loads(resources.files("a11y_audit.audits").joinpath("data/checks.json").read_text(encoding="utf-8"))
    for name, entry in coverage["engines"].items():
        assert name in REGISTRY, name
        if name == "axe":
            continue
        module, _, cls = REGISTRY[name].partition(":")
        engine = getattr(import_module(module), cls)
        assert entry["major_version"] == engine.version.split(".")[0]
        assert set(entry["rules"]) == {r for r in engine.rules if checks["rules"][r]["wcag"]}, name
        for rule, meta in entry["rules"].items():
            assert meta["criteria"] == checks["rules"][rule]["wcag"]


def test_own_checks_make_their_criteria_testable():
    results = org("acme", {"/": []}, engines={"axe": "4.12.1", "reflow": "1.0", "keyboard-trap": "1.0"})
    rows = {row.sc: row for row in crit(results).coverage.rows}

    assert rows["1.4.10"].state == NO_FAILURES and rows["1.4.10"].rules == ["reflow"]
    assert rows["2.1.2"].state == NO_FAILURES
    assert rows["2.4.7"].state == UNTESTED  # focus-visible did not run
