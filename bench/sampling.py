"""Benchmark: template-aware sampling against a full crawl of the same synthetic site.

    python -m bench.sampling --pages 300 [--per-template 5] [--seed 1]

Generates the site (bench/sitegen.py), serves it on 127.0.0.1 and crawls it twice with
`a11y-audit crawl` (axe-core only, screenshots off, `delay: 0`, `autothrottle: false`):
once in full and once with `--sample`. Prints pages audited, seconds, pages/min, and
how the grouped issues (rule + fingerprint) compare: every **template issue** of the full
crawl (a grouped issue on at least half the pages of a URL-pattern group of 2 or more
pages) must be found by the sample; each other grouped issue is listed as found or
missed with the number of pages it is on.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

from bench.measure import crawl_config, now
from bench.sitegen import generate_site
from a11y_audit.crawler.sampling import template_key
from a11y_audit.demo.server import SiteServer

#: A template issue shows on at least this share of a URL-pattern group's pages.
TEMPLATE_SHARE = 0.5


def stored_pages(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {url for (url,) in conn.execute("select url from pages where error is null")}


def grouped_issues(db: Path) -> dict[tuple[str, str], set[str]]:
    """(rule, fingerprint) → pages showing it, for the violations stored in *db*."""
    issues: dict[tuple[str, str], set[str]] = defaultdict(set)
    with sqlite3.connect(db) as conn:
        for rule, fingerprint, url in conn.execute(
            "select f.rule, f.fingerprint, p.url from findings f join pages p on p.id = f.page_id"
            " where f.outcome = 'violation'"
        ):
            issues[(rule, fingerprint)].add(url)
    return dict(issues)


def template_issues(issues: dict[tuple[str, str], set[str]], pages: set[str]) -> set[tuple[str, str]]:
    """Grouped issues on at least TEMPLATE_SHARE of the pages of a URL-pattern group (2+ pages)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for url in pages:
        groups[template_key(url)].add(url)
    found = set()
    for key, on in issues.items():
        for members in groups.values():
            if len(members) >= 2 and len(on & members) >= TEMPLATE_SHARE * len(members):
                found.add(key)
    return found


def compare(full_db: Path, sample_db: Path) -> dict:
    """How the sample's grouped issues compare with the full crawl's."""
    full, sampled = grouped_issues(full_db), grouped_issues(sample_db)
    templates = template_issues(full, stored_pages(full_db))
    return {
        "template_issues": len(templates),
        "template_issues_found": len(templates & set(sampled)),
        "same_template_issues": templates <= set(sampled),
        "issues_full": len(full),
        "issues_sample": len(sampled),
        "sample_only": sorted(map(list, set(sampled) - set(full))),
        "missed": sorted([rule, fp, len(full[(rule, fp)])] for rule, fp in set(full) - set(sampled)),
    }


def crawl(config: Path, db: Path, *flags: str) -> tuple[int, float]:
    db.unlink(missing_ok=True)
    started = now()
    proc = subprocess.run([sys.executable, "-m", "a11y_audit", "-q", "crawl", str(config), "--db", f"sqlite:///{db}",
                           "--no-screenshots", *flags], cwd=config.parent, capture_output=True, text=True)
    seconds = now() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr[-2000:])
    return len(stored_pages(db)), seconds


def bench(pages: int, per_template: int, seed: int, work: Path) -> dict:
    root = work / f"site-{pages}"
    paths = generate_site(root, pages=pages)
    server = SiteServer(root).start()
    try:
        config = crawl_config(server.origin, pages, engines=["axe"])
        (work / "bench.yaml").write_text(yaml.safe_dump(config))
        result: dict = {"site_pages": len(paths)}
        for name, flags in (("full", ()), ("sample", ("--sample", "--sample-per-template", str(per_template),
                                                       "--sample-seed", str(seed)))):
            audited, seconds = crawl(work / "bench.yaml", work / f"{name}.db", *flags)
            result[name] = {"pages": audited, "seconds": round(seconds, 1), "rate": round(audited / seconds * 60)}
            print(f"  {name}: {audited} pages in {seconds:.0f} s ({audited / seconds * 60:.0f} pages/min)", flush=True)
        result["comparison"] = compare(work / "full.db", work / "sample.db")
        c = result["comparison"]
        print(f"  template issues found by the sample: {c['template_issues_found']} of {c['template_issues']}"
              f" ({'same' if c['same_template_issues'] else 'NOT the same'}); all grouped issues:"
              f" {c['issues_sample']} of {c['issues_full']}; missed (rule, fingerprint, pages): {c['missed']}", flush=True)
        result["time_share"] = round(result["sample"]["seconds"] / result["full"]["seconds"], 2)
        print(f"  sample time / full time: {result['time_share']:.2f}", flush=True)
        return result
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--per-template", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="a11y-bench-") as tmp:
        print(f"site of {args.pages} pages:", flush=True)
        result = bench(args.pages, args.per_template, args.seed, Path(tmp))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
