"""The ceiling: raw async Playwright + the crawler's axe-core script and options, K pages
at once in one browser, over a given URL list. No crawling, no storage.

    python -m bench.ceiling URLS_FILE K
prints one JSON line: {"pages", "seconds", "k"}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from a11y_audit.audits.engines.axe import MAX_NODES_PER_RULE, RUN_AXE, AxeEngine
from a11y_audit.audits.model import Standard
from a11y_audit.crawler.browser import find_chromium, launch_options


async def run(urls: list[str], k: int) -> dict:
    from playwright.async_api import async_playwright

    engine = AxeEngine()
    options = engine.options(Standard())
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    done = 0

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options(find_chromium()))
        context = await browser.new_context()

        async def worker() -> None:
            nonlocal done
            while not queue.empty():
                url = queue.get_nowait()
                page = await context.new_page()
                try:
                    await page.goto(url, wait_until="load")
                    for frame in page.frames:
                        await frame.evaluate(engine.source)
                    await page.evaluate(RUN_AXE, {"options": options, "maxNodes": MAX_NODES_PER_RULE})
                    await page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)")
                    done += 1
                finally:
                    await page.close()

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(k)))
        seconds = time.monotonic() - started
        await browser.close()
    return {"pages": done, "seconds": seconds, "k": k}


if __name__ == "__main__":
    url_list = open(sys.argv[1]).read().split()
    print(json.dumps(asyncio.run(run(url_list, int(sys.argv[2])))))
