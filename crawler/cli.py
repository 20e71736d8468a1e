"""The ``a11y-audit`` command.

Exit codes (one place for all of them):

    0  success
    1  the run finished, but some pages failed (crawl) / a gate failed
    2  usage or configuration error (bad flag, file, field or value)
    3  the run could not start or audited no page at all (start URLs unreachable,
       browser failed), or a report could not be written
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import click

from config import ConfigError, ReportError, StoreError, load_config
from config.defaults import TOOL_VERSION

EXIT_OK, EXIT_PAGES_FAILED, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3

DEFAULT_DB = "sqlite:///a11y-audit.db"


def _fail(message: str, code: int) -> None:
    click.echo(f"a11y-audit: error: {message}", err=True)
    sys.exit(code)


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map the tool's exceptions to one-line messages and exit codes."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from crawler.runner import CrawlStartError

        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            _fail(str(exc), EXIT_USAGE)
        except StoreError as exc:
            # A --db that cannot be used is the user's input to fix.
            _fail(str(exc), EXIT_USAGE)
        except (ReportError, CrawlStartError) as exc:
            _fail(str(exc), EXIT_CANNOT_RUN)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def crawl_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Flags that override the config file's crawl settings everywhere."""
    options = [
        click.option("--max-pages", type=int, help="Most pages audited per site."),
        click.option("--max-depth", type=int, help="Most links followed from the start URL."),
        click.option("--page-timeout", type=float, help="Seconds a page may take to load and be audited."),
        click.option("--concurrency", type=int, help="Pages rendered at once overall."),
        click.option("--per-host-concurrency", type=int, help="Requests at once to one host."),
        click.option("--delay", type=float, help="Seconds between requests to one host."),
        click.option("--autothrottle/--no-autothrottle", default=None, help="Adapt the delay to the server's latency."),
        click.option("--obey-robots/--no-obey-robots", default=None, help="Obey robots.txt (default: yes)."),
        click.option("--user-agent", help="User-Agent sent with every request."),
        click.option("--wcag", type=click.Choice(["2.0", "2.1", "2.2"]), help="WCAG version audited against."),
        click.option("--level", type=click.Choice(["A", "AA"]), help="WCAG conformance level."),
        click.option("--allow-private-addresses", is_flag=True, default=None,
                     help="Allow loopback, private and link-local targets."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group()
@click.version_option(TOOL_VERSION, prog_name="a11y-audit")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Crawl signatories' websites, audit every page for WCAG failures, report and gate."""
    ctx.obj = {"log_level": ("WARNING", "INFO", "DEBUG")[min(verbose + 1, 2)] if verbose else "INFO"}


@main.command()
@click.argument("config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", help="Store URL (default: the config's `db`, else sqlite:///a11y-audit.db).")
@crawl_options
@click.pass_context
@_guard
def crawl(ctx: click.Context, config_file: Path, db: Optional[str], **flags: Any) -> None:
    """Crawl and audit every organisation in CONFIG_FILE."""
    config = load_config(config_file, overrides={"db": db, **flags})
    _run(config, ctx.obj["log_level"])


def _run(config, log_level: str) -> int:
    from crawler.runner import run_crawl

    summary = run_crawl(config, log_level=log_level)
    click.echo(
        f"Run {summary.run_id} {summary.status}: {summary.pages} pages audited, "
        f"{summary.findings} findings, {summary.page_errors} pages with errors. Store: {config.db}"
    )
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
              help="Folder for index.html and one <organisation>.html each.")
@click.option("--run", "run_id", type=int, help="Report this run (default: each organisation's latest).")
@_guard
def report(db: str, out_dir: Path, run_id: Optional[int]) -> None:
    """Write HTML reports from the store (never crawls)."""
    from reports.html import write_reports
    from store import StoreReader, require_store

    reader = StoreReader(require_store(db))
    results = reader.load(reader.selection(run_id))
    if not results:
        raise StoreError(f"--db {db}: no organisations stored yet")
    index = write_reports(results, out_dir)
    click.echo(f"Wrote {len(results) + 1} reports; open {index}")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Store URL.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), required=True)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--run", "run_id", type=int, help="Export this run (default: each organisation's latest).")
@_guard
def export(db: str, fmt: str, out_file: Path, run_id: Optional[int]) -> None:
    """Export stored results as JSON (everything) or CSV (findings)."""
    from reports.exports import write_csv, write_json
    from store import StoreReader, require_store

    reader = StoreReader(require_store(db))
    results = reader.load(reader.selection(run_id))
    (write_json if fmt == "json" else write_csv)(results, out_file)
    click.echo(f"Wrote {out_file}")


@main.command()
@click.option("--out", "out_dir", default="demo-out", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", help="Store URL (default: OUT/a11y-audit.db).")
@click.pass_context
@_guard
def demo(ctx: click.Context, out_dir: Path, db: Optional[str]) -> None:
    """Serve the bundled demo sites on 127.0.0.1, crawl them and write the reports."""
    from config import config_from_data
    from demo.server import start_demo_sites
    import yaml

    out_dir.mkdir(parents=True, exist_ok=True)
    db = db or f"sqlite:///{(out_dir / 'a11y-audit.db').resolve()}"
    servers = start_demo_sites()
    demo_file = Path(__file__).resolve().parent.parent / "config" / "demo.yaml"
    data = yaml.safe_load(demo_file.read_text(encoding="utf-8"))
    for org in data["organisations"]:
        org["sites"][0]["url"] = servers[org["id"]].origin + "/"
    config = config_from_data(data, source=str(demo_file), overrides={"db": db})
    click.echo("Serving the demo sites: " + ", ".join(s.origin for s in servers.values()))
    try:
        from crawler.runner import run_crawl

        summary = run_crawl(config, log_level=ctx.obj["log_level"])
    finally:
        for server in servers.values():
            server.stop()
    click.echo(f"Run {summary.run_id} {summary.status}: {summary.pages} pages audited, {summary.findings} findings.")
    ctx.invoke(report, db=db, out_dir=out_dir, run_id=summary.run_id)


if __name__ == "__main__":
    main()
