"""Starting, joining, finishing and describing a shared run (``run start``, ``run status``,
``crawl --frontier``). The run itself lives in the store; its frontier in Redis."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from a11y_audit.config.errors import ConfigError, StoreError
from a11y_audit.config.loader import RunConfig
from a11y_audit.crawler.shared import codec
from a11y_audit.crawler.shared.frontier import RedisFrontier, RunRegistry, config_key, connect
from a11y_audit.crawler.shared.worker import LEASE_SECONDS, Worker

logger = logging.getLogger(__name__)


@dataclass
class SharedRun:
    """A worker's handle on the run it joined."""

    run_id: int
    config_hash: str
    registry: RunRegistry
    worker: Worker
    #: The Redis URL (scrapy-redis opens its own connections from it).
    url: str

    @property
    def frontier(self) -> RedisFrontier:
        return self.worker.frontier


def registry_for(config: RunConfig, frontier_url: str) -> RunRegistry:
    if not frontier_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"--frontier {frontier_url}: expected a redis:// (or rediss://, unix://) URL")
    try:
        client = connect(frontier_url)
    except Exception as exc:  # noqa: BLE001 - any connection problem is the user's URL or service
        raise ConfigError(f"--frontier {frontier_url}: cannot reach Redis ({exc})") from None
    return RunRegistry(client, config.db)


def start_run(config: RunConfig, registry: RunRegistry) -> int:
    """Create the run in the store and seed its frontier with the start requests; its id."""
    config_hash = config_key(config)
    active = registry.active(config_hash)
    if active is not None:
        raise ConfigError(f"{config.source}: run {active} of this configuration is still in progress "
                          f"(workers join it with `a11y-audit crawl … --frontier`)")
    run_id = asyncio.run(_create_run(config))
    other = registry.register(config_hash, run_id)
    if other is not None:
        _mark(config, run_id, "failed")
        raise ConfigError(f"{config.source}: run {other} of this configuration was started at the same time")
    seed(config, registry.frontier(run_id))
    logger.info("Shared run %s started and seeded", run_id)
    return run_id


def join_run(config: RunConfig, frontier_url: str, lease_seconds: float = LEASE_SECONDS) -> SharedRun:
    """The unfinished run of this configuration, started here if there is none."""
    registry = registry_for(config, frontier_url)
    config_hash = config_key(config)
    run_id = registry.active(config_hash)
    if run_id is None:
        try:
            run_id = start_run(config, registry)
        except ConfigError:
            run_id = registry.active(config_hash)  # another worker started it just now
            if run_id is None:
                raise
    return SharedRun(run_id, config_hash, registry, Worker(registry.frontier(run_id), lease_seconds), frontier_url)


def seed(config: RunConfig, frontier: RedisFrontier) -> None:
    """Queue the start URLs, robots.txt and sitemaps, exactly as a single crawl begins."""
    from scrapy_redis.dupefilter import RFPDupeFilter

    from a11y_audit.crawler.spider import AuditSpider

    spider = AuditSpider(run_config=config, engines=[], worker=Worker(frontier))
    # The run's duplicate filter learns the seeds, as a scheduler would: a sitemap that
    # robots.txt names again is not fetched twice.
    seen = RFPDupeFilter(frontier.client, frontier.dupefilter_key)

    async def start_requests() -> list:
        return [request async for request in spider.start()]

    for request in asyncio.run(start_requests()):
        if not request.dont_filter and seen.request_seen(request):
            continue
        frontier.push(codec.dumps(request.to_dict(spider=spider)), request.priority)
    frontier.mark_seeded()


def finish(shared: SharedRun) -> bool:
    """True if this worker is the one to finalise the run (the frontier is empty)."""
    if not shared.frontier.finished() or not shared.frontier.claim_finalize():
        return False
    shared.registry.finish(shared.config_hash, shared.run_id)
    shared.frontier.expire()
    return True


@dataclass
class OrganisationStatus:
    organisation_id: str
    done: int
    failed: int
    queued: int
    in_flight: int


def status(reader, registry: RunRegistry, run_id: int, site_organisations: list[str]) -> list[OrganisationStatus]:
    """Per organisation: pages stored, stored with an error, queued and in flight."""
    frontier = registry.frontier(run_id)
    queued_entries, leased_entries = frontier.entries()

    def organisation(entry: bytes) -> str:
        index = codec.loads(entry).get("meta", {}).get("a11y_site")
        return site_organisations[index] if isinstance(index, int) and index < len(site_organisations) else "?"

    queued = Counter(organisation(e) for e in queued_entries)
    leased = Counter(organisation(e) for e in leased_entries)
    stored = reader.page_counts_by_organisation(run_id)
    rows = []
    for org_id in dict.fromkeys(site_organisations):
        done, failed = stored.get(org_id, (0, 0))
        rows.append(OrganisationStatus(org_id, done, failed, queued[org_id], leased[org_id]))
    return rows


async def _create_run(config: RunConfig) -> int:
    from a11y_audit.crawler.pipelines import new_run
    from a11y_audit.store.writer import RunWriter

    writer = RunWriter.from_url(config.db)
    try:
        return await new_run(writer, config)
    except Exception as exc:  # noqa: BLE001 - the store is the user's --db
        raise StoreError(f"--db {config.db}: cannot create the run ({exc})") from None
    finally:
        await writer.close()


def _mark(config: RunConfig, run_id: int, status_value: str) -> None:
    from datetime import datetime, timezone

    from sqlalchemy import update

    from a11y_audit.store import sync_engine
    from a11y_audit.store.schema import Run

    engine = sync_engine(config.db)
    with engine.begin() as conn:
        conn.execute(update(Run).where(Run.id == run_id).values(status=status_value, finished_at=datetime.now(timezone.utc)))
    engine.dispose()


def site_organisations(config: RunConfig) -> list[str]:
    """Organisation of each site index (the ``a11y_site`` of a queued request)."""
    return [site.organisation_id for site in config.sites]


def active_run(config: RunConfig, registry: RunRegistry) -> Optional[int]:
    return registry.active(config_key(config))
