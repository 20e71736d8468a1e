"""The plugin's settings: pytest command-line options and ini keys, resolved once.

Every setting has a command-line option (``--a11y-db``) and an ini key
(``a11y_db``, in ``pytest.ini``, ``pyproject.toml``'s ``[tool.pytest.ini_options]``
…). Precedence, most specific first: the arguments of one call
(``a11y.assert_no_new_issues(page, fail_on=…)``) > the command line > the ini
file > the ``--a11y-config`` file (engines, standard, organisation, store) >
the tool's defaults (:mod:`a11y_audit.config.defaults`, the same as
``a11y-audit check``).

Relative paths: on the command line, from the folder pytest was started in;
in the ini file, from the ini file's folder; in a test's code (``baseline=…``),
from pytest's rootdir. A relative ``sqlite:///`` URL follows the same rules.

Registering the options costs nothing. Settings that are given are checked when
pytest starts (a mistake is a usage error naming the option); otherwise nothing
is read or loaded until a test first uses the ``a11y`` fixture.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import pytest

if TYPE_CHECKING:
    from a11y_audit.audits.model import Standard
    from a11y_audit.config.loader import RunConfig

IMPACTS = ("critical", "serious", "moderate", "minor")
#: ``--a11y-db none``: audit and gate, store nothing.
NO_STORE = "none"
DEFAULT_DB_FILE = "a11y-audit.db"

#: name → (help, argparse keywords, ini type). The ini key is ``a11y_<name>``.
OPTIONS: dict[str, tuple[str, dict[str, Any], str]] = {
    "db": ("Store URL for the session's results, for `a11y-audit report` "
           f"(default: sqlite:///<rootdir>/{DEFAULT_DB_FILE}; '{NO_STORE}': store nothing).", {}, "string"),
    "config": ("An a11y-audit config file: engines, standard, organisation ids and store as for "
               "`a11y-audit check --config`.", {}, "string"),
    "engines": ("Engines to run, comma-separated (default: those of `a11y-audit check`).", {}, "string"),
    "wcag": ("WCAG version audited against (default 2.2).", {"choices": ("2.0", "2.1", "2.2")}, "string"),
    "level": ("WCAG conformance level (default AA).", {"choices": ("A", "AA")}, "string"),
    "baseline": ("Baseline file for calls that name none (missing file: everything found is new).", {}, "string"),
    "fail_on": ("Fail on new issues of this impact or worse (default serious).", {"choices": IMPACTS}, "string"),
    "ignore_rules": ("A rule id never to fail on (repeatable; ini: one per line).", {"action": "append"},
                     "linelist"),
    "max_new": ("New issues at or above --a11y-fail-on that are still allowed (default 0).", {"type": int},
                "string"),
    "strict_engine": ("Fail on new findings even when the engine version changed since the baseline.",
                      {"action": "store_true", "default": None}, "bool"),
    "organisation": ("Organisation id the pages belong to, as in the baseline (default: from the host and "
                     "port, as `a11y-audit check URL` does).", {}, "string"),
    "page_timeout": ("Seconds one browser call of the audit may take (default 30).", {"type": float}, "string"),
    "screenshots": ("Picture offending elements for the reports (default: yes when storing).",
                    {"choices": ("yes", "no")}, "string"),
}


def add_options(parser: pytest.Parser) -> None:
    """Register every option and ini key (pytest_addoption)."""
    group = parser.getgroup("a11y", "accessibility audit (a11y-audit)")
    for name, (help_text, kwargs, ini_type) in OPTIONS.items():
        flag = "--a11y-" + name.replace("_", "-")
        if name == "ignore_rules":
            flag = "--a11y-ignore-rule"
        group.addoption(flag, dest=f"a11y_{name}", help=help_text, **kwargs)
        parser.addini(f"a11y_{name}", help=help_text, type=ini_type)  # type: ignore[arg-type]


def any_given(config: pytest.Config) -> bool:
    """Is any of the plugin's options or ini keys set?"""
    for name in OPTIONS:
        if config.getoption(f"a11y_{name}") not in (None, []):
            return True
        if config.getini(f"a11y_{name}") not in ("", [], None, False):
            return True
    return False


