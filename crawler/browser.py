"""The Playwright side of rendering: which browser, how pages are set up, and
the :class:`~audits.engines.base.PageSession` that engines use.

The document a page shows was already fetched by Scrapy (politely, with every
redirect hop checked): the browser is handed that body through a route, so it
never fetches the page a second time. Later main-frame navigations (scripts
that redirect or reload) are answered with an empty 204 so that the audited
document stays in place. Sub-requests that are not GET/HEAD, or that go to
refused addresses, are aborted.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import weakref
from collections import OrderedDict
from typing import Any, Optional

from scrapy.http import HtmlResponse
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.config.defaults import CHROMIUM_ARGS, SYSTEM_CHROMIUM_PATHS
from a11y_audit.crawler.addresses import AddressPolicy

logger = logging.getLogger(__name__)

#: meta key holding (status, headers, body) of the document fetched in phase one.
DOCUMENT_META = "a11y_document"
SCRIPT_REDIRECT_STUB = b"<!doctype html><title>Redirected by a script</title>"
#: meta key: seconds the whole render step (context, page, navigation) may take.
RENDER_DEADLINE_META = "a11y_render_deadline"
#: meta key set to the target when a page redirected by script before it was parsed.
SCRIPT_REDIRECT_META = "a11y_script_redirect"


class RenderTimeout(Exception):
    """The browser did not answer within the render deadline (it crashed or hung)."""


class PlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's download handler, with a deadline on the whole render step.

    After the browser process dies, a call already sent to it (a new page, a new
    context) can wait for an answer for ever, and with it the crawl. Past the
    deadline the page fails with a recorded error, and a browser that is gone is
    forgotten, so the next page launches a new one.
    """

    async def download_request(self, request):
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        deadline = request.meta.get(RENDER_DEADLINE_META, 120.0)
        try:
            return await asyncio.wait_for(super().download_request(request), deadline)
        except asyncio.TimeoutError:
            self._forget_dead_browser()
            raise RenderTimeout(f"the browser did not answer within {deadline:.0f} s (crashed or hung)") from None

    async def _download_request_with_page(self, request, page, spider):
        """Navigate, and answer with an empty response: our callback reads the live page.

        scrapy-playwright would also serialise the whole DOM (``page.content()``) and read
        headers, TLS details and the server address: four more round trips to the browser
        per page, and the document once more through the driver, for a body nobody reads.
        (Overrides a private method; scrapy-playwright is pinned in pyproject.toml.)
        """
        if not request.meta.get("playwright_include_page"):
            return await super()._download_request_with_page(request, page, spider)
        request.meta["playwright_page"] = page  # early: errbacks close it
        started = time.monotonic()
        response, download = await self._get_response_and_download(request, page, spider)
        request.meta["download_latency"] = time.monotonic() - started
        if download is not None and download.exception:
            raise download.exception
        return HtmlResponse(url=page.url, status=response.status if response is not None else 200,
                            body=b"", encoding="utf-8", request=request, flags=["playwright"])

    def _forget_dead_browser(self) -> None:
        # What scrapy-playwright's own "disconnected" callback would have done, had it run to the end.
        browser = getattr(self, "browser", None)
        if browser is not None and not browser.is_connected():
            logger.warning("The browser is gone; the next page starts a new one")
            self.context_wrappers.clear()
            if self.config.restart_disconnected_browser:
                del self.browser


def find_chromium(configured: Optional[str] = None) -> Optional[str]:
    """The browser binary to launch: configured, else a system Chromium, else
    None (Playwright's own downloaded browser)."""
    if configured:
        return configured
    env = os.environ.get("A11Y_AUDIT_CHROMIUM")
    if env:
        return env
    for path in SYSTEM_CHROMIUM_PATHS:
        if os.path.exists(path):
            return path
    return None


def launch_options(executable: Optional[str], resolver_rules: Optional[str] = None) -> dict[str, Any]:
    """Playwright launch options for a headless Chromium; *resolver_rules* (see
    :func:`crawler.addresses.resolver_rules`) keep it from connecting to refused hosts."""
    options: dict[str, Any] = {"headless": True, "args": list(CHROMIUM_ARGS)}
    if resolver_rules:
        options["args"].append(f"--host-resolver-rules={resolver_rules}")
    if executable:
        options["executable_path"] = executable
    return options


#: Sub-resources worth keeping for the next page of the same site.
CACHEABLE_TYPES = frozenset({"stylesheet", "script", "image", "font"})


