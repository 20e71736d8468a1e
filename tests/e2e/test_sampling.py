"""Template-aware sampling end to end: a generated site crawled in full and with --sample."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bench.sampling import compare, stored_pages, template_issues, grouped_issues
from bench.sitegen import generate_site
from a11y_audit.crawler.sampling import Sampler
from a11y_audit.demo.server import SiteServer
from tests.conftest import run_cli, write_config

pytestmark = pytest.mark.e2e

PAGES = 40  # 44 with the section pages
PER_TEMPLATE, SEED = 2, 3


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated")
    paths = generate_site(root, pages=PAGES)
    server = SiteServer(root).start()
    tmp = tmp_path_factory.mktemp("sampling")
    config = write_config(tmp / "a11y.yaml", [{"id": "synthetic", "name": "Synthetic",
                                               "sites": [{"url": server.origin + "/"}]}],
                          engines=["axe"], screenshots=False)
    try:
        full = run_cli("crawl", str(config), "--db", f"sqlite:///{tmp / 'full.db'}", cwd=tmp)
        server.log.clear()
        sampled = run_cli("crawl", str(config), "--db", f"sqlite:///{tmp / 'sample.db'}", "--sample",
                          "--sample-per-template", str(PER_TEMPLATE), "--sample-seed", str(SEED), cwd=tmp)
        requested = set(server.requested_paths())
    finally:
        server.stop()
    assert full.returncode == 0, full.stderr[-2000:]
    assert sampled.returncode == 0, sampled.stderr[-2000:]
    return {"origin": server.origin, "paths": paths, "tmp": tmp, "requested": requested}


def expected_sample(origin: str, paths: list[str]) -> set[str]:
    """What the sampler admits for this seed when every URL is known in the first round
    (the sitemap lists them all)."""
    sampler = Sampler(PER_TEMPLATE, 0.1, SEED)
    sampler.offer(origin + "/", 0)
    for path in paths[1:]:
        sampler.offer(origin + path, 1)
    sampler.next_round()
    return sampler.admitted()


def test_sample_audits_exactly_what_the_sampler_admits(crawls):
    audited = stored_pages(crawls["tmp"] / "sample.db")
    assert audited == expected_sample(crawls["origin"], crawls["paths"])
    assert len(audited) <= len(stored_pages(crawls["tmp"] / "full.db")) / 2
    # Sampled-out pages were never requested (and are not errors).
    assert {crawls["origin"] + p for p in crawls["requested"] if p.endswith(".html") or p.endswith("/")} <= audited | {
        crawls["origin"] + "/"}
    with sqlite3.connect(crawls["tmp"] / "sample.db") as conn:
        assert conn.execute("select count(*) from pages where error is not null").fetchone() == (0,)


def test_sample_finds_the_template_issues_of_the_full_crawl(crawls):
    full_db, sample_db = crawls["tmp"] / "full.db", crawls["tmp"] / "sample.db"
    result = compare(full_db, sample_db)
    templates = template_issues(grouped_issues(full_db), stored_pages(full_db))
    assert templates and result["same_template_issues"]
    assert result["sample_only"] == []  # nothing the full crawl did not find
    assert set(grouped_issues(sample_db)) <= set(grouped_issues(full_db))


def test_run_records_method_seed_and_groups(crawls):
    with sqlite3.connect(crawls["tmp"] / "sample.db") as conn:
        method, record = conn.execute("select method, record from site_samples").fetchone()
    record = json.loads(record)
    assert method == record["method"] == "template sample" and record["seed"] == SEED
    assert record["parameters"]["per_template"] == PER_TEMPLATE
    assert record["discovered"] == len(crawls["paths"])
    groups = {g["pattern"]: g for g in record["groups"]}
    products = groups["/products/*.html"]
    assert products["discovered"] == 10 and products["structured"] == PER_TEMPLATE and products["random"] >= 1
    assert products["audited"] == products["structured"] + products["random"]
    assert len(products["structures"]) == 1  # one template, one DOM structure
    assert record["admitted"] == record["audited"] == len(stored_pages(crawls["tmp"] / "sample.db"))
    with sqlite3.connect(crawls["tmp"] / "full.db") as conn:
        method, record = conn.execute("select method, record from site_samples").fetchone()
    assert method == "full" and json.loads(record)["audited"] == len(crawls["paths"])


def test_report_and_export_state_the_sample(crawls):
    tmp = crawls["tmp"]
    db = f"sqlite:///{tmp / 'sample.db'}"
    proc = run_cli("report", "--db", db, "--out", str(tmp / "report"), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    html = (tmp / "report" / "synthetic.html").read_text()
    audited = len(stored_pages(tmp / "sample.db"))
    assert f"Sampled: {audited} of {len(crawls['paths'])} discovered pages" in html
    assert f"seed {SEED}" in html and "/products/*.html" in html
    # The overview says which organisations were sampled, beside their page counts.
    index = (tmp / "report" / "index.html").read_text()
    assert f"{audited}<br><span class=\"meta\">sample of {len(crawls['paths'])} found</span>" in index
    proc = run_cli("export", "--db", db, "--format", "json", "--out", str(tmp / "results.json"), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    site = json.loads((tmp / "results.json").read_text())["organisations"][0]["sites"][0]
    assert site["sampling"]["method"] == "template sample" and site["sampling"]["seed"] == SEED
    full = run_cli("report", "--db", f"sqlite:///{tmp / 'full.db'}", "--out", str(tmp / "full-report"), cwd=tmp)
    assert full.returncode == 0 and "Sampled:" not in (tmp / "full-report" / "synthetic.html").read_text()
    assert "sample of" not in (tmp / "full-report" / "index.html").read_text()


def test_sample_refused_with_resume(crawls, tmp_path):
    config = crawls["tmp"] / "a11y.yaml"
    proc = run_cli("crawl", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--sample", "--resume", cwd=tmp_path)
    assert proc.returncode == 2 and "--resume: not available with template sampling" in proc.stderr
