"""Bad input and runs that cannot start: exit codes, one-line messages, nothing stored lost."""

from __future__ import annotations

import socket
import sqlite3

import pytest
import yaml

from tests.conftest import run_cli, write_config

pytestmark = pytest.mark.e2e


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("a11y-audit: error:")]


def test_bad_config_exits_2_with_one_line_and_leaves_the_store_alone(crawled, tmp_path):
    before = sqlite3.connect(crawled["path"]).execute("select count(*) from pages").fetchone()
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({
        "organisations": [{"id": "acme", "name": "Acme", "sites": [{"url": "http://127.0.0.1:1/", "max_pagez": 3}]}]
    }))
    proc = run_cli("crawl", str(bad), "--db", crawled["db"])
    assert proc.returncode == 2
    [line] = _error_lines(proc.stderr)
    assert str(bad) in line and "organisations[0] (acme) > sites[0] (http://127.0.0.1:1/) > max_pagez" in line
    assert sqlite3.connect(crawled["path"]).execute("select count(*) from pages").fetchone() == before


@pytest.mark.parametrize(
    "flags, expected",
    [
        (["--max-pages", "0"], "--max-pages"),
        (["--delay", "-1"], "--delay"),
        (["--db", "mysql://127.0.0.1/x"], "unsupported database 'mysql'"),
        (["--db", "postgresql://postgres@127.0.0.1:1/nothing"], "cannot open the database"),
    ],
)
def test_bad_flags_exit_2(tmp_path, flags, expected):
    config = write_config(tmp_path / "a11y.yaml", [{"id": "acme", "name": "Acme", "sites": [{"url": "http://127.0.0.1:1/"}]}])
    proc = run_cli("crawl", str(config), *flags, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    [line] = _error_lines(proc.stderr)
    assert expected in line


def test_unreachable_start_url_exits_3_and_records_why(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/"
    config = write_config(tmp_path / "a11y.yaml", [{"id": "acme", "name": "Acme", "sites": [{"url": url}]}])
    db = tmp_path / "r.db"
    proc = run_cli("crawl", str(config), "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr[-2000:]
    [(page_url, error)] = sqlite3.connect(db).execute("select url, error from pages").fetchall()
    assert page_url == url and "refused" in error.lower()
    [(status,)] = sqlite3.connect(db).execute("select status from runs").fetchall()
    assert status == "failed"


def test_private_address_refused_by_default(fixture_site, tmp_path):
    config = tmp_path / "a11y.yaml"
    config.write_text(yaml.safe_dump({
        "crawl": {"delay": 0},
        "organisations": [{"id": "acme", "name": "Acme", "sites": [{"url": fixture_site.origin + "/about.html"}]}],
    }))
    fixture_site.log.clear()
    db = tmp_path / "r.db"
    proc = run_cli("crawl", str(config), "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr[-2000:]
    [(error,)] = sqlite3.connect(db).execute("select error from pages").fetchall()
    assert "refused private address 127.0.0.1" in error
    assert fixture_site.log == []


def test_report_on_missing_store_exits_2(tmp_path):
    proc = run_cli("report", "--db", f"sqlite:///{tmp_path / 'none.db'}", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    [line] = _error_lines(proc.stderr)
    assert "no results stored there yet" in line