class ResourceCache:
    """The HTTP cache that request routing costs Chromium, per browser context (one site).

    Routing every request (which scrapy-playwright does, and our address checks
    need) disables Chromium's own cache: without this, every page downloads the
    site's stylesheets, scripts, fonts and images again, which is slow and impolite.
    Keeps small responses that allow caching, least recently used first out.
    """

    def __init__(self, limit_bytes: int = 32 * 1024 * 1024, item_limit: int = 2 * 1024 * 1024) -> None:
        self.limit = limit_bytes
        self.item_limit = item_limit
        self.items: OrderedDict[str, tuple[int, dict[str, str], bytes]] = OrderedDict()
        self.size = 0

    def get(self, url: str) -> Optional[tuple[int, dict[str, str], bytes]]:
        item = self.items.get(url)
        if item is not None:
            self.items.move_to_end(url)
        return item

    def put(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        control = headers.get("cache-control", "").lower()
        if status != 200 or "no-store" in control or "private" in control or len(body) > self.item_limit:
            return
        self.items[url] = (status, headers, body)
        self.size += len(body)
        while self.size > self.limit and self.items:
            _, (_, _, old) = self.items.popitem(last=False)
            self.size -= len(old)


_CACHES: "weakref.WeakKeyDictionary[Any, ResourceCache]" = weakref.WeakKeyDictionary()


def _cache_for(context) -> ResourceCache:
    cache = _CACHES.get(context)
    if cache is None:
        cache = _CACHES[context] = ResourceCache()
    return cache


async def _serve_cached(route, pw_request, cache: ResourceCache) -> bool:
    """Answer a static sub-resource from the site's cache, filling it on a miss.

    The fetch does not follow redirects itself: a redirect goes back to the browser,
    whose next request passes through the address checks again.
    """
    hit = cache.get(pw_request.url)
    if hit is None:
        response = await route.fetch(max_redirects=0)
        body = await response.body()
        headers = response.headers
        cache.put(pw_request.url, response.status, headers, body)
        await route.fulfill(status=response.status, headers=headers, body=body)
        return True
    status, headers, body = hit
    await route.fulfill(status=status, headers=headers, body=body)
    return True


async def init_page(page, request) -> None:
    """scrapy-playwright page-init callback: serve the fetched document, guard sub-requests.

    Registered after scrapy-playwright's own route, so it runs first (Playwright
    calls routes in reverse order of registration); ``fallback()`` hands a request
    on to scrapy-playwright's handler.
    """
    # Not popped: scrapy-playwright retries a page whose browser went away, and calls us again.
    status, headers, body = request.meta[DOCUMENT_META]
    policy: AddressPolicy = request.meta["a11y_policy"]
    cache = _cache_for(page.context)
    served = False
    parsed = False

    def on_parsed(_page) -> None:
        nonlocal parsed
        parsed = True

    page.on("domcontentloaded", on_parsed)

    # Dialogs would block the page until answered; popups are closed at once.
    page.on("dialog", lambda dialog: asyncio.ensure_future(_dismiss(dialog)))
    page.on("popup", lambda popup: asyncio.ensure_future(popup.close()))

    async def handle(route, pw_request) -> None:
        nonlocal served
        try:
            main_frame_navigation = pw_request.is_navigation_request() and pw_request.frame.parent_frame is None
        except Exception:  # noqa: BLE001 - service-worker requests have no frame
            main_frame_navigation = False
        if main_frame_navigation:
            if not served:
                served = True
                await route.fulfill(status=status, headers=headers, body=body)
                return
            request.meta.setdefault("a11y_navigations", []).append(pw_request.url)
            if parsed:
                # The document is being audited: "no content" keeps it where it is.
                await route.fulfill(status=204, body=b"")
            else:
                # A redirect by script while the page is parsed (a browser would never show
                # the rest): a stub document ends the render at once; the spider treats the
                # page as a redirect.
                request.meta.setdefault(SCRIPT_REDIRECT_META, pw_request.url)
                await route.fulfill(status=200, content_type="text/html", body=SCRIPT_REDIRECT_STUB)
            return
        if pw_request.method not in ("GET", "HEAD"):
            await route.abort("blockedbyclient")
            return
        reason = await policy.refusal(pw_request.url)
        if reason:
            logger.debug("Blocked browser sub-request %s: %s", pw_request.url, reason)
            await route.abort("blockedbyclient")
            return
        if pw_request.method == "GET" and pw_request.resource_type in CACHEABLE_TYPES:
            try:
                if await _serve_cached(route, pw_request, cache):
                    return
            except Exception as exc:  # noqa: BLE001 - fall back to the ordinary path
                logger.debug("Cache fetch of %s failed: %s", pw_request.url, exc)
        await route.fallback()

    async def handle_websocket(ws) -> None:
        # WebSockets bypass page.route; unanswered, a routed socket never reaches a server.
        reason = await policy.refusal(ws.url)
        if reason:
            logger.debug("Blocked WebSocket %s: %s", ws.url, reason)
            await ws.close()
        else:
            ws.connect_to_server()

    await page.route("**", handle)
    await page.route_web_socket("**", handle_websocket)


async def _dismiss(dialog) -> None:
    try:
        await dialog.dismiss()
    except Exception:  # noqa: BLE001 - the page may be gone already
        pass


class PlaywrightSession(PageSession):
    """A Playwright page as engines see it, every call bounded by *timeout*."""

    def __init__(self, page, timeout: float) -> None:
        self.page = page
        self.timeout = timeout

    @property
    def url(self) -> str:
        return self.page.url

    async def evaluate(self, function: str, arg: Any = None) -> Any:
        return await asyncio.wait_for(self.page.evaluate(function, arg), self.timeout)

    async def inject(self, source: str) -> None:
        async def into(frame) -> None:
            try:
                await frame.evaluate(source)
            except Exception as exc:  # noqa: BLE001 - a detached or blocked frame is skipped
                if frame is self.page.main_frame:
                    raise
                logger.debug("Could not inject into frame %s: %s", frame.url, exc)

        await asyncio.wait_for(asyncio.gather(*(into(f) for f in self.page.frames)), self.timeout)

    async def press(self, key: str) -> None:
        await asyncio.wait_for(self.page.keyboard.press(key), self.timeout)

    async def viewport(self) -> tuple[int, int]:
        size = self.page.viewport_size or {"width": 1280, "height": 720}
        return size["width"], size["height"]

    async def set_viewport(self, width: int, height: int) -> None:
        await asyncio.wait_for(self.page.set_viewport_size({"width": width, "height": height}), self.timeout)

    async def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        return await self.page.screenshot(clip=clip, timeout=self.timeout * 1000, animations="disabled")
