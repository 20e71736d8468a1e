"""``a11y-audit run start|status``: shared runs that many workers crawl together.

    a11y-audit run start CONFIG --db postgresql://… --frontier redis://…   # prints the run id
    a11y-audit crawl CONFIG --db postgresql://… --frontier redis://…       # a worker (any number, any host)
    a11y-audit run status CONFIG --db … --frontier …                       # done / queued / in flight / failed
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import click

from a11y_audit.config import ConfigError, load_config
from a11y_audit.cli.common import guard

_db_option = click.option("--db", help="Store URL shared by the workers (default: the config's `db`).")
_frontier_option = click.option("--frontier", metavar="REDIS_URL", required=True,
                                help="Redis holding the run's queue, e.g. redis://127.0.0.1:6379/0.")


@click.group()
def run() -> None:
    """Shared runs: start one, see how far it is."""


@run.command()
@click.argument("config_file", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
@_frontier_option
@guard
def start(config_file: Path, db: Optional[str], frontier: str) -> None:
    """Create a run of CONFIG_FILE and queue its start URLs; print its id.

    Workers started with ``a11y-audit crawl CONFIG_FILE --frontier …`` then join it."""
    from a11y_audit.crawler.shared.run import registry_for, start_run
    from a11y_audit.store import ensure_schema

    config = load_config(config_file, overrides={"db": db})
    ensure_schema(config.db)
    run_id = start_run(config, registry_for(config, frontier))
    click.echo(run_id)


@run.command()
@click.argument("config_file", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
@_frontier_option
@click.option("--run", "run_id", type=int, help="This run (default: the configuration's unfinished run).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@guard
def status(config_file: Path, db: Optional[str], frontier: str, run_id: Optional[int], as_json: bool) -> None:
    """Pages done, queued, in flight and failed per organisation, and the workers."""
    from a11y_audit.crawler.shared import run as shared
    from a11y_audit.store import StoreReader, require_store

    config = load_config(config_file, overrides={"db": db})
    registry = shared.registry_for(config, frontier)
    run_id = run_id or shared.active_run(config, registry)
    if run_id is None:
        raise ConfigError(f"{config_file}: no shared run of this configuration is in progress (give --run ID)")
    reader = StoreReader(require_store(config.db))
    state = reader.run(run_id).status
    rows = shared.status(reader, registry, run_id, shared.site_organisations(config))
    counts = registry.frontier(run_id).counts()
    now = registry.frontier(run_id).now()
    workers = {name: round(now - seen, 1) for name, seen in counts.workers.items()}
    if as_json:
        data: dict[str, Any] = {"run": run_id, "status": state, "workers": workers,
                                "organisations": [vars(row) for row in rows]}
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(f"Run {run_id}: {state}; {len(workers)} workers")
    click.echo(f"{'organisation':<30} {'done':>6} {'queued':>7} {'in flight':>9} {'failed':>7}")
    for row in rows:
        click.echo(f"{row.organisation_id:<30} {row.done:>6} {row.queued:>7} {row.in_flight:>9} {row.failed:>7}")
    for name, age in sorted(workers.items()):
        click.echo(f"worker {name}: last seen {age} s ago")
