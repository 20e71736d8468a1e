"""Page sessions over the browsers a test drives: Playwright's sync ``Page`` and a Selenium WebDriver.

Both run every browser call through a :class:`~a11y_audit.pytest_plugin.bridge.Marshal`,
that is on the test's own thread, while the engines await them on the plugin's
loop. Selenium reuses the crawler's :class:`~a11y_audit.crawler.selenium_browser.SeleniumSession`
(and axe through axe-selenium-python, as a Selenium crawl does); Playwright's
sync page gets a session of its own here, the sync twin of the crawler's
:class:`~a11y_audit.crawler.browser.PlaywrightSession`.
"""

from __future__ import annotations

from typing import Any, Optional

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.pytest_plugin.bridge import Marshal

#: A sync browser call cannot be abandoned, so a page script that never settles is
#: bounded inside the page: the promise races a timer. (Composed as a function
#: expression and compiled by Playwright, not by the page: a page's CSP does not apply.)
_BOUNDED = """async (arg) => {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('a11y-audit: page script timed out after %(ms)d ms')), %(ms)d);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => (%(function)s
    )(arg)), limit]);
  } finally {
    clearTimeout(timer);
  }
}"""


class SyncPlaywrightSession(PageSession):
    """A Playwright sync-API page as engines see it; every call runs on the test's thread."""

    def __init__(self, page: Any, marshal: Marshal, timeout: float) -> None:
        self.page = page
        self.marshal = marshal
        self.timeout = timeout
        self._url: str = page.url  # read here, on the test's thread

    @property
    def url(self) -> str:
        return self._url

    async def evaluate(self, function: str, arg: Any = None) -> Any:
        bounded = _BOUNDED % {"function": function, "ms": int(self.timeout * 1000)}
        return await self.marshal.call(self.page.evaluate, bounded, arg)

    async def inject(self, source: str) -> None:
        await self.marshal.call(_inject, self.page, source)

    async def press(self, key: str) -> None:
        await self.marshal.call(self.page.keyboard.press, key)

    async def viewport(self) -> tuple[int, int]:
        size = await self.marshal.call(lambda: self.page.viewport_size)
        if size is None:  # a context without a fixed viewport (no_viewport=True)
            width, height = await self.evaluate("() => [innerWidth, innerHeight]")
            return int(width), int(height)
        return int(size["width"]), int(size["height"])

    async def set_viewport(self, width: int, height: int) -> None:
        await self.marshal.call(self.page.set_viewport_size, {"width": width, "height": height})

    async def screenshot(self, clip: Optional[dict[str, float]] = None) -> bytes:
        return await self.marshal.call(
            lambda: self.page.screenshot(clip=clip, timeout=self.timeout * 1000, animations="disabled"))


def _inject(page: Any, source: str) -> None:
    for frame in page.frames:
        try:
            frame.evaluate(source)
        except Exception:  # noqa: BLE001 - a detached or blocked frame is skipped, as in a crawl
            if frame.parent_frame is None:
                raise


def browser_kind(target: Any) -> Optional[str]:
    """``"playwright"`` (sync page), ``"playwright-async"``, ``"selenium"``, or None."""
    module = type(target).__module__
    if module.startswith("playwright.sync_api") and hasattr(target, "main_frame"):
        return "playwright"
    if module.startswith("playwright.async_api") and hasattr(target, "main_frame"):
        return "playwright-async"
    try:
        from selenium.webdriver.remote.webdriver import WebDriver
    except ImportError:  # pragma: no cover - selenium is a dependency
        return None
    return "selenium" if isinstance(selenium_driver(target), WebDriver) else None


def selenium_driver(target: Any) -> Any:
    """The WebDriver itself, also behind Selenium's event-firing wrapper."""
    return getattr(target, "wrapped_driver", target)


def open_session(target: Any, marshal: Marshal, timeout: float) -> tuple[PageSession, str]:
    """A page session over *target* and its kind; read on the test's thread."""
    kind = browser_kind(target)
    if kind == "playwright":
        return SyncPlaywrightSession(target, marshal, timeout), kind
    if kind == "selenium":
        from a11y_audit.crawler.selenium_browser import SeleniumSession

        driver = selenium_driver(target)
        return SeleniumSession(driver, marshal, url=driver.current_url), kind  # type: ignore[arg-type]
    if kind == "playwright-async":
        raise TypeError("a11y: this is a page of Playwright's async API; from an async test use "
                        "`await a11y.assert_no_new_issues_async(page, …)`")
    raise TypeError(f"a11y: expected a Playwright page (sync API) or a Selenium WebDriver, "
                    f"got {type(target).__module__}.{type(target).__qualname__}")


def page_title(target: Any, kind: str) -> Optional[str]:
    """The document's title (on the test's thread)."""
    try:
        return (target.title() if kind == "playwright" else selenium_driver(target).title) or None
    except Exception:  # noqa: BLE001 - a title is nice to have in the report, never a reason to fail
        return None


def browser_info(target: Any, kind: str) -> dict[str, str]:
    """Browser name and version for the run record (on the test's thread)."""
    try:
        if kind == "playwright":
            browser = target.context.browser
            if browser is None:
                return {"name": "unknown", "version": "unknown", "driver": "playwright (pytest)"}
            return {"name": browser.browser_type.name, "version": browser.version, "driver": "playwright (pytest)"}
        caps = selenium_driver(target).capabilities
        return {"name": caps.get("browserName", "unknown"), "version": caps.get("browserVersion", "unknown"),
                "driver": "selenium (pytest)"}
    except Exception:  # noqa: BLE001 - versions are recorded when the browser tells them
        return {"name": "unknown", "version": "unknown", "driver": f"{kind} (pytest)"}
