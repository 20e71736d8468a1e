"""The configuration file's shape, validated with pydantic.

Unknown keys are errors (``extra="forbid"``): a misspelt setting must not be
silently ignored. Every crawl setting may appear under ``crawl`` (defaults for
the run), on an organisation, or on a site; the most specific one wins.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal, Optional, Union
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from a11y_audit.config.defaults import SAMPLE_DEFAULTS

# Strict: a quoted "yes" must not open the auditor's network.
PrivateAllowance = Union[StrictBool, list[str]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SampleConfig(_Strict):
    """Template-aware sampling (crawler/sampling.py): every page of a small template group,
    ``per_template`` pages of a large one, plus a seeded random share of the rest."""

    per_template: int = Field(default=SAMPLE_DEFAULTS["per_template"], gt=0)
    random_share: float = Field(default=SAMPLE_DEFAULTS["random_share"], ge=0, le=1)
    seed: int = SAMPLE_DEFAULTS["seed"]


class CrawlOverrides(_Strict):
    """Crawl settings; every field optional so that layers can be merged."""

    max_pages: Optional[int] = Field(default=None, gt=0)
    max_depth: Optional[int] = Field(default=None, ge=0)
    page_timeout: Optional[float] = Field(default=None, gt=0)
    concurrency: Optional[int] = Field(default=None, gt=0)
    per_host_concurrency: Optional[int] = Field(default=None, gt=0)
    delay: Optional[float] = Field(default=None, ge=0)
    autothrottle: Optional[bool] = None
    obey_robots: Optional[bool] = None
    user_agent: Optional[str] = Field(default=None, min_length=1)
    wcag: Optional[Literal["2.0", "2.1", "2.2"]] = None
    level: Optional[Literal["A", "AA"]] = None
    allow_private_addresses: Optional[PrivateAllowance] = None
    query: Optional[Literal["keep", "drop"]] = None
    max_response_bytes: Optional[int] = Field(default=None, gt=0)
    #: Template-aware sampling: true (the defaults), false, or its parameters.
    sample: Optional[Union[StrictBool, SampleConfig]] = None

    @field_validator("wcag", "level", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        # YAML reads `wcag: 2.2` as a float; accept it as the string it means.
        return str(value) if isinstance(value, (int, float)) else value

    @field_validator("sample", mode="before")
    @classmethod
    def _sample(cls, value: object) -> object:
        # One clear message instead of one per branch of the union.
        if value is None or isinstance(value, (bool, SampleConfig)):
            return value
        if not isinstance(value, dict):
            raise ValueError("expected true, false or a mapping of per_template, random_share, seed")
        try:
            return SampleConfig.model_validate(value)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(part) for part in err["loc"])
            message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            raise ValueError(f"{where}: {message} (got {err.get('input')!r})") from None

    @field_validator("allow_private_addresses")
    @classmethod
    def _networks(cls, value: Optional[PrivateAllowance]) -> Optional[PrivateAllowance]:
        if isinstance(value, list):
            for item in value:
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(f"not an address or CIDR network: {item!r}") from None
        return value


class RunSection(CrawlOverrides):
    """The ``crawl`` section: crawl defaults plus settings that apply to the whole run."""

    browser_executable: Optional[str] = None
    engines: Optional[list[str]] = Field(default=None, min_length=1)
    tls_verify: Optional[StrictBool] = None
    #: Element screenshots of grouped issues (default: on).
    screenshots: Optional[StrictBool] = None
    #: Rendering engine: Playwright (default) or Selenium (local ChromeDriver or a remote WebDriver).
    browser: Optional[Literal["playwright", "selenium"]] = None
    webdriver_url: Optional[str] = None
    browser_name: Optional[Literal["chromium", "firefox"]] = None


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    return patterns


class SiteConfig(CrawlOverrides):
    """One site of an organisation: a start URL and its scope."""

    url: str
    #: More start URLs on the same site (pages that nothing links to, or a URL list to check).
    urls: list[str] = Field(default_factory=list)
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)

    @field_validator("urls")
    @classmethod
    def _http_urls(cls, values: list[str]) -> list[str]:
        return [cls._http_url(value) for value in values]

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ValueError(f"URL contains white space or control characters: {value!r}")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an absolute http(s) URL: {value!r}")
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ValueError(f"bad port in URL: {value!r}") from None
        return value

    _include = field_validator("include")(classmethod(lambda cls, v: _check_patterns(v)))
    _exclude = field_validator("exclude")(classmethod(lambda cls, v: _check_patterns(v)))


class OrganisationConfig(CrawlOverrides):
    """A signatory: an id used in file names and URLs, a display name, its sites."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)
    name: str = Field(min_length=1)
    sites: list[SiteConfig] = Field(min_length=1)


class ConfigFile(_Strict):
    """The whole YAML file."""

    crawl: RunSection = Field(default_factory=RunSection)
    db: Optional[str] = None
    organisations: list[OrganisationConfig] = Field(min_length=1)

    @field_validator("organisations")
    @classmethod
    def _unique_ids(cls, orgs: list[OrganisationConfig]) -> list[OrganisationConfig]:
        seen: set[str] = set()
        for org in orgs:
            if org.id in seen:
                raise ValueError(f"duplicate organisation id {org.id!r}")
            seen.add(org.id)
        return orgs
