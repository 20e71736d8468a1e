"""One test session's audits: engines, the loop they run on, and the run they are stored in.

A test session that audits is one *run* in the store (``a11y-audit report`` and
``a11y-audit baseline update --run N`` read it like a crawl's). Each audited page
belongs to an organisation and a site: with ``--a11y-config``, those of the
configured site it is on; otherwise one organisation per host and port, with the
id ``a11y-audit check URL`` would give it, so one baseline file serves both. The
run is created at the first audit, and marked finished (or interrupted) when the
session ends; a session that never audits touches no store.

A page audited twice in a session (two tests, or two states of one page) is
stored twice: from the second time on its URL carries a fragment
(``#a11y-state-2``), which baseline patterns ignore.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from a11y_audit.audits.engines import Engine, PageSession, get_engine
from a11y_audit.audits.model import EngineResult, PageResult, Standard
from a11y_audit.pytest_plugin.bridge import LoopThread
from a11y_audit.pytest_plugin.options import Settings

logger = logging.getLogger(__name__)

#: Kept around the engines: the element that had focus and the scroll position, so that a
#: test can go on after an audit (the keyboard checks move focus with Tab and Escape).
_KEEP = """() => {
  window.__a11yAuditKept = {el: document.activeElement, x: window.scrollX, y: window.scrollY};
  return true;
}"""
_RESTORE = """() => {
  const kept = window.__a11yAuditKept;
  delete window.__a11yAuditKept;
  if (!kept) return false;
  const el = kept.el;
  if (el && el.isConnected && el !== document.body && typeof el.focus === 'function') {
    el.focus({preventScroll: true});
  } else if (document.activeElement && typeof document.activeElement.blur === 'function') {
    document.activeElement.blur();
  }
  window.scrollTo(kept.x, kept.y);
  return true;
}"""


async def run_engines(session: PageSession, engines: list[Engine], standard: Standard) -> list[EngineResult]:
    """Every engine on the page in turn; an engine that throws is that engine's error, not the audit's."""
    results = []
    for engine in engines:
        try:
            results.append(await engine.audit(session, standard))
        except Exception as exc:  # noqa: BLE001 - one engine failing must not lose the others
            text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else exc.__class__.__name__
            results.append(EngineResult(engine=engine.name, version=engine.version, error=text))
    return results


class Recorder:
    """The session's audits and their run; created lazily by the ``a11y`` fixture."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = LoopThread()
        self.writer: Any = None  # a11y_audit.store.RunWriter once the first page is stored
        self.run_id: Optional[int] = None
        self.started_at = datetime.now(timezone.utc)
        self.engine_versions: dict[str, str] = {}
        self.browser: dict[str, str] = {}
        self.pages = 0
        self.failed_assertions = 0
        self.baselines_used: set[Path] = set()
        self._engines: dict[tuple[str, str], Engine] = {}
        self._stored: dict[tuple[str, str, str], int] = {}
        self._ledger: Any = None

    # -- engines ---------------------------------------------------------------------------

    def engines(self, names: tuple[str, ...], kind: str) -> list[Engine]:
        """Engine instances by name, made once per session (axe through axe-selenium-python on Selenium)."""
        chosen = []
        for name in names:
            key = (name, "selenium" if kind == "selenium" else "")
            if key not in self._engines:
                engine = get_engine(name)
                if kind == "selenium":
                    from a11y_audit.audits.engines.axe import AxeEngine
                    from a11y_audit.crawler.selenium_browser import SeleniumAxe

                    if type(engine) is AxeEngine:
                        engine = SeleniumAxe(engine.script_path, engine.max_nodes)
                self._engines[key] = engine
            chosen.append(self._engines[key])
        return chosen

    # -- one audit -------------------------------------------------------------------------

    async def audit(self, session: PageSession, page: PageResult, engines: list[Engine], standard: Standard) -> PageResult:
        """Run *engines* on *session* into *page*, keeping focus and scroll, then picture
        offending elements (when storing). Runs on whichever loop drives *session*."""
        started = time.monotonic()
        kept = await _quietly(session.evaluate(_KEEP))
        try:
            page.engines = await run_engines(session, engines, standard)
        finally:
            if kept:
                await _quietly(session.evaluate(_RESTORE))
        page.findings = [f for e in page.engines for f in e.findings]
        page.audit_ms = int((time.monotonic() - started) * 1000)
        failed = [f"{e.engine} failed: {e.error}" for e in page.engines if e.error]
        page.error = "; ".join(failed) or None
        if self.settings.screenshots and page.findings:
            from a11y_audit.audits.screenshots import ScreenshotLedger, capture_screenshots

            if self._ledger is None:
                self._ledger = ScreenshotLedger()
            await capture_screenshots(session, page, self._ledger)
        return page

    # -- the store -------------------------------------------------------------------------

    async def store(self, page: PageResult, org_name: str, standard: Standard) -> Optional[str]:
        """Save *page* in the session's run (created on first use); the URL it is stored under.
        Runs on the plugin's own loop, to which the store's async engine is bound."""
        self.engine_versions.update({e.engine: e.version for e in page.engines if not e.error})
        if self.settings.db is None:
            return None
        from a11y_audit.config.defaults import TOOL_VERSION
        from a11y_audit.store import RunWriter, ensure_schema

        if self.writer is None:
            ensure_schema(self.settings.db)
            self.writer = RunWriter.from_url(self.settings.db)
            self.run_id = await self.writer.start_run(config=self._snapshot(), tool_version=TOOL_VERSION,
                                                      organisations=[])
            logger.info("a11y: run %s started in %s", self.run_id, self.settings.db)
        await self.writer.add_site(page.organisation_id, org_name, page.site_url,
                                   {"wcag": standard.wcag, "level": standard.level, "source": "pytest"})
        key = (page.organisation_id, page.site_url, page.url)
        while True:
            seen = self._stored.get(key, 0)
            self._stored[key] = seen + 1
            url = page.url if not seen else f"{page.url}{'&' if '#' in page.url else '#'}a11y-state-{seen + 1}"
            if await self.writer.save_page(replace(page, url=url)):
                break
        await self.writer.record_versions(self.engine_versions, self.browser)
        return url

    def _snapshot(self) -> dict[str, Any]:
        """What the run was made with (the store's ``runs.config``)."""
        s = self.settings
        snapshot: dict[str, Any] = {"source": "pytest", "rootdir": str(s.rootdir), "engines": list(s.engines),
                                    "fail_on": s.fail_on}
        if s.wcag or s.level:
            snapshot["standard"] = {"wcag": s.wcag, "level": s.level}
        if s.run_config is not None:
            snapshot["config"] = s.run_config.source
        return snapshot

    def finish(self, status: str) -> None:
        """End the session's run (finished, interrupted) and stop the loop."""
        try:
            if self.writer is not None:
                self.loop.run(self._finish(status))
        finally:
            self.loop.stop()

    async def _finish(self, status: str) -> None:
        await self.writer.record_versions(self.engine_versions, self.browser)
        await self.writer.finish_run(status)
        await self.writer.close()


async def _quietly(awaitable: Any) -> Any:
    try:
        return await awaitable
    except Exception as exc:  # noqa: BLE001 - keeping focus is a courtesy; the engines report real trouble
        logger.debug("a11y: %s", exc)
        return None
