"""The same crawl into the real PostgreSQL server gives the same results as SQLite."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import crawl_fixture_site, postgres_url, run_cli, stored_summary

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def pg_database():
    """A fresh database on the test server, dropped afterwards."""
    import psycopg

    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (set A11Y_AUDIT_TEST_POSTGRES)")
    name = f"a11y_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_store_matches_sqlite(fixture_site, crawled, pg_database, tmp_path):
    result = crawl_fixture_site(fixture_site, tmp_path, pg_database)
    assert result["proc"].returncode == crawled["proc"].returncode == 1, result["proc"].stderr[-3000:]
    assert stored_summary(pg_database) == stored_summary(crawled["db"])

    # Reports read the shared store exactly as they read SQLite.
    proc = run_cli("report", "--db", pg_database, "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r" / "fixture-org.html").is_file()
