"""Element screenshots: a cropped picture of one offending element per grouped issue.

In: a live page (:class:`~audits.engines.base.PageSession`) after the engines
ran, its :class:`~audits.model.PageResult`, and the run's
:class:`ScreenshotLedger`. Out: ``result.screenshots``, pictures of violations
whose grouped issue (fingerprint) has no picture on that site in the run yet:
the first page that shows an issue supplies its picture.

For each one the element is scrolled into view, outlined (a 3 px red frame with
a white edge, 3 px outside its box, drawn by an element of ours over the page
and removed afterwards), the viewport clipped around it with some margin, and
the PNG shrunk with Pillow to :data:`MAX_WIDTH` × :data:`MAX_HEIGHT` and
:data:`MAX_BYTES` (PNG or lossy WebP, whichever is smaller). The page's scroll
position is restored at the end.

Not pictured: needs-review findings; page-level findings (``html``, ``body``,
elements in ``head``); elements that are not rendered, hidden, smaller than 2
px or outside the page (moved off screen); elements inside frames (``|>``: their
boxes are in the frame's coordinates); elements in closed shadow roots. Open
shadow roots (``>>>``) are entered. An element covered by another (a sticky
header, a modal dialog) is pictured as it shows, with the outline on top unless
the cover is in the browser's top layer.

Bounded: at most :data:`PER_PAGE` pictures and :data:`ATTEMPTS_PER_PAGE`
elements tried per page, :data:`PER_SITE` pictures per site and run, every page
call within :data:`CALL_TIMEOUT` seconds and all of them within
:data:`TIME_BUDGET`. A page that does not answer ends the capture on that page.
Nothing here fails a page: a failure only means no picture.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections import Counter, defaultdict
from typing import Optional

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.model import VIOLATION, ElementScreenshot, Finding, PageResult, impact_rank

logger = logging.getLogger(__name__)

#: Largest picture stored, in pixels and bytes.
MAX_WIDTH, MAX_HEIGHT = 800, 500
MAX_BYTES = 150_000
#: Pictures taken on one page at most, and elements tried (hidden ones cost one call each).
PER_PAGE = 10
ATTEMPTS_PER_PAGE = 30
#: Pictures per site and run at most (a site full of page-specific issues must not fill the store).
PER_SITE = 200
#: Pages an issue's element may fail to be pictured on (hidden, off screen) before it is no longer tried.
ATTEMPTS_PER_ISSUE = 3
#: Seconds one page call may take, all calls on one page together, and removing an outline.
CALL_TIMEOUT = 5.0
CLEANUP_TIMEOUT = 2.0
TIME_BUDGET = 10.0
#: CSS pixels around the outlined element, and the smallest clip (context for tiny elements).
PADDING = 24
MIN_CLIP = (240, 120)
#: Quality of lossy WebP, first try then the fallbacks before scaling down.
WEBP_QUALITIES = (80, 65, 50)
MEDIA_TYPES = ("image/png", "image/webp")

#: Selectors of findings about the page as a whole: nothing to outline.
_PAGE_LEVEL = {"", "html", ":root", "body", "head", "document"}

#: In-page script: op "mark" finds arg.selector (entering open shadow roots), scrolls it
#: into view, outlines it and returns the clip around it, or {skip: reason}; "clear"
#: removes the outline; "done" removes it and restores the scroll position.
CAPTURE_JS = """
async (arg) => {
  const KEY = '__a11yAuditShot', TAG = 'a11y-audit-outline', BORDER = 3, OFFSET = 3;
  const clear = () => document.querySelectorAll(TAG).forEach((el) => el.remove());
  const frame = () => new Promise((resolve) => {
    setTimeout(resolve, 150);
    requestAnimationFrame(() => requestAnimationFrame(resolve));
  });
  if (arg.op === 'clear') { clear(); return true; }
  if (arg.op === 'done') {
    clear();
    const saved = window[KEY];
    if (saved) { window.scrollTo({ left: saved[0], top: saved[1], behavior: 'instant' }); delete window[KEY]; }
    return true;
  }
  if (!window[KEY]) window[KEY] = [window.scrollX, window.scrollY];
  clear();
  let el = null;
  try {
    let root = document;
    const parts = arg.selector.split(' >>> ');
    for (let i = 0; i < parts.length; i++) {
      el = root.querySelector(parts[i]);
      if (!el) return { skip: 'not found' };
      if (i < parts.length - 1) {
        root = el.shadowRoot;
        if (!root) return { skip: 'closed shadow root' };
      }
    }
  } catch (e) { return { skip: 'selector not understood' }; }
  const head = document.head;
  if (el === document.documentElement || el === document.body || (head && head.contains(el))) return { skip: 'page-level' };
  if (!el.getClientRects || el.getClientRects().length === 0) return { skip: 'not rendered' };
  if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return { skip: 'hidden' };
  let r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return { skip: 'too small' };
  const vw = Math.min(window.innerWidth, document.documentElement.clientWidth || window.innerWidth);
  const vh = window.innerHeight;
  el.scrollIntoView({ block: r.height > vh * 0.8 ? 'start' : 'center',
                      inline: r.width > vw * 0.8 ? 'start' : 'center', behavior: 'instant' });
  await frame();
  r = el.getBoundingClientRect();
  if (r.right <= 0 || r.bottom <= 0 || r.left >= vw || r.top >= vh) return { skip: 'outside the page' };
  const box = document.createElement(TAG);
  const set = (name, value) => box.style.setProperty(name, value, 'important');
  set('all', 'initial');
  const edge = BORDER + OFFSET;
  for (const [name, value] of [
    ['position', 'fixed'], ['display', 'block'], ['box-sizing', 'border-box'],
    ['left', (r.left - edge) + 'px'], ['top', (r.top - edge) + 'px'],
    ['width', (r.width + 2 * edge) + 'px'], ['height', (r.height + 2 * edge) + 'px'],
    ['border', BORDER + 'px solid #d0021b'], ['box-shadow', '0 0 0 2px #fff, inset 0 0 0 2px #fff'],
    ['background', 'transparent'], ['margin', '0'], ['padding', '0'], ['pointer-events', 'none'],
    ['z-index', '2147483647'], ['visibility', 'visible'], ['opacity', '1'],
  ]) set(name, value);
  document.documentElement.appendChild(box);
  await frame();
  const pad = arg.padding + edge;
  let x0 = r.left - pad, x1 = r.right + pad, y0 = r.top - pad, y1 = r.bottom + pad;
  if (x1 - x0 < arg.minWidth) { const c = (x0 + x1) / 2; x0 = c - arg.minWidth / 2; x1 = c + arg.minWidth / 2; }
  if (y1 - y0 < arg.minHeight) { const c = (y0 + y1) / 2; y0 = c - arg.minHeight / 2; y1 = c + arg.minHeight / 2; }
  x0 = Math.max(0, Math.floor(x0)); y0 = Math.max(0, Math.floor(y0));
  x1 = Math.min(vw, Math.ceil(x1)); y1 = Math.min(vh, Math.ceil(y1));
  if (x1 - x0 < 2 || y1 - y0 < 2) { clear(); return { skip: 'outside the page' }; }
  return { clip: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } };
}
"""


class ScreenshotLedger:
    """Which grouped issues already have a picture in this run, per site, and which
    failed too often to try again. One per run, kept by the crawler; it is only read
    and changed between awaits, so concurrent pages never picture one issue twice."""

    def __init__(self, per_site: int = PER_SITE, attempts: int = ATTEMPTS_PER_ISSUE) -> None:
        self.per_site = per_site
        self.attempts = attempts
        #: (organisation, site URL) → fingerprints pictured or being pictured.
        self.taken: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.failures: Counter[tuple[str, str, str]] = Counter()

    def wanted(self, site: tuple[str, str], finding: Finding) -> bool:
        return (
            finding.fingerprint not in self.taken[site]
            and self.failures[(*site, finding.fingerprint)] < self.attempts
            and len(self.taken[site]) < self.per_site
        )

    def claim(self, site: tuple[str, str], fingerprint: str) -> None:
        self.taken[site].add(fingerprint)

    def release(self, site: tuple[str, str], fingerprint: str) -> None:
        """No picture after all: another page may supply it (a few times at most)."""
        self.taken[site].discard(fingerprint)
        self.failures[(*site, fingerprint)] += 1


def candidates(result: PageResult) -> list[Finding]:
    """The page's violations that can be pictured, one per fingerprint, most severe first."""
    seen: set[str] = set()
    chosen = []
    for finding in sorted(result.findings, key=lambda f: impact_rank(f.impact)):
        selector = finding.selector.strip()
        if finding.outcome != VIOLATION or finding.fingerprint in seen:
            continue
        if selector.lower() in _PAGE_LEVEL or " |> " in selector:
            continue  # about the whole page, or inside a frame (not pictured)
        seen.add(finding.fingerprint)
        chosen.append(finding)
    return chosen


