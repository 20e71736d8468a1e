"""The pytest plugin without a browser: what it costs a suite that does not use it, its
settings and their errors, the organisation ids it shares with ``a11y-audit check``, its
message, and the bridge that runs engines while the test's thread drives the browser."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date

import pytest

from a11y_audit.cli.gate import config_from_urls
from a11y_audit.gate.baseline import Baseline, Entry
from a11y_audit.gate.verdict import Policy, decide
from a11y_audit.pytest_plugin.bridge import AuditOver, LoopThread, Marshal
from a11y_audit.pytest_plugin.fixture import Audit
from a11y_audit.pytest_plugin.message import clean, failure_message
from a11y_audit.pytest_plugin.options import organisation_for
from tests.unit.gate_builders import finding, org

pytest_plugins = ["pytester"]


# -- a suite that does not use the fixture -------------------------------------------------


def test_a_suite_that_does_not_audit_loads_nothing_and_stores_nothing(pytester):
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    pytester.makepyfile(test_plain="""
        import sys

        def test_nothing_of_a11y_audit_is_loaded(pytestconfig):
            assert pytestconfig.pluginmanager.has_plugin("a11y_audit")
            loaded = sorted(m for m in sys.modules if m.startswith("a11y_audit"))
            assert loaded == ["a11y_audit", "a11y_audit.pytest_plugin", "a11y_audit.pytest_plugin.options"]
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert not [line for line in result.outlines if "a11y-audit" in line and "plugins:" not in line]  # no summary
    assert not list(pytester.path.rglob("*.db"))


def test_the_options_are_in_pytest_help(pytester):
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["accessibility audit (a11y-audit):", "*--a11y-db=A11Y_DB*", "*--a11y-engines=*",
                                 "*--a11y-wcag=*", "*--a11y-baseline=*", "*--a11y-fail-on=*", "*a11y_db (string):*"])


@pytest.mark.parametrize("args, ini, message", [
    (["--a11y-engines", "axe,colour"], "",
     "ERROR: a11y: --a11y-engines: unknown engine 'colour'; known: axe, focus-visible, *"),
    ([], "a11y_fail_on = severe", "ERROR: a11y: ini a11y_fail_on: 'severe' is not an impact (critical, serious, *"),
    ([], "a11y_wcag = 3.0", "ERROR: a11y: ini a11y_wcag: '3.0' is not a WCAG version (2.0, 2.1 or 2.2)"),
    (["--a11y-page-timeout", "0"], "", "ERROR: a11y: --a11y-page-timeout: 0.0 is not a number of seconds above 0"),
    (["--a11y-config", "missing.yaml"], "", "ERROR: a11y: --a11y-config: */missing.yaml: cannot read config file: *"),
])
def test_a_wrong_setting_is_a_usage_error_naming_it(pytester, args, ini, message):
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


# -- settings --------------------------------------------------------------------------------


def _settings(pytester, *args: str):
    from a11y_audit.pytest_plugin.options import resolve

    return resolve(pytester.parseconfigure(*args))


def test_defaults_are_those_of_a11y_audit_check(pytester):
    from a11y_audit.config.defaults import RUN_DEFAULTS

    settings = _settings(pytester)
    assert settings.engines == tuple(RUN_DEFAULTS["engines"])
    assert (settings.fail_on, settings.max_new, settings.ignore_rules, settings.baseline) == ("serious", 0, frozenset(), None)
    assert settings.db == f"sqlite:///{pytester.path / 'a11y-audit.db'}"
    assert settings.screenshots is True


def test_command_line_wins_over_ini_and_relative_paths_have_their_bases(pytester, monkeypatch):
    pytester.makeini("[pytest]\na11y_engines = axe\na11y_fail_on = minor\na11y_db = sqlite:///results/a11y.db\n"
                     "a11y_baseline = ci/a11y-baseline.json\na11y_ignore_rules =\n    region\n    target-size\n")
    settings = _settings(pytester, "--a11y-fail-on", "critical", "--a11y-ignore-rule", "label")
    assert settings.engines == ("axe",)
    assert settings.fail_on == "critical"
    assert settings.ignore_rules == {"label"}  # the command line replaces the ini list
    assert settings.db == f"sqlite:///{pytester.path / 'results' / 'a11y.db'}"
    assert settings.baseline == pytester.path / "ci" / "a11y-baseline.json"
    assert _settings(pytester, "--a11y-db", "none").db is None
    assert _settings(pytester, "--a11y-db", "none").screenshots is False


