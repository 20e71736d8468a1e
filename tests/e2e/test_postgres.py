"""The same crawl into the real PostgreSQL server gives the same results as SQLite."""

from __future__ import annotations

import pytest

from tests.conftest import crawl_fixture_site, run_cli, stored_summary

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_postgres_store_matches_sqlite(fixture_site, crawled, pg_database, tmp_path):
    result = crawl_fixture_site(fixture_site, tmp_path, pg_database)
    assert result["proc"].returncode == crawled["proc"].returncode == 1, result["proc"].stderr[-3000:]
    assert stored_summary(pg_database) == stored_summary(crawled["db"])

    # Reports read the shared store exactly as they read SQLite.
    proc = run_cli("report", "--db", pg_database, "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r" / "fixture-org.html").is_file()
