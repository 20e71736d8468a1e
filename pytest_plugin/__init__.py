"""a11y-audit's pytest plugin: the ``a11y`` fixture audits the page a test has open.

Registered through the ``pytest11`` entry point, so installing a11y-audit makes it
available in every pytest run (``-p no:a11y_audit`` turns it off). Until a test
uses the fixture it costs nothing: this module imports only pytest, and the
options are read, the engines loaded and the store opened at the first audit.

::

    def test_checkout(page, a11y):                     # pytest-playwright's page
        page.goto("http://localhost:8000/checkout")
        a11y.assert_no_new_issues(page, baseline="a11y-baseline.json", fail_on="serious")

    def test_login(driver, a11y):                      # a Selenium WebDriver
        driver.get("http://localhost:8000/login")
        a11y.assert_no_new_issues(driver)

Options and ini keys: :mod:`~a11y_audit.pytest_plugin.options`; the fixture's
methods: :class:`~a11y_audit.pytest_plugin.fixture.A11y`; how async engines meet a
sync page: :mod:`~a11y_audit.pytest_plugin.bridge`; what is stored:
:mod:`~a11y_audit.pytest_plugin.recorder`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Optional

import pytest

from a11y_audit.pytest_plugin.options import add_options, any_given

if TYPE_CHECKING:
    from a11y_audit.pytest_plugin.fixture import A11y
    from a11y_audit.pytest_plugin.options import Settings
    from a11y_audit.pytest_plugin.recorder import Recorder

_RECORDER = pytest.StashKey["Optional[Recorder]"]()
_SETTINGS = pytest.StashKey["Settings"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Check the settings at once when any is given (a mistake is then a usage error
    before the first test); with none given there is nothing to check, and nothing is loaded."""
    if any_given(config):
        config.stash[_SETTINGS] = _resolve(config)


def _resolve(config: pytest.Config) -> "Settings":
    from a11y_audit.pytest_plugin.options import SettingsError, resolve

    try:
        return resolve(config)
    except SettingsError as exc:
        raise pytest.UsageError(f"a11y: {exc}") from None


def _recorder(config: pytest.Config) -> "Recorder":
    """The session's recorder, made at the first use of the fixture."""
    recorder = config.stash.get(_RECORDER, None)
    if recorder is None:
        from a11y_audit.pytest_plugin.recorder import Recorder

        settings = config.stash.get(_SETTINGS, None) or _resolve(config)
        recorder = config.stash[_RECORDER] = Recorder(settings)
    return recorder


@pytest.fixture
def a11y(request: pytest.FixtureRequest) -> Iterator["A11y"]:
    """Audit the page a test has open with a11y-audit's engines and gate on it like
    ``a11y-audit check``: ``a11y.assert_no_new_issues(page_or_driver, baseline=…, fail_on=…)``."""
    from a11y_audit.pytest_plugin.fixture import A11y

    yield A11y(_recorder(request.config))


def pytest_sessionfinish(session: pytest.Session, exitstatus: Any) -> None:
    recorder = session.config.stash.get(_RECORDER, None)
    if recorder is not None:
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        recorder.finish("interrupted" if interrupted else "finished")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: Any, config: pytest.Config) -> None:
    recorder = config.stash.get(_RECORDER, None)
    if recorder is None or not recorder.pages:
        return
    settings = recorder.settings
    write = terminalreporter.write_line
    terminalreporter.section("a11y-audit")
    if recorder.run_id is None:
        write(f"{recorder.pages} page(s) audited; nothing stored (--a11y-db {settings.db or 'none'})")
        return
    db = settings.db
    write(f"{recorder.pages} page(s) audited, stored as run {recorder.run_id} in {db}")
    write(f"report: a11y-audit report --db {db} --run {recorder.run_id} --out a11y-report")
    for path in sorted(recorder.baselines_used):
        write(f"accept what this session found: a11y-audit baseline update --db {db} --run {recorder.run_id} "
              f"--baseline {path}")