@dataclass(frozen=True)
class Settings:
    """What one test session audits with, resolved from options, ini and config file."""

    rootdir: Path
    db: Optional[str]
    engines: tuple[str, ...]
    wcag: Optional[str]
    level: Optional[str]
    baseline: Optional[Path]
    fail_on: str
    ignore_rules: frozenset[str]
    max_new: int
    strict_engine: bool
    organisation: Optional[str]
    page_timeout: float
    screenshots: bool
    run_config: Optional["RunConfig"] = None

    def site_for(self, url: str) -> tuple[str, str, str, "Standard"]:
        """(organisation id, organisation name, site URL, standard) of a page at *url*.

        With a config file, the organisation and standard of the configured site
        the page belongs to (same origin, longest URL prefix); otherwise one
        organisation per host and port, named as ``a11y-audit check URL`` names it.
        """
        from urllib.parse import urlsplit

        from a11y_audit.audits.model import Standard

        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        org_id, org_name, site_url = organisation_for(url), parts.netloc or url, origin + "/"
        wcag, level = "2.2", "AA"
        if self.run_config is not None:
            matches = [(org, site) for org in self.run_config.organisations for site in org.sites
                       if _origin(site.url) == origin.lower()]
            if matches:
                org, site = max(matches, key=lambda m: (url.startswith(m[1].url), len(m[1].url)))
                org_id, org_name, site_url, wcag, level = org.id, org.name, site.url, site.wcag, site.level
        if self.organisation:
            org_id = org_name = self.organisation
        return org_id, org_name, site_url, Standard(self.wcag or wcag, self.level or level)


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def organisation_for(url: str) -> str:
    """The organisation id ``a11y-audit check URL`` gives a page's host and port
    (:func:`a11y_audit.cli.gate.config_from_urls`), so that one baseline file serves both."""
    import re
    from urllib.parse import urlsplit

    netloc = urlsplit(url).netloc.lower()
    return re.sub(r"[^a-z0-9._-]+", "-", netloc.replace(":", "-")).strip("-") or "site"


class SettingsError(Exception):
    """A setting of the plugin is wrong; the message names the option or ini key."""