async def capture_screenshots(session: PageSession, result: PageResult, ledger: ScreenshotLedger) -> int:
    """Picture the elements of *result*'s violations not yet pictured on its site;
    append them to ``result.screenshots``. Returns how many; never raises."""
    site = (result.organisation_id, result.site_url)
    started = time.monotonic()
    deadline = started + TIME_BUDGET
    taken = tried = 0
    marked = False
    try:
        for finding in candidates(result):
            if taken >= PER_PAGE or tried >= ATTEMPTS_PER_PAGE or time.monotonic() >= deadline:
                break
            if not ledger.wanted(site, finding):
                continue
            ledger.claim(site, finding.fingerprint)
            tried += 1
            marked = True
            try:
                shot = await _capture(session, finding, result.url, deadline)
            except Exception as exc:  # noqa: BLE001 - no picture, never a failed page
                ledger.release(site, finding.fingerprint)
                logger.info("No screenshot of %s on %s: %s", finding.selector, result.url, _reason(exc))
                if isinstance(exc, (asyncio.TimeoutError, NotImplementedError)):
                    break  # the page does not answer (or cannot clip): stop here
                continue
            if shot is None:
                ledger.release(site, finding.fingerprint)
                continue
            result.screenshots.append(shot)
            taken += 1
    finally:
        if marked:
            try:
                await asyncio.wait_for(session.evaluate(CAPTURE_JS, {"op": "done"}), CALL_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - the page keeps our outline or scroll position
                logger.debug("Could not clean up after screenshots on %s: %s", result.url, _reason(exc))
            logger.debug("Screenshots on %s: %d of %d tried in %d ms", result.url, taken, tried,
                         (time.monotonic() - started) * 1000)
    return taken


async def _capture(session: PageSession, finding: Finding, page_url: str, deadline: float) -> Optional[ElementScreenshot]:
    def within() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise asyncio.TimeoutError()
        return min(CALL_TIMEOUT, left)

    mark = await asyncio.wait_for(session.evaluate(CAPTURE_JS, {
        "op": "mark", "selector": finding.selector, "padding": PADDING,
        "minWidth": MIN_CLIP[0], "minHeight": MIN_CLIP[1],
    }), within())
    if not isinstance(mark, dict) or "clip" not in mark:
        logger.debug("No screenshot of %s on %s: %s", finding.selector, page_url, (mark or {}).get("skip"))
        return None
    try:
        png = await asyncio.wait_for(session.screenshot(mark["clip"]), within())
    finally:
        await asyncio.wait_for(session.evaluate(CAPTURE_JS, {"op": "clear"}), CLEANUP_TIMEOUT)
    shrunk = await asyncio.wait_for(asyncio.to_thread(shrink, png), within())
    if shrunk is None:
        return None
    data, media_type, width, height = shrunk
    return ElementScreenshot(fingerprint=finding.fingerprint, page_url=page_url, media_type=media_type,
                             width=width, height=height, data=data)


def shrink(image: bytes, max_width: int = MAX_WIDTH, max_height: int = MAX_HEIGHT,
           max_bytes: int = MAX_BYTES) -> Optional[tuple[bytes, str, int, int]]:
    """*image* (any format Pillow reads) scaled to fit *max_width* × *max_height* and encoded
    in at most *max_bytes*: (data, media type, width, height), or None if it cannot be."""
    from PIL import Image  # only needed when pictures are taken

    with Image.open(io.BytesIO(image)) as opened:
        picture = opened.convert("RGB")
    picture.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
    while True:
        encoded = _encode(picture, max_bytes)
        if encoded is not None:
            data, media_type = encoded
            return data, media_type, picture.width, picture.height
        if picture.width < 64 or picture.height < 32:
            return None
        smaller = (max(1, int(picture.width * 0.75)), max(1, int(picture.height * 0.75)))
        picture = picture.resize(smaller, Image.Resampling.LANCZOS)


def _encode(picture, max_bytes: int) -> Optional[tuple[bytes, str]]:
    """The smaller of PNG and WebP, trying lower WebP qualities until it fits."""
    png = io.BytesIO()
    picture.save(png, format="PNG")
    for quality in WEBP_QUALITIES:
        webp = io.BytesIO()
        picture.save(webp, format="WEBP", quality=quality, method=4)
        best = min((png.getvalue(), "image/png"), (webp.getvalue(), "image/webp"), key=lambda c: len(c[0]))
        if len(best[0]) <= max_bytes:
            return best
    return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "timed out"
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else exc.__class__.__name__
