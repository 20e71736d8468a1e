"""The audit spider: discovers each site's pages and audits every one once.

Each page goes through two steps:

1. **fetch** – a plain Scrapy GET, subject to robots.txt, per-host politeness,
   redirect and address checks and the size cap. HTTP errors, non-HTML
   documents and refusals are recorded here, without a browser.
2. **render and audit** – the fetched HTML is rendered by Chromium through
   scrapy-playwright (the browser is handed the body, not fetching it again),
   the engines run on the live page, and links are read from the rendered DOM.

Pages are found from the start URL, links in the rendered DOM (script-inserted
ones included), robots.txt's sitemaps and /sitemap.xml (sitemap indexes too).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Iterable, Optional
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from a11y_audit.audits.documents import check_document
from a11y_audit.audits.engines import Engine, PageSession
from a11y_audit.audits.model import DocumentResult, EngineResult, PageResult, Standard
from a11y_audit.audits.screenshots import ScreenshotLedger, capture_screenshots
from a11y_audit.audits.templates import dom_signature
from a11y_audit.config.loader import RunConfig, SiteSettings
from a11y_audit.crawler.addresses import AddressPolicy
from a11y_audit.crawler.browser import DOCUMENT_META, RENDER_DEADLINE_META, SCRIPT_REDIRECT_META, PlaywrightSession, init_page
from a11y_audit.crawler.ledger import Ledger, LocalLedger
from a11y_audit.crawler.middlewares import OutOfScope
from a11y_audit.crawler.pacing import RENDER_META, BrowserQueue
from a11y_audit.crawler.sampling import Sampler
from a11y_audit.crawler.scope import SiteScope
from a11y_audit.crawler.shared.worker import Worker, settles_lease

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Content types recorded as documents of a site (checked by a later engine).
DOCUMENT_TYPES = (
    "application/pdf", "application/msword", "application/rtf", "application/epub+zip",
    "application/vnd.openxmlformats-officedocument", "application/vnd.oasis.opendocument",
    "application/vnd.ms-",
)

# Links as the browser resolved them, from the rendered DOM (open shadow roots included),
# and a meta refresh's content: one round trip.
READ_LINKS = """
() => {
  const links = [];
  const walk = root => {
    root.querySelectorAll('a[href], area[href]').forEach(a => links.push([a.href, (a.textContent || a.getAttribute('aria-label') || '').trim().slice(0, 80)]));
    root.querySelectorAll('*').forEach(el => { if (el.shadowRoot) walk(el.shadowRoot); });
  };
  walk(document);
  const refresh = document.querySelector('meta[http-equiv="refresh" i]');
  return {links, refresh: refresh ? refresh.getAttribute('content') : null};
}
"""


@dataclass
class SiteState:
    """One site's scope and settings, shared by all its responses (what was claimed is in the ledger)."""

    index: int
    settings: SiteSettings
    scope: SiteScope
    policy: AddressPolicy
    #: When resuming: pages stored by the interrupted run, url → (links, redirects).
    stored: dict[str, tuple[list, list]] = field(default_factory=dict)
    #: Template-aware sampling (or, for a full crawl, only its figures): crawler/sampling.py.
    sampler: Sampler = field(default_factory=lambda: Sampler(enabled=False))

    @property
    def standard(self) -> Standard:
        return Standard(self.settings.wcag, self.settings.level)


