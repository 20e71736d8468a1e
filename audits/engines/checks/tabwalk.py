"""The Tab walk shared by the keyboard checks: real Tab presses from the top of the page.

One walk per page, whichever keyboard engine asks first (the result is kept per
session), so focus visible, keyboard trap and keyboard reach cost one walk.

At each stop (at most :data:`MAX_STOPS`, within :data:`TIME_BUDGET` seconds):

* the focused element is identified (through open shadow roots and same-origin
  frames);
* its look focused and unfocused is compared: the computed style of the
  element, its ``::before``/``::after``, its ancestors, siblings and first
  descendants (outline, shadow, border, background, colour, decoration, size,
  position, classes). It is unfocused with ``blur()`` and focused again with
  ``focus()``; CSS transitions are finished first. Text fields are skipped:
  their caret shows focus;
* when no style differs, the element's box (plus 8 px for outlines) is
  screenshotted unfocused and focused and the PNGs compared.

The walk ends when focus passes through the document again (the whole page was
walked), when an element comes round again without that (a cycle: a possible
trap), or at the cap. A cycle is confirmed as a trap only when other focusable
elements exist, it is not a modal dialog's own focus loop, Shift+Tab does not
leave it, and neither does Escape followed by Tab.

Afterwards focus is released (``blur()``), the scroll position restored and the
walk's state removed from the page. Key presses cannot be taken back: a page
whose scripts react to Tab or Escape (a menu that opens) stays that way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import page_state

logger = logging.getLogger(__name__)

MAX_STOPS = 40
TIME_BUDGET = 8.0
#: Pixels around the element's box included in the screenshots (outlines are drawn outside it).
CLIP_MARGIN = 8
MAX_UNREACHED = 10


@dataclass
class Stop:
    index: int
    key: str
    kind: str  # "element" or "frame"
    element: dict
    text_entry: bool = False
    in_dialog: bool = False
    #: Did the computed style change with focus? None: not compared.
    style_changed: Optional[bool] = None
    #: Did the pixels of the box change? None: not compared (or could not be).
    pixels_changed: Optional[bool] = None
    pixel_error: str = ""


@dataclass
class Walk:
    stops: list[Stop] = field(default_factory=list)
    tabbable: int = 0
    #: Focus passed through the document again: every stop of the page was walked.
    complete: bool = False
    #: Keys of the stops of a cycle that never passed through the document.
    cycle: list[str] = field(default_factory=list)
    #: A confirmed trap: {"container": element, "names": [...], "others": n, "stops": n}.
    trap: Optional[dict] = None
    #: Why a cycle was not called a trap ("shift+tab leaves", "escape releases", "modal dialog", "nothing else").
    trap_cleared: str = ""
    #: Elements with click behaviour that the keyboard cannot reach.
    unreached: list[dict] = field(default_factory=list)
    cut_short: str = ""
    elapsed_ms: int = 0

    def facts(self) -> dict[str, Any]:
        return {"stops": len(self.stops), "tabbable": self.tabbable, "complete": self.complete,
                "cut_short": self.cut_short or None, "cycle": len(self.cycle), "walk_ms": self.elapsed_ms}


async def tab_walk(page: PageSession) -> Walk:
    """The page's Tab walk: made on the first call for *page*, shared by later ones."""
    state = page_state(page)
    if state.walk is None:
        state.walk = asyncio.ensure_future(TabWalker(page).run())
    return await asyncio.shield(state.walk)


