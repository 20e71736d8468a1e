"""What every ``a11y-audit`` command shares: exit codes, error mapping, crawl flags.

Exit codes (one place for all of them):

    0  success
    1  the run finished, but some pages failed (crawl); new issues at or above
       the threshold (check)
    2  usage or configuration error (bad flag, file, field, value or --db)
    3  the run could not start or audited no page at all (start URLs unreachable,
       browser failed), or a report could not be written
"""

from __future__ import annotations

import sys
from typing import Any, Callable

import click

from a11y_audit.config import ConfigError, ReportError, StoreError

EXIT_OK, EXIT_PAGES_FAILED, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3

DEFAULT_DB = "sqlite:///a11y-audit.db"


def _fail(message: str, code: int) -> None:
    click.echo(f"a11y-audit: error: {message}", err=True)
    sys.exit(code)


def guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map the tool's exceptions to one-line messages and exit codes."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from a11y_audit.crawler.runner import CrawlStartError

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
        click.option("--browser", type=click.Choice(["playwright", "selenium"]), default=None,
                     help="Rendering engine (default: playwright)."),
        click.option("--webdriver-url", default=None,
                     help="Remote WebDriver (e.g. a Selenium Grid) to render with; implies --browser selenium."),
        click.option("--browser-name", type=click.Choice(["chromium", "firefox"]), default=None,
                     help="Browser for Selenium (firefox needs geckodriver on the PATH)."),
        click.option("--sample", is_flag=True, default=None,
                     help="Template-aware sampling: audit a sample of each page template (see README)."),
        click.option("--sample-per-template", type=int, default=None,
                     help="Pages audited per template before the random share (implies --sample; default 5)."),
        click.option("--sample-seed", type=int, default=None,
                     help="Seed of the random share (implies --sample; default 1)."),
        click.option("--screenshots/--no-screenshots", default=None,
                     help="Picture one offending element per grouped issue for the reports (default: yes)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func