class AuditSpider(scrapy.Spider):
    name = "a11y-audit"

    def __init__(
        self,
        run_config: RunConfig,
        engines: list[Engine],
        resume_run_id: Optional[int] = None,
        stored_pages: Optional[dict[tuple[str, str], dict[str, tuple[list, list]]]] = None,
        pool: Any = None,
        worker: Optional[Worker] = None,
        lookup_stored: Optional[Callable[[int, str], Optional[tuple[list, list]]]] = None,
        seed: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.run_config = run_config
        self.engines = engines
        self.resume_run_id = resume_run_id
        #: Selenium's driver pool (None: Playwright renders through scrapy-playwright).
        self.pool = pool
        #: This process's part in a shared run (None: a crawl of its own).
        self.worker = worker
        #: Which pages are claimed: in memory, or in Redis when workers share a run.
        self.ledger: Ledger = worker.frontier if worker is not None else LocalLedger()
        #: Shared runs: (site index, url) → a stored page's (links, redirects), or None.
        self.lookup_stored = lookup_stored
        #: False for a worker joining a shared run: its start requests are already queued.
        self.seed = seed
        stored_pages = stored_pages or {}
        self.sites = [
            SiteState(i, site, SiteScope(site), AddressPolicy(site.allowed_networks()),
                      stored=dict(stored_pages.get((site.organisation_id, site.url), {})),
                      sampler=Sampler.from_settings(site.sample))
            for i, site in enumerate(run_config.sites)
        ]
        self.versions_recorded = False
        #: Run-wide: the first page that shows a grouped issue supplies its picture.
        self.screenshot_ledger = ScreenshotLedger()
        # Pages open in the browser at once. The download slot alone would bound only the
        # navigations: a page stays open (and is audited) in its callback after the download.
        self.render_slots = asyncio.Semaphore(run_config.concurrency)
        #: Fetched pages waiting for a slot: the scheduler holds page fetches back while
        #: it is full, so the fetch step stays just ahead of the browser (crawler/pacing.py).
        self.browser_queue = BrowserQueue(run_config.concurrency, on_room=self.wake_engine)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "AuditSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.next_sample_round, signal=signals.spider_idle)
        return spider

    def next_sample_round(self) -> None:
        """Out of work: sampled sites decide on the URLs found since (crawler/sampling.py)."""
        if self.stopping():
            return
        requests = [request for state in self.sites for url, depth in state.sampler.next_round()
                    for request in self.follow_page(state, url, depth)]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        if self.pool is not None:
            self.pool.close()

    def wake_engine(self) -> None:
        """Have Scrapy's engine ask the scheduler for work now (not at its next heartbeat)."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)  # no public way in Scrapy 2.19
        if slot is not None:
            slot.nextcall.schedule()

    def stopping(self) -> bool:
        """True once a shutdown (SIGINT/SIGTERM) began: pages not yet rendered are left
        unstored, for ``--resume`` to audit, instead of rendering a whole queue first."""
        engine = getattr(self.crawler, "engine", None)
        return engine is not None and not engine.running

    # -- discovery -----------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.seed:
            return
        for state in self.sites:
            for url in (state.settings.url, *state.settings.urls):
                for request in self.follow_page(state, url, depth=0):
                    yield request
            if state.settings.max_depth == 0:
                continue  # only the given URLs: no discovery
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(state.settings.url))
            yield self.site_request(state, origin + "/robots.txt", self.parse_robots, dont_obey_robotstxt=True)
            yield self.site_request(state, origin + "/sitemap.xml", self.parse_sitemap)

    def site_request(self, state: SiteState, url: str, callback, **meta: Any) -> scrapy.Request:
        """A request for discovery files (robots.txt, sitemaps): not pages, never rendered."""
        return scrapy.Request(
            url, callback=callback, errback=self.discovery_failed,
            headers={"User-Agent": state.settings.user_agent},
            meta={"a11y_site": state.index, "a11y_discovery": True, **self.politeness(state), **meta},
        )

    def politeness(self, state: SiteState) -> dict[str, Any]:
        meta: dict[str, Any] = {"download_maxsize": state.settings.max_response_bytes}
        if not state.settings.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if not state.settings.autothrottle:
            meta["autothrottle_dont_adjust_delay"] = True
        return meta

    def follow_page(self, state: SiteState, url: str, depth: int, text: str = "") -> Iterable[scrapy.Request]:
        """Schedule *url* as a page of the site, once, within scope, depth and budget."""
        if depth > 0 and (reason := state.scope.skip_reason(url, text)):
            logger.debug("Not following %s: %s", url, reason)
            return
        canonical = state.scope.canonical(url)
        if depth > state.settings.max_depth:
            return
        if not state.sampler.offer(canonical, depth):
            return  # waits for the next sampling round, or sampled out: no budget spent
        if not self.ledger.claim(state.index, canonical, depth, state.settings.max_pages):
            return  # seen before, or waiting for budget
        if canonical in state.stored:
            yield from self.expand_stored(state, canonical, depth)
            return
        # dont_filter: `seen` already makes pages unique, and Scrapy's duplicate filter would
        # silently drop a redirect loop's repeated hop (no errback: the page would vanish).
        yield scrapy.Request(
            canonical, callback=self.parse_fetched, errback=self.fetch_failed, dont_filter=True,
            headers={"User-Agent": state.settings.user_agent},
            meta={"a11y_site": state.index, "a11y_depth": depth, "a11y_started": time.monotonic(),
                  **self.politeness(state)},
        )

    def expand_stored(self, state: SiteState, url: str, depth: int) -> Iterable[scrapy.Request]:
        """Resuming: a page the interrupted run already stored is not audited again;
        its stored links are followed as if it had just been rendered."""
        links, redirects = state.stored.pop(url)
        for redirect in redirects:
            self.ledger.mark_seen(state.index, state.scope.canonical(redirect))
        for href, text in links:
            yield from self.follow_page(state, href, depth + 1, text)

    def release(self, state: SiteState) -> Iterable[scrapy.Request]:
        """A reserved page slot turned out not to be a page: give it to a waiting URL."""
        deferred = self.ledger.release(state.index, state.settings.max_pages)
        if deferred is not None:
            yield from self.follow_page(state, *deferred)

    @settles_lease
    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        state = self.sites[response.meta["a11y_site"]]
        if response.status != 200:
            return
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self.site_request(state, url, self.parse_sitemap)

    @settles_lease
    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        state = self.sites[response.meta["a11y_site"]]
        if response.status != 200:
            return
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # noqa: BLE001 - a broken sitemap is only logged
            logger.warning("Unreadable sitemap %s: %s", response.url, exc)
            return
        for entry in sitemap:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if state.scope.same_host(loc):
                    yield self.site_request(state, loc, self.parse_sitemap)
            else:
                yield from self.follow_page(state, loc, depth=1)

    @settles_lease
    def discovery_failed(self, failure: Failure) -> None:
        logger.debug("Discovery request failed: %s", failure.getErrorMessage())

    # -- step 1: fetch ---------------------------------------------------------------

    @settles_lease
    async def parse_fetched(self, response: Response) -> AsyncIterator[Any]:
        state = self.sites[response.meta["a11y_site"]]
        depth = response.meta["a11y_depth"]
        redirects = tuple(response.meta.get("redirect_urls", ()))
        final = state.scope.canonical(response.url)
        # A shared run's page whose worker died: audited already if the store has it.
        reclaimed = response.meta.get("a11y_reclaimed", False)
        if reclaimed and self.lookup_stored is not None:
            stored = self.lookup_stored(state.index, final)
            if stored is not None:
                state.stored[final] = stored
                for item in self.expand_stored(state, final, depth):
                    yield item
                return
        if redirects and final != state.scope.canonical(redirects[0]):
            # One page, one audit: a redirect to a page already seen adds nothing
            # (unless that was this very page, before its worker died).
            if not self.ledger.mark_seen(state.index, final) and not reclaimed:
                for item in self.release(state):
                    yield item
                return
            if final in state.stored:
                for item in self.expand_stored(state, final, depth):
                    yield item
                return
        base = self.page_result(state, response, final, depth, redirects)
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0].strip().lower()
        base.content_type = content_type or None

        if response.status >= 400:
            base.error = f"HTTP {response.status}"
            yield base
            return
        if not content_type.startswith(HTML_TYPES):
            for item in self.release(state):
                yield item
            if content_type.startswith(DOCUMENT_TYPES):
                yield DocumentResult(
                    url=final, site_url=state.settings.url, organisation_id=state.settings.organisation_id,
                    content_type=content_type, status=response.status, size=len(response.body),
                    checks=check_document(content_type, response.body),
                )
            return

        with self.browser_queue.wait():
            await self.render_slots.acquire()  # released by finish_render (Selenium: below)
        if self.pool is not None:
            try:
                async for item in self.render_with_selenium(state, base, response.url):
                    yield item
            finally:
                self.render_slots.release()
            return
        if self.stopping():
            self.render_slots.release()
            return  # shutting down: left unstored, for --resume
        headers = {
            key.decode("latin-1"): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
            if key.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
        }
        yield scrapy.Request(
            response.url, callback=self.parse_rendered, errback=self.render_failed, dont_filter=True,
            headers={"User-Agent": state.settings.user_agent},
            meta={
                **{key: value for key, value in response.meta.items() if key.startswith("a11y_")},
                **self.politeness(state),
                "a11y_result": base,
                DOCUMENT_META: (response.status, headers, response.body),
                "a11y_policy": state.policy,
                "dont_obey_robotstxt": True,  # already checked when it was fetched
                "download_slot": "render",
                "autothrottle_dont_adjust_delay": True,
                "playwright": True,
                "playwright_include_page": True,
                "playwright_context": f"site-{state.index}",
                "playwright_context_kwargs": {
                    "user_agent": state.settings.user_agent,
                    "accept_downloads": False,
                    "ignore_https_errors": not self.run_config.tls_verify,
                    "service_workers": "block",
                },
                "playwright_page_init_callback": init_page,
                RENDER_DEADLINE_META: state.settings.page_timeout + 15,
                # DOMContentLoaded, bounded by the page timeout: a page whose scripts never
                # let it be parsed (a busy loop) fails here instead of hanging later.
                "playwright_page_goto_kwargs": {
                    "wait_until": "domcontentloaded",
                    "timeout": state.settings.page_timeout * 1000,
                },
                "a11y_render_started": time.monotonic(),
                RENDER_META: True,
            },
        )

    def page_result(self, state: SiteState, response: Response, url: str, depth: int, redirects) -> PageResult:
        started = response.meta.get("a11y_started")
        return PageResult(
            url=url, site_url=state.settings.url, organisation_id=state.settings.organisation_id,
            final_url=response.url, status=response.status, depth=depth,
            redirects=tuple(redirects),
            fetch_ms=int((time.monotonic() - started) * 1000) if started else None,
        )

    @settles_lease
    def fetch_failed(self, failure: Failure) -> Iterable[Any]:
        request = failure.request
        state = self.sites[request.meta["a11y_site"]]
        not_a_page = failure.check(OutOfScope) or (
            failure.check(IgnoreRequest) and failure.getErrorMessage() == "Forbidden by robots.txt"
        )
        if not_a_page and request.meta.get("a11y_depth", 0) > 0:
            # Disallowed by robots.txt, or redirected off the site: not one of its pages.
            logger.info("Skipped %s: %s", request.url, failure.getErrorMessage())
            yield from self.release(state)
            return
        # Anything else (refused address, redirect loop, timeout, size cap, a start URL
        # that cannot be fetched) is recorded, so that the reason reaches the report.
        yield PageResult(
            url=request.url, site_url=state.settings.url, organisation_id=state.settings.organisation_id,
            depth=request.meta.get("a11y_depth", 0), error=_reason(failure),
        )

    # -- step 2: render and audit ------------------------------------------------------

    @settles_lease
    async def parse_rendered(self, response: Response) -> AsyncIterator[Any]:
        state = self.sites[response.meta["a11y_site"]]
        result: PageResult = response.meta["a11y_result"]
        page = response.meta["playwright_page"]
        response.meta.pop(DOCUMENT_META, None)  # the fetched body is no longer needed
        if SCRIPT_REDIRECT_META in response.meta:
            await self.finish_render(page)
            for item in self.script_redirect(state, result, response.meta[SCRIPT_REDIRECT_META]):
                yield item
            return
        links: list[list[str]] = []
        timeout = state.settings.page_timeout
        try:
            await _settle(page, min(5.0, timeout / 2))
            result.render_ms = int((time.monotonic() - response.meta["a11y_render_started"]) * 1000)
            result.title = await asyncio.wait_for(page.title(), timeout) or None
            links = await self.audit(state, result, PlaywrightSession(page, timeout))
            if not self.versions_recorded:
                browser = page.context.browser
                self.record_versions(result, {"name": "chromium", "version": browser.version if browser else "unknown",
                                              "driver": "playwright"})
        except Exception as exc:  # noqa: BLE001 - a broken page is a page with an error
            result.error = result.error or f"render failed: {_short(exc)}"
        finally:
            await self.finish_render(page)
        for url in response.meta.get("a11y_navigations", []):
            links.append([url, ""])  # script navigations: audited as pages of their own
        for item in self.followed_then_result(state, result, links):
            yield item

    async def render_with_selenium(self, state: SiteState, result: PageResult, url: str) -> AsyncIterator[Any]:
        """Step 2 with Selenium: a pooled WebDriver session loads the page (in our threads)."""
        from a11y_audit.crawler.selenium_browser import SeleniumSession, browser_info, is_dead_driver

        links: list[list[str]] = []
        started = time.monotonic()
        try:
            async with self.pool.driver() as driver:
                if self.stopping():
                    return  # shutting down while this page waited for a driver: left for --resume
                session = SeleniumSession(driver, self.pool)
                await session.load(url)
                result.render_ms = int((time.monotonic() - started) * 1000)
                result.title = await self.pool.call(lambda: driver.title) or None
                links = await self.audit(state, result, session)
                if result.error and is_dead_driver(RuntimeError(result.error)):
                    raise RuntimeError(result.error)  # hand the driver back as dead, not as idle
                if not self.versions_recorded:
                    self.record_versions(result, await self.pool.call(browser_info, driver, self.run_config.webdriver_url))
        except Exception as exc:  # noqa: BLE001 - a broken page (or driver) is a page with an error
            result.error = result.error or f"render failed: {_short(exc)}"
        for item in self.followed_then_result(state, result, links):
            yield item

    def followed_then_result(self, state: SiteState, result: PageResult, links: list[list[str]]) -> Iterable[Any]:
        """A page's links, then the page itself: in a shared run, storing the page ends its
        lease, so its links must be in the frontier by then (or the run could end early)."""
        state.sampler.observe(result.url, result.structure)
        for href, text in links:
            yield from self.follow_page(state, href, result.depth + 1, text)
        yield result

    async def audit(self, state: SiteState, result: PageResult, session: PageSession) -> list[list[str]]:
        """Run every engine on the rendered page, picture offending elements not pictured
        before in the run, then read its links (for any browser engine)."""
        if state.sampler.enabled:  # only sampling compares page structures
            result.structure = await dom_signature(session)  # before the engines press keys
        audit_started = time.monotonic()
        for engine in self.engines:
            result.engines.append(await self.run_engine(engine, session, state.standard))
        result.findings = [f for e in result.engines for f in e.findings]
        result.audit_ms = int((time.monotonic() - audit_started) * 1000)
        failed = [f"{e.engine} failed: {e.error}" for e in result.engines if e.error]
        if failed:
            result.error = "; ".join(failed)
        if self.run_config.screenshots:
            await capture_screenshots(session, result, self.screenshot_ledger)
        result.links = await self.read_links(session)
        return result.links

    def record_versions(self, result: PageResult, browser: dict[str, str]) -> None:
        self.versions_recorded = True
        self.crawler.stats.set_value("a11y/browser", browser)
        self.crawler.stats.set_value("a11y/engines", {e.engine: e.version for e in result.engines})

    async def read_links(self, session: PageSession) -> list[list[str]]:
        """Links of the rendered DOM, and a meta refresh target; none if the page will not say."""
        try:
            found = await session.evaluate(READ_LINKS)
            links, refresh = found["links"], found["refresh"]
        except Exception as exc:  # noqa: BLE001 - a page too busy to answer keeps its audit result
            logger.info("Could not read links of %s: %s", session.url, _short(exc))
            return []
        if refresh and "url=" in refresh.lower():
            links.append([urljoin(session.url, refresh.split("=", 1)[1].strip(" '\"")), ""])
        return links

    async def run_engine(self, engine: Engine, session: PageSession, standard: Standard) -> EngineResult:
        try:
            return await engine.audit(session, standard)
        except Exception as exc:  # noqa: BLE001 - one engine failing must not lose the others
            logger.warning("Engine %s failed on %s: %s", engine.name, session.url, _short(exc))
            return EngineResult(engine=engine.name, version=engine.version, error=_short(exc))

    @settles_lease
    async def render_failed(self, failure: Failure) -> AsyncIterator[Any]:
        request = failure.request
        await self.finish_render(request.meta.get("playwright_page"))
        state = self.sites[request.meta["a11y_site"]]
        result: PageResult = request.meta["a11y_result"]
        if SCRIPT_REDIRECT_META in request.meta:
            for item in self.script_redirect(state, result, request.meta[SCRIPT_REDIRECT_META]):
                yield item
            return
        result.error = f"render failed: {_reason(failure)}"
        yield result

    async def finish_render(self, page) -> None:
        """A Playwright render is over (audited or failed): close its page, free its slot."""
        if page is not None:
            await _close(page)
        self.render_slots.release()

    def script_redirect(self, state: SiteState, result: PageResult, target: str) -> Iterable[scrapy.Request]:
        """Redirected by a script before it was parsed: like an HTTP redirect, the source
        is not a page of its own, and the target is followed (if it is in scope)."""
        logger.info("%s redirects by script to %s", result.url, target)
        yield from self.release(state)
        yield from self.follow_page(state, target, result.depth + 1)


async def _settle(page, seconds: float) -> None:
    """Give the page a moment to finish loading; a page that never does is audited as it is.
    (Navigation already waited for DOMContentLoaded.)"""
    try:
        await page.wait_for_load_state("load", timeout=seconds * 1000)
    except Exception:  # noqa: BLE001 - never-ending resources are common and not an error
        return


async def _close(page) -> None:
    try:
        await asyncio.wait_for(page.close(), 10)
    except Exception:  # noqa: BLE001 - already closed or crashed
        pass


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    if isinstance(exc, asyncio.TimeoutError):
        text = "timed out"
    return text[:300]


def _reason(failure: Failure) -> str:
    text = _short(failure.value)
    if "Timeout" in text and "exceeded" in text:
        return "did not load within page_timeout"
    if "max redirections reached" in text:
        return "redirect loop (too many redirects)"
    if "larger than download max size" in text:
        return "response larger than max_response_bytes"
    return text
