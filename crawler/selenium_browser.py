"""The Selenium rendering engine: local ChromeDriver or a remote WebDriver (Selenium Grid).

Selenium is blocking, so every driver call runs in a thread of our own and is
bounded by the page timeout; Scrapy's event loop never waits on it. A pool
holds one driver per page rendered at once. A driver that crashed or hung is
abandoned (quit in the background) and replaced; its page is recorded as an
error.

axe-core runs through axe-selenium-python's ``Axe`` class, but with the same
current axe-core script and options the Playwright path injects (never the 2018
copy that package bundles), injected into every frame as well. Its full result
is reduced with the same rules, so both engines produce the same findings.

Unlike the Playwright path, the browser fetches each page itself (a second GET of
the HTML), and its sub-requests cannot be intercepted: private addresses are kept
out by Chromium's resolver rules only (docs/security.md).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import os
import threading
from typing import Any, AsyncIterator, Callable, Optional

from a11y_audit.audits.engines.axe import AxeEngine, reduce_axe_results
from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.model import EngineResult, Standard
from a11y_audit.config.defaults import CHROMIUM_ARGS

logger = logging.getLogger(__name__)

#: Errors after which a driver is not trusted again.
_DEAD_DRIVER = ("invalid session id", "chrome not reachable", "disconnected", "session deleted",
                "no such window", "target window already closed", "tab crashed", "unable to receive message")

_EVALUATE = """
const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (%s)(arguments[0]))
  .then(value => done({value: value === undefined ? null : value}), error => done({error: String(error)}));
"""


def driver_factory(
    webdriver_url: Optional[str],
    browser_name: str,
    executable: Optional[str],
    user_agent: str,
    page_timeout: float,
    resolver_rules: Optional[str] = None,
) -> Callable[[], Any]:
    """A function that starts one WebDriver session as configured."""
    from selenium import webdriver

    def start():
        if browser_name == "firefox":
            options = webdriver.FirefoxOptions()
            options.add_argument("-headless")
            options.set_preference("general.useragent.override", user_agent)
        else:
            options = webdriver.ChromeOptions()
            if executable:
                options.binary_location = executable
            for arg in (*CHROMIUM_ARGS, "--headless=new", f"--user-agent={user_agent}", "--window-size=1280,720"):
                options.add_argument(arg)
            if resolver_rules:
                options.add_argument(f"--host-resolver-rules={resolver_rules}")
        options.set_capability("unhandledPromptBehavior", "dismiss")
        options.page_load_strategy = "normal"
        if webdriver_url:
            driver = webdriver.Remote(command_executor=webdriver_url, options=options)
        elif browser_name == "firefox":
            driver = webdriver.Firefox(options=options)
        else:
            from selenium.webdriver.chrome.service import Service

            system = "/usr/bin/chromedriver"
            driver = webdriver.Chrome(options=options, service=Service(system) if os.path.exists(system) else Service())
        driver.set_page_load_timeout(page_timeout)
        driver.set_script_timeout(page_timeout)
        return driver

    return start


def browser_info(driver, webdriver_url: Optional[str]) -> dict[str, str]:
    caps = driver.capabilities
    driver_version = (caps.get("chrome") or {}).get("chromedriverVersion", "") or caps.get("moz:geckodriverVersion", "")
    return {
        "name": caps.get("browserName", "unknown"),
        "version": caps.get("browserVersion", "unknown"),
        "driver": "selenium " + ("remote " + webdriver_url if webdriver_url else "local"),
        "driver_version": driver_version.split(" ")[0],
    }


class DriverPool:
    """Up to *size* WebDriver sessions, each used by one page at a time."""

    #: Starting a session may wait in a Grid's queue for a free browser slot.
    START_TIMEOUT = 180.0

    def __init__(self, factory: Callable[[], Any], size: int, call_timeout: float) -> None:
        self.factory = factory
        self.size = size
        self.call_timeout = call_timeout
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=size * 2 + 2, thread_name_prefix="selenium")
        self.idle: list[Any] = []
        self.slots = asyncio.Semaphore(size)
        self.lock = threading.Lock()
        self.all: set[int] = set()

    async def call(self, func: Callable[..., Any], *args: Any, timeout: Optional[float] = None) -> Any:
        """Run a blocking driver call in our threads, bounded by the call timeout."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self.executor, func, *args), timeout or self.call_timeout)

    @contextlib.asynccontextmanager
    async def driver(self) -> AsyncIterator[Any]:
        await self.slots.acquire()
        driver = None
        healthy = False
        try:
            driver = self.idle.pop() if self.idle else await self.call(self.factory, timeout=self.START_TIMEOUT)
            healthy = True
            yield driver
        except BaseException as exc:
            healthy = driver is not None and not is_dead_driver(exc)
            raise
        finally:
            if driver is not None:
                if healthy:
                    self.idle.append(driver)
                else:
                    logger.warning("Replacing a WebDriver session that crashed or hung")
                    self.executor.submit(_quit, driver)
            self.slots.release()

    def close(self) -> None:
        for driver in self.idle:
            _quit(driver)
        self.idle.clear()
        self.executor.shutdown(wait=False, cancel_futures=True)