class TabWalker:
    def __init__(self, page: PageSession, max_stops: int = MAX_STOPS, budget: float = TIME_BUDGET) -> None:
        self.page = page
        self.max_stops = max_stops
        self.budget = budget
        self.script = js.function("walk")

    async def call(self, op: str, **arg: Any) -> Any:
        return await self.page.evaluate(self.script, {"op": op, **arg})

    async def run(self) -> Walk:
        started = time.monotonic()
        walk = Walk()
        start = await self.call("start")
        walk.tabbable = int(start.get("tabbable", 0))
        try:
            await self._walk(walk, started)
            if walk.cycle:
                await self._confirm_trap(walk)
        finally:
            try:
                end = await self.call("end", reach=True, max=MAX_UNREACHED)
                walk.unreached = end.get("unreached", [])
            except Exception as exc:  # noqa: BLE001 - cleanup of a page that went away
                logger.debug("Tab walk cleanup failed on %s: %s", self.page.url, exc)
        walk.elapsed_ms = int((time.monotonic() - started) * 1000)
        return walk

    async def _walk(self, walk: Walk, started: float) -> None:
        seen: dict[str, int] = {}
        frame_stops = 0
        for index in range(self.max_stops):
            if time.monotonic() - started > self.budget:
                walk.cut_short = "time"
                return
            await self.page.press("Tab")
            info = await self.call("step", compare=True)
            if info["kind"] == "document":
                if walk.stops:
                    walk.complete = True
                    return
                continue  # no element takes focus, or focus started outside the page
            if info["kind"] == "frame":
                # Inside a frame we cannot look into: every stop is new (no false cycles).
                frame_stops += 1
                key = f"frame{info['id']}.{frame_stops}"
            else:
                key = f"el{info['id']}"
            if key in seen:
                walk.cycle = [stop.key for stop in walk.stops[seen[key]:]]
                return
            stop = Stop(index=index, key=key, kind=info["kind"],
                        element={k: info.get(k) for k in ("selector", "html", "ancestry")},
                        text_entry=bool(info.get("textEntry")), in_dialog=bool(info.get("dialog")),
                        style_changed=info.get("styleChanged"))
            seen[key] = len(walk.stops)
            walk.stops.append(stop)
            if stop.style_changed is False and info.get("rect"):
                await self._compare_pixels(stop, info)
        walk.cut_short = "stops"

    async def _compare_pixels(self, stop: Stop, info: dict) -> None:
        rect, (vw, vh) = info["rect"], info["viewport"]
        x0, y0 = max(0.0, rect["x"] - CLIP_MARGIN), max(0.0, rect["y"] - CLIP_MARGIN)
        x1 = min(float(vw), rect["x"] + rect["width"] + CLIP_MARGIN)
        y1 = min(float(vh), rect["y"] + rect["height"] + CLIP_MARGIN)
        if x1 - x0 < 2 or y1 - y0 < 2:
            stop.pixel_error = "the element is not in the viewport"
            return
        clip = {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
        element_id = info["id"]
        try:
            focused = await self.page.screenshot(clip)
            if not await self.call("blur", id=element_id):
                stop.pixel_error = "focus could not be taken away"
                return
            try:
                unfocused = await self.page.screenshot(clip)
            finally:
                await self.call("refocus", id=element_id)
        except NotImplementedError as exc:
            stop.pixel_error = str(exc) or "screenshots of a region are not available"
            return
        stop.pixels_changed = focused != unfocused

    async def _confirm_trap(self, walk: Walk) -> None:
        ids = [int(key[2:]) for key in walk.cycle if key.startswith("el")]
        about = await self.call("cycle", ids=ids)
        if about["others"] == 0:
            walk.trap_cleared = "nothing else to reach"
            return
        if about["dialog"]:
            walk.trap_cleared = "modal dialog"
            return
        cycle = set(walk.cycle)
        tries = len(cycle) + 2
        for key in ("Shift+Tab", None):
            if key is None:
                await self.page.press("Escape")
            for _ in range(tries):
                await self.page.press(key or "Tab")
                info = await self.call("step", compare=False)
                if info["kind"] == "document" or f"el{info['id']}" not in cycle:
                    walk.trap_cleared = "Shift+Tab leaves" if key else "Escape releases"
                    return
        walk.trap = {"container": about["container"], "names": about["names"], "others": about["others"],
                     "stops": len(cycle)}
