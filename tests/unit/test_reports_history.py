"""store/reader.py run_summaries: per-run figures of an organisation in a few SQL aggregates,
equal to what the report computes from the loaded run, and the CLI's report over history."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from a11y_audit.audits.model import OrganisationResults
from a11y_audit.reports.view import organisation_view
from a11y_audit.store import RunWriter, StoreReader, ensure_schema, sync_engine
from tests.unit.gate_builders import finding, org, review


async def _store(url: str, runs: list[list[OrganisationResults]]) -> None:
    for organisations in runs:
        writer = RunWriter.from_url(url)
        await writer.start_run({}, "0.1.0", [
            (o.id, o.name, [(site.url, {"wcag": "2.2", "level": "AA"}) for site in o.sites]) for o in organisations
        ])
        await writer.record_versions({"axe": "4.12.1"}, {"name": "chromium"})
        for o in organisations:
            for page in o.pages:
                await writer.save_page(page)
        await writer.finish_run("finished")
        await writer.close()


RUNS = [
    [org("acme", {"/": [finding("logo"), finding("logo")], "/a": [finding("logo"), review("r1", rule="color-contrast")]},
         errors={"/down": "HTTP 500"}),
     org("other", {"/": [finding("x", rule="label", impact="serious")]})],
    [org("acme", {"/": [finding("logo")], "/a": [finding("logo"), finding("new", rule="label", impact="serious")],
                  "/b": [finding("minor", rule="region", impact="minor"), finding("odd", impact=None)]})],
    [org("acme", {"/": [], "/a": [review("r1", rule="color-contrast")]})],
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'h.db'}"
    ensure_schema(url)
    asyncio.run(_store(url, RUNS))
    engine = sync_engine(url)
    yield StoreReader(engine)
    engine.dispose()


def test_summaries_equal_the_report_figures(reader):
    summaries = reader.run_summaries("acme")

    assert [s.run_id for s in summaries] == [1, 2, 3]
    for summary in summaries:
        view = organisation_view(reader.organisation_results("acme", summary.run_id))
        assert summary.status == "finished" and summary.started_at is not None
        assert (summary.pages_audited, summary.pages_failed, summary.pages_with_violations) == (
            view.pages_audited, view.pages_failed, view.pages_with_violations)
        assert (summary.violations, summary.needs_review) == (view.violations, view.needs_review)
        expected = {row.impact if row.impact != "unknown" else "": row.issues for row in view.by_impact if row.issues}
        assert summary.issues_by_impact == expected
        assert summary.issues == len(view.issues)


def test_summaries_figures(reader):
    first, second, third = reader.run_summaries("acme")

    assert (first.pages, first.pages_failed, first.violations, first.needs_review) == (3, 1, 3, 1)
    assert first.issues_by_impact == {"critical": 1}
    assert second.issues_by_impact == {"critical": 1, "serious": 1, "minor": 1, "": 1}
    assert (third.violations, third.pages_with_violations, third.issues) == (0, 0, 0)
    assert [s.run_id for s in reader.run_summaries("other")] == [1]


def test_summaries_up_to_a_run_and_limited(reader):
    assert [s.run_id for s in reader.run_summaries("acme", until_run_id=2)] == [1, 2]
    assert [s.run_id for s in reader.run_summaries("acme", limit=2)] == [2, 3]
    assert reader.run_summaries("nobody") == []


def test_summaries_take_a_fixed_number_of_queries(reader):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(reader.engine, "before_cursor_execute", listener)
    try:
        reader.run_summaries("acme")
    finally:
        event.remove(reader.engine, "before_cursor_execute", listener)
    assert len(statements) <= 4
    assert not [s for s in statements if "findings.html" in s or "findings.selector" in s]  # no finding is loaded


def test_report_over_history_writes_trend(reader, tmp_path):
    from a11y_audit.reports.html import write_reports

    results = reader.load(reader.selection())
    history = {o.id: reader.run_summaries(o.id, until_run_id=o.run.id) for o in results}
    index = write_reports(reader.with_previous(results), tmp_path, lang="nl", history=history)

    html = (tmp_path / "acme.html").read_text(encoding="utf-8")
    assert 'data-chart="trend-issues"' in html and 'data-chart="trend-pages"' in html
    assert html.count('<tr class="current">') == 1
    overview = index.read_text(encoding="utf-8")
    assert "Beter: 4 problemen minder" in overview  # acme: 4 issues in run 2, none in run 3
    assert "Eerste run" in overview  # other: one run
