"""Several workers, one run: a Redis frontier (real Redis) and a shared PostgreSQL store.

Every test compares with what a single process stores for the same configuration:
the same pages, the same findings, nothing twice, even when a worker is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from tests.conftest import generated_site_server, run_cli, stored_summary, write_config

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

PAGES = 30  # 34 with the section pages


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory):
    with generated_site_server(tmp_path_factory.mktemp("generated"), PAGES) as served:
        yield served


@pytest.fixture
def shared(pg_database, frontier_url):
    """A fresh PostgreSQL store and the Redis frontier; the run's keys are removed afterwards
    (a killed run would leave them behind)."""
    from a11y_audit.crawler.shared.frontier import connect, store_key

    yield pg_database, frontier_url
    client = connect(frontier_url)
    for key in client.scan_iter(match=f"a11y-audit:{store_key(pg_database)}:*"):
        client.delete(key)
    client.close()


def config_for(tmp_path, *servers, name="a11y.yaml", **crawl):
    organisations = [
        {"id": f"org-{i}", "name": f"Organisation {i}", "sites": [{"url": server.origin + "/"}]}
        for i, server in enumerate(servers)
    ]
    # axe only: these tests are about sharing work, not about our own checks.
    return write_config(tmp_path / name, organisations, engines=["axe"], **crawl)


SPAWNED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_worker_left_behind():
    yield
    while SPAWNED:
        proc = SPAWNED.pop()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def start_worker(config, db, frontier, tmp_path, name, *flags) -> subprocess.Popen:
    """A worker in the background; its output goes to files (read with `stdout_of`, `stderr_of`)."""
    with open(tmp_path / f"{name}.stdout", "w") as out, open(tmp_path / f"{name}.stderr", "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "a11y_audit", "-q", "crawl", str(config), "--db", db, "--frontier", frontier, *flags],
            cwd=tmp_path, stdout=out, stderr=err, text=True, start_new_session=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
        )
    SPAWNED.append(proc)
    return proc


def stdout_of(tmp_path, name) -> str:
    return (tmp_path / f"{name}.stdout").read_text()


def stderr_of(tmp_path, name) -> str:
    return (tmp_path / f"{name}.stderr").read_text()


def page_rows(db) -> tuple[int, int]:
    with psycopg.connect(db) as conn:
        try:
            return conn.execute("select count(*), count(distinct (site_id, url)) from pages").fetchone()
        except psycopg.errors.UndefinedTable:
            return 0, 0  # the first worker has not created the store yet


def status(config, db, frontier, *flags) -> dict:
    proc = run_cli("run", "status", str(config), "--db", db, "--frontier", frontier, "--json", *flags)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def single_process(fixture_site, generated_site, tmp_path_factory):
    """What one process stores for the fixture site and the generated site (the reference)."""
    server, _ = generated_site
    tmp = tmp_path_factory.mktemp("single")
    db = f"sqlite:///{tmp / 'single.db'}"
    proc = run_cli("crawl", str(config_for(tmp, fixture_site, server)), "--db", db, cwd=tmp)
    assert proc.returncode == 1, proc.stderr[-2000:]  # the fixture site has a 404 and a 500 on purpose
    return stored_summary(db)


def test_two_workers_store_exactly_what_one_process_stores(fixture_site, generated_site, single_process,
                                                           shared, tmp_path):
    pg_database, frontier_url = shared
    server, _ = generated_site
    config = config_for(tmp_path, fixture_site, server)
    started = run_cli("run", "start", str(config), "--db", pg_database, "--frontier", frontier_url, cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    run_id = int(started.stdout.strip())
    before = status(config, pg_database, frontier_url)
    assert before["run"] == run_id and before["status"] == "running"
    assert {o["organisation_id"]: o["queued"] for o in before["organisations"]} == {"org-0": 3, "org-1": 3}  # home, robots, sitemap

    again = run_cli("run", "start", str(config), "--db", pg_database, "--frontier", frontier_url, cwd=tmp_path)
    assert again.returncode == 2
    assert f"run {run_id} of this configuration is still in progress" in again.stderr

    workers = [start_worker(config, pg_database, frontier_url, tmp_path, f"w{i}") for i in range(2)]
    codes = [w.wait(timeout=300) for w in workers]
    assert codes == [1, 1], [stderr_of(tmp_path, f"w{i}")[-2000:] for i in range(2)]  # the 404 and the 500
    outputs = [stdout_of(tmp_path, f"w{i}") for i in range(2)]
    assert all(f"Run {run_id} finished" in out for out in outputs), outputs

    assert stored_summary(pg_database) == single_process
    count, distinct = page_rows(pg_database)
    assert count == distinct == len(single_process)
    shares = [stderr_of(tmp_path, f"w{i}") for i in range(2)]
    assert all("Traceback" not in share for share in shares), shares

    after = status(config, pg_database, frontier_url, "--run", str(run_id))
    assert after["status"] == "finished"
    assert all(o["queued"] == o["in_flight"] == 0 for o in after["organisations"])
    assert sum(o["done"] for o in after["organisations"]) == len(single_process)

    # Reports and CI checks read the shared store as they read any other.
    report = run_cli("report", "--db", pg_database, "--out", str(tmp_path / "reports"))
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "reports" / "org-1.html").is_file()


def test_a_killed_workers_pages_are_done_by_the_others(fixture_site, generated_site, single_process,
                                                       shared, tmp_path):
    pg_database, frontier_url = shared
    server, _ = generated_site
    config = config_for(tmp_path, fixture_site, server)
    lease = ("--lease-seconds", "4")
    doomed = start_worker(config, pg_database, frontier_url, tmp_path, "doomed", *lease)
    deadline = time.monotonic() + 120
    while page_rows(pg_database)[0] < 8:  # mid-run, with pages in flight
        assert doomed.poll() is None and time.monotonic() < deadline, stderr_of(tmp_path, "doomed")[-2000:]
        time.sleep(0.2)
    survivor = start_worker(config, pg_database, frontier_url, tmp_path, "survivor", *lease)
    time.sleep(3)
    os.killpg(doomed.pid, signal.SIGKILL)  # the worker and its browser, without a word
    doomed.wait(timeout=30)
    assert page_rows(pg_database)[0] < len(single_process)

    assert survivor.wait(timeout=300) == 1, stderr_of(tmp_path, "survivor")[-3000:]
    assert "pages of a stopped worker went back into the queue" in stderr_of(tmp_path, "survivor")
    assert stored_summary(pg_database) == single_process
    count, distinct = page_rows(pg_database)
    assert count == distinct == len(single_process)
    with psycopg.connect(pg_database) as conn:
        assert conn.execute("select status from runs").fetchall() == [("finished",)]


def test_a_worker_stopped_by_sigterm_hands_its_pages_back(generated_site, shared, tmp_path):
    pg_database, frontier_url = shared
    server, paths = generated_site
    config = config_for(tmp_path, server)
    first = start_worker(config, pg_database, frontier_url, tmp_path, "first")
    deadline = time.monotonic() + 120
    while page_rows(pg_database)[0] < 5:
        assert first.poll() is None and time.monotonic() < deadline, stderr_of(tmp_path, "first")[-2000:]
        time.sleep(0.2)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=90) == 1
    assert "went back to the shared queue" in stderr_of(tmp_path, "first")
    state = status(config, pg_database, frontier_url)
    assert state["status"] == "running"
    (org,) = state["organisations"]
    assert org["in_flight"] == 0 and org["queued"] > 0  # handed back at once, not left to expire
    assert org["done"] + org["queued"] <= len(paths)

    second = start_worker(config, pg_database, frontier_url, tmp_path, "second")
    assert second.wait(timeout=300) == 0, stderr_of(tmp_path, "second")[-2000:]
    count, distinct = page_rows(pg_database)
    assert count == distinct == len(paths)


def test_politeness_holds_across_workers(generated_site, shared, tmp_path):
    pg_database, frontier_url = shared
    server, paths = generated_site
    delay = 0.4
    config = config_for(tmp_path, server, max_pages=12, delay=delay, autothrottle=False)
    server.log.clear()
    workers = [start_worker(config, pg_database, frontier_url, tmp_path, f"p{i}") for i in range(2)]
    assert [w.wait(timeout=300) for w in workers] == [0, 0], [stderr_of(tmp_path, f"p{i}")[-2000:] for i in range(2)]
    # Page fetches (the browser's own sub-requests are not counted: they bypass Scrapy).
    starts = sorted(entry.at for entry in server.log if entry.path.endswith(("/", ".html", ".xml")))
    assert len(starts) >= 12
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    # Each start is booked in Redis; a busy machine may send one late and the next on time,
    # so single gaps jitter, but never down to what two unpaced workers do (about 0), and
    # the pace over the whole run holds.
    assert min(gaps) >= delay / 2, gaps
    assert starts[-1] - starts[0] >= (len(starts) - 1) * delay * 0.95, gaps


def test_an_unreachable_frontier_is_a_usage_error(fixture_site, tmp_path):
    config = config_for(tmp_path, fixture_site)
    proc = run_cli("crawl", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--frontier", "redis://127.0.0.1:1/0")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("a11y-audit: error: --frontier redis://127.0.0.1:1/0: cannot reach Redis")
    assert len(proc.stderr.strip().splitlines()) == 1