def test_a_config_file_names_the_organisation_and_standard_of_its_sites(pytester):
    pytester.makefile(".yaml", a11y="""
        crawl:
          engines: [axe, reflow]
          wcag: "2.1"
        organisations:
          - id: shop
            name: Corner Shop
            sites:
              - url: http://127.0.0.1:8000/
              - url: http://127.0.0.1:8000/admin/
                level: A
    """)
    settings = _settings(pytester, "--a11y-config", "a11y.yaml")
    assert settings.engines == ("axe", "reflow")
    org_id, name, site, standard = settings.site_for("http://127.0.0.1:8000/basket?step=2")
    assert (org_id, name, site, str(standard)) == ("shop", "Corner Shop", "http://127.0.0.1:8000/", "WCAG 2.1 AA")
    assert str(settings.site_for("http://127.0.0.1:8000/admin/users")[3]) == "WCAG 2.1 A"
    # A page of another origin: one organisation per host and port, as `check URL` does.
    assert settings.site_for("http://localhost:9000/")[:3] == ("localhost-9000", "localhost:9000", "http://localhost:9000/")
    assert _settings(pytester, "--a11y-config", "a11y.yaml", "--a11y-wcag", "2.2").site_for(
        "http://127.0.0.1:8000/")[3].wcag == "2.2"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/checkout", "https://Shop.Example/", "http://[::1]:8080/a"])
def test_organisation_ids_are_those_of_a11y_audit_check_urls(url):
    [organisation] = config_from_urls((url,), {}).organisations
    assert organisation_for(url) == organisation.id


# -- the message ------------------------------------------------------------------------------


def test_the_message_neutralises_terminal_escapes_from_the_page():
    hostile = finding("fp1", selector="#x\x1b[2J", html='<img alt="\x1b]0;owned\x07">', help="Images\x1b[31m")
    results = org("127.0.0.1-8000", {"http://127.0.0.1:8000/": [hostile]})
    verdict = decide(1, [results], Baseline(), Policy())
    audit = Audit(results.pages[0], "127.0.0.1:8000", results.standard)
    text = failure_message(verdict, audit, None, None, None)
    assert "\x1b" not in text and "\x07" not in text
    assert "   element: #x\ufffd[2J" in text.splitlines()
    assert clean("a\tb\nc\x00") == "a\tb\nc\ufffd"  # tabs and newlines are harmless


def test_the_message_says_when_a_baseline_entry_expired(tmp_path):
    results = org("shop", {"/": [finding("fp1")]})
    entry = Entry(organisation="shop", fingerprint="fp1", engine="axe", rule="image-alt", impact="critical",
                  page_pattern="/*", selector="#el-fp1", snippet="", expires=date(2026, 1, 1))
    verdict = decide(1, [results], Baseline(entries=[entry]), Policy(), today=date(2026, 2, 1))
    text = failure_message(verdict, Audit(results.pages[0], "shop", results.standard), tmp_path / "b.json", 3,
                           "sqlite:///x.db")
    lines = text.splitlines()
    assert lines[0] == "a11y: 1 new accessibility issue at or above 'serious' on https://shop.example/"
    assert lines[1] == f"(WCAG 2.2 AA; baseline {tmp_path / 'b.json'}: 0 accepted)"
    assert "   note:    its baseline entry expired on 2026-01-01" in lines
    assert lines[-1].startswith("Stored as None in run 3 of sqlite:///x.db")


# -- the bridge ---------------------------------------------------------------------------------


def test_browser_calls_run_on_the_test_thread_while_the_engine_awaits_them():
    loop = LoopThread()
    marshal = Marshal(call_timeout=5)
    test_thread = threading.get_ident()

    async def engine() -> list:
        seen = [await marshal.call(threading.get_ident)]
        await asyncio.sleep(0.01)  # engines need a running loop (timeouts, sleeps, tasks)
        seen.append(await marshal.call(lambda a, b: a + b, 2, 3))
        try:
            await marshal.call(lambda: 1 / 0)
        except ZeroDivisionError:
            seen.append("error handed to the engine")
        return seen

    try:
        assert loop.run(engine(), marshal) == [test_thread, 5, "error handed to the engine"]
    finally:
        loop.stop()


def test_a_call_after_the_audit_ended_is_refused_and_a_slow_one_times_out():
    loop = LoopThread()
    marshal = Marshal(call_timeout=0.2)
    left_behind: list = []

    async def engine() -> str:
        try:
            await marshal.call(time.sleep, 1)  # the test's thread is busy; the engine gives up waiting
        except asyncio.TimeoutError:
            return "timed out"
        return "answered"

    try:
        assert loop.run(engine(), marshal) == "timed out"

        async def late() -> None:
            try:
                await marshal.call(int)
            except AuditOver as exc:
                left_behind.append(str(exc))

        loop.submit(late()).result(timeout=5)
        assert left_behind == ["the audit is over"]
    finally:
        loop.stop()