def is_dead_driver(exc: BaseException) -> bool:
    """Is a driver that raised *exc* beyond further use?"""
    if isinstance(exc, (asyncio.TimeoutError, concurrent.futures.TimeoutError)):
        return True  # a hung call leaves the session in an unknown state
    text = str(exc).lower()
    return any(marker in text for marker in _DEAD_DRIVER)


def _quit(driver) -> None:
    try:
        driver.quit()
    except Exception:  # noqa: BLE001 - it is being thrown away
        pass


class SeleniumSession(PageSession):
    """A WebDriver session as engines see it; every call runs in the pool's threads.

    *pool* is anything with the :meth:`DriverPool.call` coroutine (the pytest plugin
    passes one that runs the calls on the test's thread); *url* is the page the
    driver shows already, if it is not to :meth:`load` one.
    """

    def __init__(self, driver, pool: DriverPool, url: str = "") -> None:
        self.driver = driver
        self.pool = pool
        self._url = url

    @property
    def url(self) -> str:
        return self._url

    async def load(self, url: str) -> None:
        await self.pool.call(self.driver.get, url)
        self._url = await self.pool.call(lambda: self.driver.current_url)

    async def evaluate(self, function: str, arg: Any = None) -> Any:
        result = await self.pool.call(self.driver.execute_async_script, _EVALUATE % function, arg)
        if result and "error" in result:
            raise RuntimeError(result["error"])
        return (result or {}).get("value")

    async def inject(self, source: str) -> None:
        await self.pool.call(inject_everywhere, self.driver, source)

    async def press(self, key: str) -> None:
        await self.pool.call(_press, self.driver, key)

    async def viewport(self) -> tuple[int, int]:
        width, height = await self.pool.call(self.driver.execute_script, "return [innerWidth, innerHeight]")
        return int(width), int(height)

    async def set_viewport(self, width: int, height: int) -> None:
        def resize() -> None:
            outer = self.driver.get_window_size()
            inner = self.driver.execute_script("return [innerWidth, innerHeight]")
            self.driver.set_window_size(width + outer["width"] - inner[0], height + outer["height"] - inner[1])

        await self.pool.call(resize)

    async def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        if clip is None:
            return await self.pool.call(self.driver.get_screenshot_as_png)
        return await self.pool.call(_clipped_screenshot, self.driver, clip)


def _clipped_screenshot(driver, clip: dict[str, float]) -> bytes:
    """WebDriver shoots the whole viewport; crop it to *clip* (CSS px, scaled to device pixels)."""
    import io

    from PIL import Image  # Pillow comes with pikepdf

    ratio = float(driver.execute_script("return window.devicePixelRatio") or 1)
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    box = (int(clip["x"] * ratio), int(clip["y"] * ratio),
           int((clip["x"] + clip["width"]) * ratio), int((clip["y"] + clip["height"]) * ratio))
    out = io.BytesIO()
    image.crop(box).save(out, format="PNG")
    return out.getvalue()


def inject_everywhere(driver, source: str, depth: int = 0, frames_only: bool = False) -> None:
    """Run *source* in the current document (unless *frames_only*) and, recursively, in its frames."""
    from selenium.webdriver.common.by import By

    if not frames_only:
        driver.execute_script(source)
    if depth > 3:
        return
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe, frame"):
        try:
            driver.switch_to.frame(frame)
            inject_everywhere(driver, source, depth + 1)
        except Exception as exc:  # noqa: BLE001 - a frame that went away is skipped
            logger.debug("Could not inject into a frame: %s", exc)
        finally:
            driver.switch_to.parent_frame()


def _press(driver, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    *modifiers, name = key.split("+")
    chain = ActionChains(driver)
    names = {"Shift": Keys.SHIFT, "Control": Keys.CONTROL, "Alt": Keys.ALT}
    for modifier in modifiers:
        chain = chain.key_down(names[modifier])
    chain = chain.send_keys(getattr(Keys, name.upper(), name))
    for modifier in reversed(modifiers):
        chain = chain.key_up(names[modifier])
    chain.perform()


class SeleniumAxe(AxeEngine):
    """axe-core through axe-selenium-python's ``Axe``, with our current script and options."""

    async def audit(self, page: PageSession, standard: Standard) -> EngineResult:
        if not isinstance(page, SeleniumSession):
            return await super().audit(page, standard)
        options = json.dumps(self.options(standard))  # JSON, not Python repr (False would break)
        max_nodes = self.max_nodes

        def run() -> dict:
            from axe_selenium_python import Axe

            axe = Axe(page.driver, script_url=str(self.script_path))
            axe.inject()
            inject_everywhere(page.driver, self.source, frames_only=True)  # Axe.inject() skips frames
            page.driver.execute_script("axe.configure({allowedOrigins: ['<unsafe_all_origins>']})")
            return reduce_axe_results(axe.run(options=options), max_nodes)

        return self.parse(await page.pool.call(run))

