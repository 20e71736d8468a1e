"""Undoing what a check changes in the page: viewport size and scroll position.

Checks that resize the viewport (reflow, resize text) or inject styles run
inside :func:`viewport_kept` / :func:`scroll_kept`, which restore the page even
when the check fails half-way.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from a11y_audit.audits.engines.base import PageSession

logger = logging.getLogger(__name__)

READ_SCROLL = "() => [window.scrollX, window.scrollY]"
WRITE_SCROLL = "([x, y]) => { window.scrollTo(x, y); return true; }"
#: Two animation frames (at most 150 ms): lets layout and resize handlers catch up.
NEXT_FRAME = """() => new Promise(resolve => { setTimeout(resolve, 150);
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))); })"""


@asynccontextmanager
async def scroll_kept(page: PageSession) -> AsyncIterator[None]:
    position = await page.evaluate(READ_SCROLL)
    try:
        yield
    finally:
        try:
            await page.evaluate(WRITE_SCROLL, position)
        except Exception as exc:  # noqa: BLE001 - a page that went away has nothing to restore
            logger.debug("Could not restore the scroll position of %s: %s", page.url, exc)


@asynccontextmanager
async def viewport_kept(page: PageSession) -> AsyncIterator[tuple[int, int]]:
    """Yields the viewport size, and restores it (and the scroll position) afterwards."""
    size = await page.viewport()
    async with scroll_kept(page):
        try:
            yield size
        finally:
            await page.set_viewport(*size)
            try:
                await page.evaluate(NEXT_FRAME)
            except Exception:  # noqa: BLE001 - restoring is best effort once the size is back
                pass


async def settle(page: PageSession, seconds: float) -> None:
    """Wait for scripts that react to a resize only once it has stopped (debounced handlers)."""
    await asyncio.sleep(seconds)
    await page.evaluate(NEXT_FRAME)
