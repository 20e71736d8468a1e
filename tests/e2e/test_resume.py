"""Nothing lost: a crawl killed at any moment resumes to the same results; signals
stop it cleanly; two crawls share one SQLite file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import generated_site_server, run_cli, stored_summary, write_config

pytestmark = pytest.mark.e2e

PAGES = 40  # 44 with the section pages


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    with generated_site_server(tmp_path_factory.mktemp("generated"), PAGES) as served:
        yield served


def start_crawl(config, db, cwd, *flags) -> subprocess.Popen:
    """A crawl in the background; its stderr goes to a file next to the config (read with `stderr_of`)."""
    with open(cwd / f"{config.stem}.stderr", "w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "a11y_audit", "-q", "crawl", str(config), "--db", db, *flags],
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, text=True, start_new_session=True,
        )


def stderr_of(config) -> str:
    return (config.parent / f"{config.stem}.stderr").read_text()


def wait_for_pages(db_path, count: int, proc: subprocess.Popen, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        try:
            with sqlite3.connect(db_path, timeout=5) as conn:
                stored = conn.execute("select count(*) from pages").fetchone()[0]
        except sqlite3.OperationalError:
            stored = 0
        if stored >= count:
            return stored
        time.sleep(0.2)
    raise AssertionError("the crawl stored too few pages in time")


def site_config(tmp_path, server):
    # axe only: these tests are about losing nothing, not about our own checks (which triple the time).
    return write_config(tmp_path / "a11y.yaml", [{"id": "synthetic", "name": "Synthetic", "sites": [{"url": server.origin + "/"}]}],
                        engines=["axe"])


@pytest.fixture(scope="module")
def uninterrupted(big_site, tmp_path_factory):
    server, _ = big_site
    tmp = tmp_path_factory.mktemp("whole")
    db = f"sqlite:///{tmp / 'whole.db'}"
    proc = run_cli("crawl", str(site_config(tmp, server)), "--db", db, cwd=tmp)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return stored_summary(db)


def test_sigkill_then_resume_gives_the_same_results(big_site, uninterrupted, tmp_path):
    server, paths = big_site
    config = site_config(tmp_path, server)
    db_path = tmp_path / "killed.db"
    db = f"sqlite:///{db_path}"
    proc = start_crawl(config, db, tmp_path)
    wait_for_pages(db_path, 12, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # the crawler and its browser, mid-flight
    proc.wait(timeout=30)
    with sqlite3.connect(db_path) as conn:
        before = {url for (url,) in conn.execute("select url from pages")}
    assert 12 <= len(before) < len(paths)

    server.log.clear()
    resumed = run_cli("crawl", str(config), "--db", db, "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert stored_summary(db) == uninterrupted
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*), count(distinct url) from pages").fetchone() == (len(paths), len(paths))
        assert conn.execute("select status from runs").fetchall() == [("finished",)]
    refetched = {server.origin + entry.path for entry in server.log} & before
    assert refetched == set(), "pages stored before the kill were fetched again"


def test_resume_without_an_unfinished_run_is_a_usage_error(big_site, tmp_path):
    server, _ = big_site
    proc = run_cli("crawl", str(site_config(tmp_path, server)), "--db", f"sqlite:///{tmp_path / 'none.db'}",
                   "--resume", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no unfinished run of this configuration" in proc.stderr


def test_sigterm_stops_gracefully_and_marks_the_run_interrupted(big_site, tmp_path):
    server, paths = big_site
    config = site_config(tmp_path, server)
    db_path = tmp_path / "stopped.db"
    proc = start_crawl(config, f"sqlite:///{db_path}", tmp_path)
    at_signal = wait_for_pages(db_path, 5, proc)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=90)
    stderr = stderr_of(config)
    assert proc.returncode == 1, stderr[-2000:]
    assert "interrupted; continue it with --resume" in stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select status from runs").fetchall() == [("interrupted",)]
        stored = conn.execute("select count(*) from pages").fetchone()[0]
    # In-flight pages may finish; the queue behind them is abandoned, not rendered first.
    assert stored <= at_signal + 6, (at_signal, stored)
    # An interrupted run is resumable like a killed one.
    resumed = run_cli("crawl", str(config), "--db", f"sqlite:///{db_path}", "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]


def test_two_crawls_write_one_sqlite_file_at_once(big_site, fixture_site, tmp_path):
    server, paths = big_site
    db_path = tmp_path / "shared.db"
    db = f"sqlite:///{db_path}"
    config = site_config(tmp_path, server)
    first = start_crawl(config, db, tmp_path)
    other = write_config(tmp_path / "other.yaml", [{"id": "fixture-org", "name": "F", "sites": [{"url": fixture_site.origin + "/"}]}])
    second = start_crawl(other, db, tmp_path)
    assert first.wait(timeout=240) == 0, stderr_of(config)[-2000:]
    assert second.wait(timeout=240) == 1, stderr_of(other)[-2000:]  # the fixture site has a 404 and a 500 on purpose
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        counts = dict(conn.execute("select r.organisation_id, count(*) from pages p join run_sites r on r.id = p.site_id group by 1"))
        assert conn.execute("select status from runs order by id").fetchall() == [("finished",), ("finished",)]
    assert counts == {"synthetic": len(paths), "fixture-org": 8}
