"""Scrapy settings derived from a run's configuration."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from a11y_audit.config.defaults import TOOL_NAME
from a11y_audit.config.loader import RunConfig
from a11y_audit.crawler.addresses import resolver_rules
from a11y_audit.crawler.browser import find_chromium, launch_options

PLAYWRIGHT_HANDLER = "a11y_audit.crawler.browser.PlaywrightHandler"
#: Scrapy's robots.txt middleware replaced by ours (crawler/middlewares.py), at its place.
ROBOTS_MIDDLEWARE = {"scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                     "a11y_audit.crawler.middlewares.RobotsTxtMiddleware": 100}


def scrapy_settings(config: RunConfig, log_level: str = "INFO", shared: Any = None) -> dict[str, Any]:
    """Scrapy's settings for a crawl of *config*; *shared*: the shared run a worker joined."""
    sites = config.sites
    slots: dict[str, dict[str, Any]] = {}
    for site in sites:
        host = urlsplit(site.url).hostname or ""
        slot = slots.setdefault(host, {"concurrency": site.per_host_concurrency, "delay": site.delay})
        # Several sites on one host: the most polite settings win.
        slot["concurrency"] = min(slot["concurrency"], site.per_host_concurrency, site.concurrency)
        slot["delay"] = max(slot["delay"], site.delay)
    # Rendering is one slot for the whole run: `concurrency` pages in the browser at once.
    slots["render"] = {"concurrency": config.concurrency, "delay": 0}
    if shared is not None:
        for host, slot in slots.items():
            if host != "render":
                slot["delay"] = 0  # the delay between requests to a host is kept across workers, in Redis
    timeout = max(site.page_timeout for site in sites)
    handlers = {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER} if config.browser == "playwright" else {}
    return {
        "BOT_NAME": TOOL_NAME,
        "USER_AGENT": sites[0].user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": TOOL_NAME,
        # Scrapy's remote-control server runs code sent to it; the telnet console likewise.
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        "RETRY_TIMES": 1,
        "RETRY_HTTP_CODES": [502, 503, 504, 522, 524, 408, 429],
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_VERIFY_CERTIFICATES": config.tls_verify,
        "DOWNLOAD_MAXSIZE": max(site.max_response_bytes for site in sites),
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": 10,
        "METAREFRESH_ENABLED": True,
        "DEPTH_LIMIT": 0,
        "CONCURRENT_REQUESTS": max(16, config.concurrency * 2),
        # Page fetches are paced by the browser (crawler/pacing.py).
        "SCHEDULER": "a11y_audit.crawler.pacing.PacedScheduler",
        # Scrapy starts this many tasks for every response's callback output, before the
        # callback yields anything; ours yield a page's links and one item.
        "CONCURRENT_ITEMS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(s["concurrency"] for s in slots.values()),
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_SLOTS": slots,
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "AUTOTHROTTLE_ENABLED": any(site.autothrottle for site in sites),
        "AUTOTHROTTLE_START_DELAY": max(0.5, min(site.delay for site in sites)),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_HANDLERS": handlers,
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(
            find_chromium(config.browser_executable),
            resolver_rules([site.allowed_networks() for site in sites]),
        ),
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout * 1000,
        # The render slot already bounds pages at once; scrapy-playwright's per-context
        # semaphore is released by page "close" events, which a dying browser may never send.
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 10_000,
        "DOWNLOADER_MIDDLEWARES": {"a11y_audit.crawler.middlewares.GuardMiddleware": 50, **ROBOTS_MIDDLEWARE},
        "ITEM_PIPELINES": {"a11y_audit.crawler.pipelines.StorePipeline": 100},
        "EXTENSIONS": {"a11y_audit.crawler.progress.Progress": 500},
        "LOG_LEVEL": log_level,
        "LOG_FORMAT": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        "LOG_INSTALL_ROOT_HANDLER": True,
        "STATS_DUMP": False,
        "LOGSTATS_INTERVAL": 0,
        **(shared_settings(shared) if shared is not None else {}),
    }


def shared_settings(shared: Any) -> dict[str, Any]:
    """A worker of a shared run: scrapy-redis' scheduler on the run's keys, with leases."""
    frontier = shared.frontier
    return {
        "SCHEDULER": "a11y_audit.crawler.shared.scheduler.SharedScheduler",
        "SCHEDULER_QUEUE_CLASS": "a11y_audit.crawler.shared.scheduler.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": frontier.queue_key,
        "SCHEDULER_DUPEFILTER_KEY": frontier.dupefilter_key,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",  # robots.txt and sitemaps once per run
        "SCHEDULER_SERIALIZER": "a11y_audit.crawler.shared.codec",
        "SCHEDULER_PERSIST": True,  # the queue belongs to the run: a worker leaving must not flush it
        "REDIS_URL": shared.url,
        "DOWNLOADER_MIDDLEWARES": {"a11y_audit.crawler.middlewares.GuardMiddleware": 50,
                                   "a11y_audit.crawler.shared.worker.SharedPoliteness": 60, **ROBOTS_MIDDLEWARE},
        "EXTENSIONS": {"a11y_audit.crawler.progress.Progress": 500, "a11y_audit.crawler.shared.worker.SharedRunExtension": 510},
    }


def quiet_noisy_loggers() -> None:
    for name in ("scrapy", "scrapy-playwright", "scrapy_playwright", "asyncio", "py.warnings", "aiosqlite"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # Failed pages are recorded in the store with their reason; a traceback per page adds nothing.
    logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