def resolve(config: pytest.Config) -> Settings:
    """Read and check every setting; raises :class:`SettingsError` with one line."""
    from a11y_audit.audits.engines import REGISTRY
    from a11y_audit.config.defaults import CRAWL_DEFAULTS, RUN_DEFAULTS
    from a11y_audit.config.errors import ConfigError
    from a11y_audit.config.loader import load_config

    rootdir = Path(config.rootpath)
    ini_dir = Path(config.inipath).parent if config.inipath else rootdir
    cli_dir = Path(config.invocation_params.dir)

    def get(name: str) -> tuple[Any, Optional[Path], str]:
        """(value, folder relative paths start from, where it came from) of one setting."""
        value = config.getoption(f"a11y_{name}")
        if value not in (None, []):
            flag = "--a11y-ignore-rule" if name == "ignore_rules" else "--a11y-" + name.replace("_", "-")
            return value, cli_dir, flag
        value = config.getini(f"a11y_{name}")
        if value not in ("", [], None) and not (name == "strict_engine" and value is False):
            return value, ini_dir, f"ini a11y_{name}"
        return None, None, ""

    run_config = None
    value, base, where = get("config")
    if value:
        try:
            run_config = load_config(_path(value, base))
        except ConfigError as exc:
            raise SettingsError(f"{where}: {exc}") from None

    value, base, where = get("db")
    if value is None:
        db: Optional[str] = run_config.db if run_config is not None and _explicit_db(run_config) else \
            f"sqlite:///{rootdir / DEFAULT_DB_FILE}"
    elif str(value).strip().lower() == NO_STORE:
        db = None
    else:
        db = _sqlite_from(str(value).strip(), base)

    value, base, where = get("engines")
    if value is None:
        engines = tuple(run_config.engines) if run_config is not None else tuple(RUN_DEFAULTS["engines"])  # type: ignore[arg-type]
    else:
        engines = tuple(name.strip() for name in str(value).replace("\n", ",").split(",") if name.strip())
        unknown = [name for name in engines if name not in REGISTRY]
        if unknown or not engines:
            raise SettingsError(f"{where}: unknown engine {', '.join(map(repr, unknown)) or '(none given)'}; "
                                f"known: {', '.join(sorted(REGISTRY))}")

    wcag, _, where = get("wcag")
    if wcag is not None and str(wcag) not in ("2.0", "2.1", "2.2"):
        raise SettingsError(f"{where}: {wcag!r} is not a WCAG version (2.0, 2.1 or 2.2)")
    level, _, where = get("level")
    if level is not None and str(level) not in ("A", "AA"):
        raise SettingsError(f"{where}: {level!r} is not a conformance level (A or AA)")

    value, base, _ = get("baseline")
    baseline = _path(value, base) if value else None

    fail_on, _, where = get("fail_on")
    fail_on = str(fail_on or "serious")
    if fail_on not in IMPACTS:
        raise SettingsError(f"{where}: {fail_on!r} is not an impact ({', '.join(IMPACTS)})")

    value, _, _ = get("ignore_rules")
    ignore_rules = frozenset(rule.strip() for rule in (value or []) if rule.strip())

    value, _, where = get("max_new")
    try:
        max_new = int(value) if value is not None else 0
        if max_new < 0:
            raise ValueError
    except ValueError:
        raise SettingsError(f"{where}: {value!r} is not a whole number of 0 or more") from None

    value, _, _ = get("strict_engine")
    strict_engine = bool(value)

    value, _, _ = get("organisation")
    organisation = str(value).strip() or None if value else None

    value, _, where = get("page_timeout")
    try:
        page_timeout = float(value) if value is not None else float(CRAWL_DEFAULTS["page_timeout"])  # type: ignore[arg-type]
        if page_timeout <= 0:
            raise ValueError
    except ValueError:
        raise SettingsError(f"{where}: {value!r} is not a number of seconds above 0") from None

    value, _, where = get("screenshots")
    if value is not None and str(value).lower() not in ("yes", "no", "true", "false", "1", "0"):
        raise SettingsError(f"{where}: {value!r} is not yes or no")
    screenshots = db is not None and (value is None or str(value).lower() in ("yes", "true", "1"))
    if run_config is not None and value is None:
        screenshots = screenshots and run_config.screenshots

    return Settings(
        rootdir=rootdir, db=db, engines=engines, wcag=str(wcag) if wcag else None,
        level=str(level) if level else None, baseline=baseline, fail_on=fail_on, ignore_rules=ignore_rules,
        max_new=max_new, strict_engine=strict_engine, organisation=organisation, page_timeout=page_timeout,
        screenshots=screenshots, run_config=run_config,
    )


def _path(value: Any, base: Optional[Path]) -> Path:
    path = Path(os.path.expanduser(str(value)))
    return path if path.is_absolute() or base is None else base / path


def _sqlite_from(url: str, base: Optional[Path]) -> str:
    """A relative ``sqlite:///file.db`` made absolute from *base*; other URLs as they are."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and base is not None:
        rest = url[len(prefix):]
        if rest and not rest.startswith("/") and not rest.startswith(":memory:"):
            return prefix + str(base / rest)
    return url


def _explicit_db(run_config: "RunConfig") -> bool:
    """Did the config file name a store (``db:``), rather than leave the tool's default?"""
    return bool(run_config.snapshot.get("db"))
