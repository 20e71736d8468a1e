"""The ``a11y`` fixture's object: audit the page a test has open, and gate on it.

::

    def test_checkout(page, a11y):
        page.goto("http://localhost:8000/checkout")
        a11y.assert_no_new_issues(page, baseline="a11y-baseline.json", fail_on="serious")

The verdict is ``a11y-audit check``'s (:func:`a11y_audit.gate.verdict.decide`):
the same fingerprints, baseline file, impact threshold, rules to ignore, expiry
dates and engine-change rule, applied to the one page audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

from a11y_audit.audits.model import OrganisationResults, PageResult, RunRecord, SiteRecord, Standard
from a11y_audit.config.defaults import TOOL_VERSION
from a11y_audit.gate.baseline import Baseline, load_baseline
from a11y_audit.gate.verdict import Policy, Verdict, decide
from a11y_audit.pytest_plugin.bridge import Marshal
from a11y_audit.pytest_plugin.message import failure_message
from a11y_audit.pytest_plugin.sessions import browser_info, open_session, page_title

if TYPE_CHECKING:
    from a11y_audit.pytest_plugin.recorder import Recorder

PathLike = Union[str, Path]


class A11yAssertionError(AssertionError):
    """New accessibility issues at or above the threshold (or an audit that could not run whole)."""


@dataclass
class Audit:
    """One audited page: its result, where it is stored, and the organisation it belongs to."""

    page: PageResult
    organisation_name: str
    standard: Standard
    stored_as: Optional[str] = None
    engines: dict[str, str] = field(default_factory=dict)


class A11y:
    """The ``a11y`` fixture: one per test, sharing the session's engines and run."""

    def __init__(self, recorder: "Recorder") -> None:
        self.recorder = recorder
        self.audits: list[Audit] = []

    # -- auditing ----------------------------------------------------------------------------

    def audit(self, target: Any, *, engines: Optional[Iterable[str]] = None) -> Audit:
        """Run the engines on the page *target* shows now (a Playwright sync ``Page`` or a
        Selenium WebDriver) and store the result in the session's run."""
        __tracebackhide__ = True
        recorder = self.recorder
        settings = recorder.settings
        marshal = Marshal(call_timeout=settings.page_timeout + 5)
        session, kind = open_session(target, marshal, settings.page_timeout)
        title = page_title(target, kind)
        if not recorder.browser:
            recorder.browser = browser_info(target, kind)
        chosen = recorder.engines(self._engine_names(engines), kind)
        org_id, org_name, site_url, standard = settings.site_for(session.url)
        page = PageResult(url=session.url, site_url=site_url, organisation_id=org_id, final_url=session.url,
                          title=title)

        async def audit_and_store() -> Audit:
            await recorder.audit(session, page, chosen, standard)
            stored = await recorder.store(page, org_name, standard)
            return Audit(page, org_name, standard, stored, {e.engine: e.version for e in page.engines})

        result = recorder.loop.run(audit_and_store(), marshal)
        recorder.pages += 1
        self.audits.append(result)
        return result

    async def audit_async(self, page: Any, *, engines: Optional[Iterable[str]] = None) -> Audit:
        """:meth:`audit` for a page of Playwright's async API, from an async test."""
        import asyncio

        from a11y_audit.crawler.browser import PlaywrightSession

        recorder = self.recorder
        settings = recorder.settings
        session = PlaywrightSession(page, settings.page_timeout)
        if not recorder.browser:
            browser = page.context.browser
            recorder.browser = {"name": browser.browser_type.name if browser else "unknown",
                                "version": browser.version if browser else "unknown",
                                "driver": "playwright async (pytest)"}
        chosen = recorder.engines(self._engine_names(engines), "playwright-async")
        org_id, org_name, site_url, standard = settings.site_for(page.url)
        result = PageResult(url=page.url, site_url=site_url, organisation_id=org_id, final_url=page.url,
                            title=await page.title() or None)
        await recorder.audit(session, result, chosen, standard)  # on the test's loop, which drives the page
        # The store's engine belongs to the plugin's loop.
        stored = await asyncio.wrap_future(recorder.loop.submit(recorder.store(result, org_name, standard)))
        audit = Audit(result, org_name, standard, stored, {e.engine: e.version for e in result.engines})
        recorder.pages += 1
        self.audits.append(audit)
        return audit

    def _engine_names(self, engines: Optional[Iterable[str]]) -> tuple[str, ...]:
        if engines is None:
            return self.recorder.settings.engines
        from a11y_audit.audits.engines import REGISTRY

        names = tuple(engines)
        unknown = [name for name in names if name not in REGISTRY]
        if unknown or not names:
            raise ValueError(f"a11y: unknown engine {', '.join(map(repr, unknown)) or '(none given)'}; "
                             f"known: {', '.join(sorted(REGISTRY))}")
        return names

    # -- gating --------------------------------------------------------------------------------

    def check(self, target: Any, *, baseline: Optional[PathLike] = None, fail_on: Optional[str] = None,
              ignore_rules: Iterable[str] = (), max_new: Optional[int] = None,
              strict_engine: Optional[bool] = None, engines: Optional[Iterable[str]] = None,
              today: Optional[date] = None) -> Verdict:
        """Audit *target* and judge it against the baseline, as ``a11y-audit check`` would; never raises
        for what it finds (see :meth:`assert_no_new_issues`)."""
        __tracebackhide__ = True
        policy, baseline_data = self._policy(baseline, fail_on, ignore_rules, max_new, strict_engine)
        return self._verdict(self.audit(target, engines=engines), policy, baseline_data, today)

    def assert_no_new_issues(self, target: Any, *, baseline: Optional[PathLike] = None,
                             fail_on: Optional[str] = None, ignore_rules: Iterable[str] = (),
                             max_new: Optional[int] = None, strict_engine: Optional[bool] = None,
                             engines: Optional[Iterable[str]] = None, today: Optional[date] = None) -> Verdict:
        """Audit *target*; fail the test on new issues at or above *fail_on* that the baseline does not
        accept, or when an engine could not run. The message names each issue's rule, impact,
        element and how to fix it. Returns the verdict when the page passes."""
        __tracebackhide__ = True
        policy, baseline_data = self._policy(baseline, fail_on, ignore_rules, max_new, strict_engine)
        audit = self.audit(target, engines=engines)
        return self._judge(audit, policy, baseline_data, baseline, today)

    async def assert_no_new_issues_async(self, page: Any, *, baseline: Optional[PathLike] = None,
                                         fail_on: Optional[str] = None, ignore_rules: Iterable[str] = (),
                                         max_new: Optional[int] = None, strict_engine: Optional[bool] = None,
                                         engines: Optional[Iterable[str]] = None,
                                         today: Optional[date] = None) -> Verdict:
        """:meth:`assert_no_new_issues` for a page of Playwright's async API, from an async test."""
        __tracebackhide__ = True
        policy, baseline_data = self._policy(baseline, fail_on, ignore_rules, max_new, strict_engine)
        audit = await self.audit_async(page, engines=engines)
        return self._judge(audit, policy, baseline_data, baseline, today)

    def _judge(self, audit: Audit, policy: Policy, baseline_data: Baseline, baseline: Optional[PathLike],
               today: Optional[date]) -> Verdict:
        __tracebackhide__ = True
        verdict = self._verdict(audit, policy, baseline_data, today)
        if not verdict.passed or audit.page.error:
            self.recorder.failed_assertions += 1
            path = self._baseline_path(baseline)
            raise A11yAssertionError(failure_message(verdict, audit, path, self.recorder.run_id,
                                                     self.recorder.settings.db))
        return verdict

    def _baseline_path(self, baseline: Optional[PathLike]) -> Optional[Path]:
        if baseline is not None:
            path = Path(baseline).expanduser()
            return path if path.is_absolute() else self.recorder.settings.rootdir / path
        return self.recorder.settings.baseline

    def _policy(self, baseline: Optional[PathLike], fail_on: Optional[str], ignore_rules: Iterable[str],
                max_new: Optional[int], strict_engine: Optional[bool]) -> tuple[Policy, Baseline]:
        settings = self.recorder.settings
        if isinstance(ignore_rules, str):
            ignore_rules = (ignore_rules,)
        try:
            policy = Policy(
                fail_on=fail_on or settings.fail_on,
                ignore_rules=settings.ignore_rules | frozenset(ignore_rules),
                max_new=settings.max_new if max_new is None else max_new,
                strict_engine=settings.strict_engine if strict_engine is None else strict_engine,
            )
        except ValueError as exc:
            raise ValueError(f"a11y: fail_on={fail_on!r}: {exc}") from None
        path = self._baseline_path(baseline)
        if path is None:
            return policy, Baseline()
        self.recorder.baselines_used.add(path)
        return policy, load_baseline(path)  # a missing file is an empty baseline, as in `check`

    def _verdict(self, audit: Audit, policy: Policy, baseline: Baseline, today: Optional[date]) -> Verdict:
        page = audit.page
        run = RunRecord(id=self.recorder.run_id or 0, started_at=self.recorder.started_at, finished_at=None,
                        status="running", tool_version=TOOL_VERSION, engines=audit.engines,
                        browser=dict(self.recorder.browser), config={})
        results = OrganisationResults(id=page.organisation_id, name=audit.organisation_name, run=run,
                                      sites=[SiteRecord(url=page.site_url, settings={}, pages=[page])],
                                      standard=audit.standard)
        verdict = decide(run.id, [results], baseline, policy, today)
        # One page is not the whole site: an entry it does not show is not "fixed".
        verdict.fixed = []
        return verdict
