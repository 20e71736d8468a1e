"""The ``a11y-audit`` command: crawl, report, export, demo (and, from
:mod:`cli.gate`, check, baseline and diff). Exit codes are listed in
:mod:`cli.common`."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import click

from a11y_audit.config import ConfigError, StoreError, load_config
from a11y_audit.config.defaults import TOOL_VERSION
from a11y_audit.cli.common import (
    DEFAULT_DB,
    EXIT_CANNOT_RUN,
    EXIT_PAGES_FAILED,
    crawl_options,
    guard,
)


@click.group()
@click.version_option(TOOL_VERSION, prog_name="a11y-audit")
@click.option("-v", "--verbose", is_flag=True, help="Debug log output.")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors in the log.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """Crawl signatories' websites, audit every page for WCAG failures, report and gate."""
    ctx.obj = {"log_level": "DEBUG" if verbose else "WARNING" if quiet else "INFO"}


@main.command()
@click.argument("config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", help="Store URL (default: the config's `db`, else sqlite:///a11y-audit.db).")
@click.option("--resume", is_flag=True, help="Continue the newest unfinished run of this config.")
@click.option("--frontier", metavar="REDIS_URL",
              help="Be one worker of a shared run: queue and ledger in this Redis (use a shared --db too).")
@click.option("--lease-seconds", type=float, default=None, hidden=True,
              help="With --frontier: how long a silent worker keeps its pages (default 60).")
@crawl_options
@click.pass_context
@guard
def crawl(ctx: click.Context, config_file: Path, db: Optional[str], resume: bool, frontier: Optional[str],
          lease_seconds: Optional[float], **flags: Any) -> None:
    """Crawl and audit every organisation in CONFIG_FILE."""
    config = load_config(config_file, overrides={"db": db, **flags})
    if (resume or frontier) and any(site.sample is not None for site in config.sites):
        # The sample is decided in rounds over what one process discovered (crawler/sampling.py).
        raise ConfigError(f"{'--resume' if resume else '--frontier'}: not available with template sampling (sample)")
    _run(config, ctx.obj["log_level"], resume, frontier=frontier, lease_seconds=lease_seconds)


def _run(config, log_level: str, resume: bool = False, **shared: Any) -> int:
    from a11y_audit.crawler.runner import run_crawl

    summary = run_crawl(config, log_level=log_level, resume=resume, **shared)
    click.echo(
        f"Run {summary.run_id} {summary.status}: {summary.pages} pages audited, "
        f"{summary.findings} findings, {summary.page_errors} pages with errors. Store: {config.db}"
    )
    if summary.status == "left":
        click.echo("a11y-audit: this worker stopped; its unfinished pages went back to the shared queue "
                   "and the run goes on with the other workers (or the next one to join)", err=True)
        sys.exit(EXIT_PAGES_FAILED)
    if summary.status == "interrupted":
        click.echo("a11y-audit: the run was interrupted; continue it with --resume", err=True)
        sys.exit(EXIT_PAGES_FAILED)
    if summary.status != "finished":
        if summary.pages == summary.page_errors:
            click.echo("a11y-audit: error: no page could be audited (see the page errors above)", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        sys.exit(EXIT_PAGES_FAILED)
    if summary.page_errors:
        sys.exit(EXIT_PAGES_FAILED)
    return summary.run_id or 0


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Store URL.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for index.html, one <organisation>.html each and their detail folders.")
@click.option("--run", "run_id", type=int, help="Report this run (default: each organisation's latest).")
@click.option("--lang", type=click.Choice(["en", "nl"]), default="en", show_default=True, help="Language of the reports.")
@guard
def report(db: str, out_dir: Path, run_id: Optional[int], lang: str = "en") -> None:
    """Write HTML reports from the store (never crawls)."""
    from a11y_audit.reports.html import write_reports
    from a11y_audit.store import StoreReader, require_store

    reader = StoreReader(require_store(db))
    results = reader.load(reader.selection(run_id))
    if not results:
        raise StoreError(f"--db {db}: no organisations stored yet")
    history = {org.id: reader.run_summaries(org.id, until_run_id=org.run.id) for org in results}
    index = write_reports(reader.with_previous(results), out_dir, lang=lang, history=history)
    click.echo(f"Wrote {len(results) + 1} reports; open {index}")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Store URL.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "earl"]), required=True,
              help="json: everything; csv: findings; earl: W3C EARL 1.0 assertions as JSON-LD.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--run", "run_id", type=int, help="Export this run (default: each organisation's latest).")
@guard
def export(db: str, fmt: str, out_file: Path, run_id: Optional[int]) -> None:
    """Export stored results as JSON (everything), CSV (findings) or EARL (JSON-LD)."""
    from a11y_audit.reports.earl import write_earl
    from a11y_audit.reports.exports import write_csv, write_json
    from a11y_audit.store import StoreReader, require_store

    reader = StoreReader(require_store(db))
    results = reader.load(reader.selection(run_id))
    {"json": write_json, "csv": write_csv, "earl": write_earl}[fmt](results, out_file)
    click.echo(f"Wrote {out_file}")


@main.command()
@click.option("--out", "out_dir", default="demo-out", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", help="Store URL (default: OUT/a11y-audit.db).")
@click.pass_context
@guard
def demo(ctx: click.Context, out_dir: Path, db: Optional[str]) -> None:
    """Serve the bundled demo sites on 127.0.0.1, crawl them and write the reports."""
    from a11y_audit.config import config_from_data
    from a11y_audit.demo.server import start_demo_sites
    import yaml

    out_dir.mkdir(parents=True, exist_ok=True)
    db = db or f"sqlite:///{(out_dir / 'a11y-audit.db').resolve()}"
    servers = start_demo_sites()
    demo_file = resources.files("a11y_audit.config").joinpath("demo.yaml")
    data = yaml.safe_load(demo_file.read_text(encoding="utf-8"))
    for org in data["organisations"]:
        org["sites"][0]["url"] = servers[org["id"]].origin + "/"
    config = config_from_data(data, source=str(demo_file), overrides={"db": db})
    click.echo("Serving the demo sites: " + ", ".join(s.origin for s in servers.values()))
    try:
        from a11y_audit.crawler.runner import run_crawl

        summary = run_crawl(config, log_level=ctx.obj["log_level"])
    finally:
        for server in servers.values():
            server.stop()
    click.echo(f"Run {summary.run_id} {summary.status}: {summary.pages} pages audited, {summary.findings} findings.")
    ctx.invoke(report, db=db, out_dir=out_dir, run_id=summary.run_id)


from a11y_audit.cli.gate import baseline, check, diff  # noqa: E402 - registers the CI commands
from a11y_audit.cli.shared_run import run  # noqa: E402 - registers the shared-run commands
from a11y_audit.cli.engines import engines  # noqa: E402 - registers the npm tool commands

main.add_command(run)
main.add_command(check)
main.add_command(baseline)
main.add_command(diff)
main.add_command(engines)

