"""CI commands: ``check`` (crawl, compare with the baseline, exit 0/1),
``baseline update`` (accept what is there now) and ``diff`` (two stored runs)."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import sys
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

import click

from a11y_audit.config import ConfigError, RunConfig, config_from_data, load_config
from a11y_audit.cli.common import DEFAULT_DB, EXIT_CANNOT_RUN, EXIT_PAGES_FAILED, crawl_options, guard

IMPACT_CHOICE = click.Choice(["critical", "serious", "moderate", "minor"])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "site"


def config_from_urls(urls: tuple[str, ...], overrides: dict[str, Any]) -> RunConfig:
    """A config for a plain URL list: one organisation per host, the URLs as its start pages.

    The hosts the user named are allowed even when they are private (a CI job's
    app on localhost); redirects and sub-requests anywhere else are not.
    """
    by_host: dict[str, list[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"command line: not an absolute http(s) URL: {url!r}")
        by_host.setdefault(parts.netloc.lower(), []).append(url)
    allowed: set[str] = set()
    for netloc in by_host:
        host = urlsplit(f"http://{netloc}").hostname or ""
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            infos = []
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
            allowed.add(f"{address}/{address.max_prefixlen}")
    data = {
        "crawl": {"allow_private_addresses": sorted(allowed) or False},
        "organisations": [
            {"id": _slug(netloc.replace(":", "-")), "name": netloc,
             "sites": [{"url": found[0], **({"urls": found[1:]} if found[1:] else {})}]}
            for netloc, found in by_host.items()
        ],
    }
    return config_from_data(data, source="command line", overrides=overrides)


def _load(config_file: Optional[Path], urls: tuple[str, ...], db: Optional[str], no_crawl: bool,
          flags: dict[str, Any]) -> RunConfig:
    if bool(config_file) == bool(urls):
        raise ConfigError("command line: give either --config FILE or a list of URLs")
    overrides = {"db": db, **flags}
    config = load_config(config_file, overrides) if config_file else config_from_urls(urls, overrides)
    return config.with_overrides(max_depth=0) if no_crawl else config


def _crawl_and_load(config: RunConfig, log_level: str):
    """Run the crawl; return (run id, results) or exit 3 when the audit could not run."""
    from a11y_audit.crawler.runner import run_crawl
    from a11y_audit.store import StoreReader, require_store

    summary = run_crawl(config, log_level=log_level)
    reader = StoreReader(require_store(config.db))
    results = reader.load(reader.selection(summary.run_id))
    unreachable = [p for org in results for p in org.pages if p.depth == 0 and p.error]
    if summary.status == "failed" or unreachable:
        for page in unreachable:
            click.echo(f"a11y-audit: error: {page.url}: {page.error}", err=True)
        click.echo("a11y-audit: error: the audit could not run (see above)", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    return summary.run_id, results


def _write(path: Optional[Path], text: str) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@click.command()
@click.argument("urls", nargs=-1)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Baseline file (JSON). Missing file: everything found is new.")
@click.option("--fail-on", type=IMPACT_CHOICE, default="serious", show_default=True,
              help="Fail on new issues of this impact or worse.")
@click.option("--ignore-rule", "ignore_rules", multiple=True, help="A rule id never to fail on (repeatable).")
@click.option("--max-new", type=click.IntRange(min=0), default=0, show_default=True,
              help="New issues at or above --fail-on that are still allowed.")
@click.option("--strict-engine", is_flag=True, help="Fail on new findings even when the engine version changed.")
@click.option("--no-crawl", is_flag=True, help="Audit the given URLs (or the config's start URLs) only.")
@click.option("--db", help=f"Store URL (default: the config's, else {DEFAULT_DB}).")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), help="Write JUnit XML here.")
@click.option("--sarif", type=click.Path(dir_okay=False, path_type=Path), help="Write SARIF 2.1.0 here.")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), help="Write a Markdown summary here.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the full verdict here.")
@crawl_options
@click.pass_context
@guard
def check(ctx, urls, config_file, baseline_file, fail_on, ignore_rules, max_new, strict_engine, no_crawl, db,
          junit, sarif, markdown, json_file, **flags) -> None:
    """Crawl (or audit URLS), compare with the baseline, exit 1 on new issues.

    Exit codes: 0 nothing new at or above --fail-on; 1 new issues at or above
    it; 2 usage or configuration error; 3 the audit could not run.
    """
    from a11y_audit.gate import formats
    from a11y_audit.gate.baseline import Baseline, load_baseline
    from a11y_audit.gate.verdict import Policy, decide

    config = _load(config_file, urls, db, no_crawl, flags)
    baseline = load_baseline(baseline_file) if baseline_file else Baseline()
    policy = Policy(fail_on=fail_on, ignore_rules=frozenset(ignore_rules), max_new=max_new,
                    strict_engine=strict_engine)
    run_id, results = _crawl_and_load(config, ctx.obj["log_level"])
    verdict = decide(run_id, results, baseline, policy)

    _write(junit, formats.junit_xml(verdict))
    _write(sarif, formats.dump_json(formats.sarif(verdict)))
    _write(markdown, formats.markdown(verdict))
    _write(json_file, formats.dump_json(formats.verdict_json(verdict)))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in formats.github_annotations(verdict):
            click.echo(line)
    for c in verdict.failing:
        g = c.group
        click.echo(f"NEW {g.impact or 'unknown'}: {g.rule} {g.selector} on {len(g.pages)} page(s), e.g. {g.example_page}")
    for entry in verdict.fixed:
        click.echo(f"FIXED: {entry.rule} {entry.selector} ({entry.page_pattern})")
    click.echo(verdict.summary())
    sys.exit(0 if verdict.passed else EXIT_PAGES_FAILED)


@click.group()
def baseline() -> None:
    """Manage the baseline file of accepted issues."""


@baseline.command("update")
@click.argument("urls", nargs=-1)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
@click.option("--baseline", "baseline_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--run", "run_id", type=int, help="Accept a stored run instead of crawling.")
@click.option("--no-crawl", is_flag=True, help="Audit the given URLs (or the config's start URLs) only.")
@click.option("--db", help=f"Store URL (default: the config's, else {DEFAULT_DB}).")
@crawl_options
@click.pass_context
@guard
def update(ctx, urls, config_file, baseline_file, run_id, no_crawl, db, **flags) -> None:
    """Accept what is there now: crawl (or read --run), then rewrite the baseline.

    Entries that still match keep their reason, owner and expiry; fixed ones
    are dropped; new ones are added.
    """
    from a11y_audit.audits.grouping import group_findings
    from a11y_audit.gate.baseline import dump_baseline, load_baseline, update_baseline
    from a11y_audit.store import StoreReader, require_store

    old = load_baseline(baseline_file)
    if run_id is not None:
        reader = StoreReader(require_store(db or DEFAULT_DB))
        results = reader.load(reader.selection(run_id))
    else:
        run_id, results = _crawl_and_load(_load(config_file, urls, db, no_crawl, flags), ctx.obj["log_level"])
    engines: dict[str, str] = {}
    for org in results:
        engines.update(org.run.engines)
    change = update_baseline(old, {org.id: group_findings(org.pages) for org in results}, engines)
    _write(baseline_file, dump_baseline(change.baseline))
    for label, entries in (("added", change.added), ("removed (fixed)", change.removed)):
        for entry in entries:
            click.echo(f"{label}: {entry.organisation} {entry.rule} {entry.selector} ({entry.page_pattern})")
    click.echo(
        f"Baseline {baseline_file} from run {run_id}: {len(change.added)} added, {len(change.kept)} kept, "
        f"{len(change.removed)} removed."
    )


@click.command()
@click.option("--run", "runs", type=int, multiple=True, required=True, help="Two run ids: --run A --run B.")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Store URL.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the diff as JSON.")
@guard
def diff(runs, db, json_file) -> None:
    """New / fixed / unchanged grouped issues between two stored runs."""
    from a11y_audit.audits.grouping import compare_groups, group_findings
    from a11y_audit.gate.formats import dump_json
    from a11y_audit.store import StoreReader, require_store

    if len(runs) != 2:
        raise ConfigError("command line: --run must be given exactly twice (--run A --run B)")
    reader = StoreReader(require_store(db))
    before = {org.id: org for org in reader.load(reader.selection(runs[0]))}
    after = {org.id: org for org in reader.load(reader.selection(runs[1]))}
    report = {}
    for org_id in sorted(set(before) | set(after)):
        old = group_findings(before[org_id].pages) if org_id in before else []
        new = group_findings(after[org_id].pages) if org_id in after else []
        comparison = compare_groups(old, new)
        click.echo(f"{org_id}: {len(comparison.new)} new, {len(comparison.fixed)} fixed, "
                   f"{len(comparison.unchanged)} unchanged")
        for label, groups in (("  new", comparison.new), ("  fixed", comparison.fixed)):
            for g in groups:
                click.echo(f"{label}: {g.impact or 'unknown'} {g.rule} {g.selector} ({len(g.pages)} page(s))")
        report[org_id] = {
            key: [{"fingerprint": g.fingerprint, "rule": g.rule, "impact": g.impact, "selector": g.selector,
                   "pages": g.pages} for g in getattr(comparison, key)]
            for key in ("new", "fixed", "unchanged")
        }
    _write(json_file, dump_json({"before": runs[0], "after": runs[1], "organisations": report}))
