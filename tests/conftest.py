"""Shared fixtures: loopback fixture sites, the CLI in a subprocess, store URLs.

Crawls run in a subprocess of the real ``a11y-audit`` command: Twisted's reactor
cannot be restarted inside one process, and it is what users run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import importlib.abc
import pytest
import yaml


class _NamespaceOnly(importlib.abc.MetaPathFinder):
    """The repository's root is on sys.path while tests run (pytest puts it there for
    ``tests`` and ``bench``), so ``import reports`` would find the bare folder and hide
    a missing ``a11y_audit.`` prefix that breaks the installed package: refuse it."""

    PARTS = frozenset({"config", "audits", "store", "reports", "gate", "crawler", "cli", "demo", "pytest_plugin"})

    def find_spec(self, name, path=None, target=None):
        if name in self.PARTS:
            raise ModuleNotFoundError(f"import a11y_audit.{name}, not the bare folder {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NamespaceOnly())

from a11y_audit.demo.server import SiteServer, redirect, status  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

# The npm-distributed engines that ./bootstrap.sh installs into .tools/engines (the
# crawls in subprocesses inherit this too).
if not os.environ.get("A11Y_AUDIT_ENGINES_DIR") and (ROOT / ".tools" / "engines").is_dir():
    os.environ["A11Y_AUDIT_ENGINES_DIR"] = str(ROOT / ".tools" / "engines")


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run ``a11y-audit ARGS`` as a user would; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "a11y_audit", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
    )


def write_config(path: Path, organisations: list[dict], **crawl) -> Path:
    data = {
        "crawl": {"max_pages": 50, "page_timeout": 20, "delay": 0, "allow_private_addresses": ["127.0.0.1/32"], **crawl},
        "organisations": organisations,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _hang(origin: str):
    time.sleep(60)  # longer than any page timeout: the resource never arrives in time
    return 200, {"Content-Type": "image/png"}, b""


def _big_dom(origin: str):
    rows = "".join(f"<div><span>Item {i}</span></div>" for i in range(60_000))  # 120,000 elements
    body = f"<!doctype html><html lang='en'><head><title>Big DOM</title></head><body><main><h1>Big</h1><img src='/pixel.png'>{rows}</main></body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def _huge(origin: str):
    return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<!doctype html><title>Huge</title>" + b"x" * (6 * 1024 * 1024)


def _download(origin: str):
    return 200, {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=data.bin"}, b"\0" * 1024


HOSTILE_ROUTES = {
    "/redirect-loop": redirect("/redirect-loop-2"),
    "/redirect-loop-2": redirect("/redirect-loop"),
    "/hang": _hang,
    "/big-dom.html": _big_dom,
    "/huge.html": _huge,
    "/download.bin": _download,
}


@pytest.fixture(scope="session")
def hostile_site():
    """Pages that try to break the crawler: dialogs, popups, loops, hangs, crashes, huge pages."""
    server = SiteServer(FIXTURES / "hostile", routes=dict(HOSTILE_ROUTES)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fixture_site():
    """The main fixture site: robots.txt, sitemap index, redirect, PDF, 404, 500, traps."""
    server = SiteServer(
        FIXTURES / "site",
        routes={"/old": redirect("/moved.html"), "/boom": status(500)},
    ).start()
    yield server
    server.stop()


def postgres_url() -> str | None:
    """A URL of the PostgreSQL test server, or None when it is not reachable (never skipped in CI)."""
    import psycopg

    url = os.environ.get("A11Y_AUDIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if IN_CI:
            raise RuntimeError(f"PostgreSQL must be running in CI: {exc}") from exc
        return None
    return url


@contextmanager
def generated_site_server(root: Path, pages: int):
    """bench/sitegen.py's synthetic site of *pages* pages served on 127.0.0.1: (server, page paths)."""
    from bench.sitegen import generate_site

    paths = generate_site(root, pages=pages)
    server = SiteServer(root).start()
    try:
        yield server, paths
    finally:
        server.stop()


def redis_url() -> str | None:
    """A URL of the Redis test server, or None when it is not reachable (never skipped in CI)."""
    import redis

    url = os.environ.get("A11Y_AUDIT_TEST_REDIS", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        if IN_CI:
            raise RuntimeError(f"Redis must be running in CI: {exc}") from exc
        return None
    return url


@pytest.fixture
def frontier_url() -> str:
    url = redis_url()
    if url is None:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379 (set A11Y_AUDIT_TEST_REDIS)")
    return url


@pytest.fixture
def pg_database():
    """A fresh database on the PostgreSQL test server, dropped afterwards."""
    import uuid

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


def crawl_fixture_site(server: SiteServer, workdir: Path, db: str, *flags: str) -> dict:
    """Crawl the fixture site into *db*; returns the process, store and request log."""
    server.log.clear()
    config = write_config(
        workdir / "a11y.yaml",
        [{"id": "fixture-org", "name": "Fixture <Org>", "sites": [{"url": server.origin + "/"}]}],
    )
    proc = run_cli("crawl", str(config), "--db", db, *flags, cwd=workdir)
    return {"proc": proc, "db": db, "dir": workdir, "origin": server.origin, "log": list(server.log)}


@pytest.fixture(scope="session")
def crawled(fixture_site, tmp_path_factory):
    """The fixture site crawled once into SQLite, shared by the tests that read it."""
    workdir = tmp_path_factory.mktemp("crawl")
    result = crawl_fixture_site(fixture_site, workdir, f"sqlite:///{workdir / 'results.db'}")
    result["path"] = workdir / "results.db"
    return result


def stored_summary(db: str) -> dict:
    """What a user compares between two stores: pages with status/error, findings by page."""
    from a11y_audit.store import StoreReader, require_store

    engine = require_store(db)
    try:
        reader = StoreReader(engine)
        summary = {}
        for org in reader.load(reader.selection()):
            for page in org.pages:
                summary[page.url] = (
                    page.status, page.error, page.title, tuple(page.redirects),
                    sorted((f.engine, f.rule, f.outcome, f.fingerprint) for f in page.findings),
                )
        return summary
    finally:
        engine.dispose()
