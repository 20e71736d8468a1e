"""Read a YAML config file into resolved, ready-to-use settings.

In: a path (and command-line overrides). Out: a :class:`RunConfig` whose sites
carry their fully merged settings. Every problem becomes a one-line
:class:`~config.errors.ConfigError` naming the file, the place and the field.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import yaml
from pydantic import ValidationError

from a11y_audit.config.defaults import CRAWL_DEFAULTS, RUN_DEFAULTS
from a11y_audit.config.errors import ConfigError
from a11y_audit.config.schema import ConfigFile, CrawlOverrides, SampleConfig

CRAWL_KEYS = tuple(CRAWL_DEFAULTS)


@dataclass(frozen=True)
class SiteSettings:
    """One site with every crawl setting resolved."""

    organisation_id: str
    url: str
    urls: tuple[str, ...]
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    max_pages: int
    max_depth: int
    page_timeout: float
    concurrency: int
    per_host_concurrency: int
    delay: float
    autothrottle: bool
    obey_robots: bool
    user_agent: str
    wcag: str
    level: str
    allow_private_addresses: Union[bool, tuple[str, ...]]
    query: str
    max_response_bytes: int
    #: Template-aware sampling parameters; None: every discovered page is audited.
    sample: Optional[SampleConfig] = None

    def allowed_networks(self) -> Union[bool, tuple[ipaddress._BaseNetwork, ...]]:
        """``True`` (all allowed), ``False`` (none) or the allowed networks."""
        value = self.allow_private_addresses
        if isinstance(value, bool):
            return value
        return tuple(ipaddress.ip_network(item, strict=False) for item in value)


@dataclass(frozen=True)
class OrganisationSettings:
    id: str
    name: str
    sites: tuple[SiteSettings, ...]


@dataclass(frozen=True)
class RunConfig:
    """A validated config: organisations with resolved sites, and run-wide settings."""

    source: str
    organisations: tuple[OrganisationSettings, ...]
    db: str
    concurrency: int
    browser_executable: Optional[str]
    engines: tuple[str, ...]
    tls_verify: bool = True
    browser: str = "playwright"
    webdriver_url: Optional[str] = None
    browser_name: str = "chromium"
    screenshots: bool = True
    snapshot: Mapping[str, Any] = field(default_factory=dict)

    def with_overrides(self, **changes: Any) -> "RunConfig":
        """A copy in which every site's settings have *changes* applied (e.g. max_depth=0)."""
        from dataclasses import replace

        orgs = tuple(
            replace(org, sites=tuple(replace(site, **changes) for site in org.sites)) for org in self.organisations
        )
        return replace(self, organisations=orgs)

    @property
    def sites(self) -> list[SiteSettings]:
        return [site for org in self.organisations for site in org.sites]


def load_config(path: Union[str, Path], overrides: Optional[Mapping[str, Any]] = None) -> RunConfig:
    """Load and validate *path*; *overrides* (command-line flags) win over the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{where}: malformed YAML: {problem}") from None
    return config_from_data(data, source=str(path), overrides=overrides)


def config_from_data(
    data: Any, source: str = "<config>", overrides: Optional[Mapping[str, Any]] = None
) -> RunConfig:
    """Validate already-parsed config *data* (a mapping) and resolve every site."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the config must be a mapping with an 'organisations' list")
    try:
        parsed = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(source, data, exc)) from None
    cli = _validate_overrides(source, overrides or {})
    cli_sample = cli.pop("sample", None)

    orgs = []
    for org in parsed.organisations:
        sites = []
        for site in org.sites:
            merged = dict(CRAWL_DEFAULTS)
            for layer in (parsed.crawl, org, site):
                merged.update(_set_fields(layer))
            merged.update(cli)
            allow = merged["allow_private_addresses"]
            merged["allow_private_addresses"] = allow if isinstance(allow, bool) else tuple(allow)
            merged["sample"] = _resolve_sample(merged["sample"], cli_sample)
            sites.append(
                SiteSettings(
                    organisation_id=org.id,
                    url=site.url,
                    urls=tuple(site.urls),
                    include=tuple(site.include),
                    exclude=tuple(site.exclude),
                    **{key: merged[key] for key in CRAWL_KEYS},
                )
            )
        orgs.append(OrganisationSettings(id=org.id, name=org.name, sites=tuple(sites)))

    run_section = _set_fields(parsed.crawl)
    concurrency = cli.get("concurrency", run_section.get("concurrency", CRAWL_DEFAULTS["concurrency"]))
    return RunConfig(
        source=source,
        organisations=tuple(orgs),
        db=(overrides or {}).get("db") or parsed.db or RUN_DEFAULTS["db"],
        concurrency=int(concurrency),
        browser_executable=parsed.crawl.browser_executable,
        engines=tuple(parsed.crawl.engines or RUN_DEFAULTS["engines"]),
        tls_verify=bool(parsed.crawl.tls_verify if parsed.crawl.tls_verify is not None else RUN_DEFAULTS["tls_verify"]),
        **_run_level(parsed, overrides or {}),
        snapshot=parsed.model_dump(mode="json", exclude_none=True),
    )


def _run_level(parsed: ConfigFile, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """browser, webdriver_url, browser_name, screenshots: command line > file > defaults."""
    values = {}
    for key in ("browser", "webdriver_url", "browser_name", "screenshots"):
        given = overrides.get(key)
        if given is None:
            given = getattr(parsed.crawl, key)
        values[key] = given if given is not None else RUN_DEFAULTS[key]
    if values["webdriver_url"] and values["browser"] != "selenium":
        values["browser"] = "selenium"  # a WebDriver URL only makes sense with Selenium
    if values["browser_name"] == "firefox" and values["browser"] != "selenium":
        raise ConfigError("crawl > browser_name: firefox needs browser: selenium (Playwright here drives Chromium)")
    return values


def _resolve_sample(value: Any, cli: Any) -> Optional[SampleConfig]:
    """The site's sampling parameters: the file's value (true / false / parameters), with the
    command line's ``--sample`` (true) or ``--sample-per-template`` / ``--sample-seed`` over it."""
    if cli is not None:
        base = value if isinstance(value, SampleConfig) else SampleConfig()
        return base if cli is True else base.model_copy(update=cli)
    if value is True:
        return SampleConfig()
    return value if isinstance(value, SampleConfig) else None


def _sample_flags(overrides: Mapping[str, Any]) -> Any:
    """``--sample``, ``--sample-per-template N``, ``--sample-seed N`` → True, a dict of the
    given parameters (which imply sampling), or None."""
    given = {key: overrides.get(f"sample_{key}") for key in ("per_template", "seed")}
    given = {key: value for key, value in given.items() if value is not None}
    if given:
        return given
    return True if overrides.get("sample") else None


def _set_fields(model: CrawlOverrides) -> dict[str, Any]:
    return {key: getattr(model, key) for key in CRAWL_KEYS if getattr(model, key) is not None}


def _validate_overrides(source: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    given = {key: value for key, value in overrides.items()
             if key in CRAWL_KEYS and key != "sample" and value is not None}
    sample = _sample_flags(overrides)
    if isinstance(sample, dict):
        try:
            SampleConfig.model_validate(sample)
        except ValidationError as exc:
            err = exc.errors()[0]
            flag = "--sample-" + str(err["loc"][0]).replace("_", "-")
            raise ConfigError(f"command line: {flag}: {err['msg']} (got {err.get('input')!r})") from None
    try:
        fields = _set_fields(CrawlOverrides.model_validate(given))
    except ValidationError as exc:
        err = exc.errors()[0]
        flag = "--" + str(err["loc"][0]).replace("_", "-")
        raise ConfigError(f"command line: {flag}: {err['msg']} (got {err.get('input')!r})") from None
    if sample is not None:
        fields["sample"] = sample  # partial parameters are merged over the file's in _resolve_sample
    return fields


def _describe(source: str, data: Any, exc: ValidationError) -> str:
    """One line: file, place (organisation / site named by id and URL), field, problem."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    place: list[str] = []
    node: Any = data
    while loc:
        key = loc.pop(0)
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            label = ""
            if isinstance(node, dict):
                label = node.get("id") or node.get("url") or ""
            place[-1] = f"{place[-1]}[{key}]" + (f" ({label})" if label else "")
            continue
        if isinstance(node, dict) and key in node and loc:
            node = node[key]
        place.append(str(key))
    field_path = " > ".join(place) or "(top level)"
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown key (check its spelling; see config/defaults.py for the names)"
    elif err["type"] == "missing":
        message = "required field is missing"
    given = err.get("input")
    value = ""
    if err["type"] not in ("missing", "extra_forbidden") and not isinstance(given, (list, dict)):
        value = f" (got {_clip(repr(given))})"
    return _one_line(f"{source}: {field_path}: {message}{value}")


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: str) -> str:
    """Keys, ids and URLs from the file may hold line breaks; a message never does."""
    return text.replace("\r", "\\r").replace("\n", "\\n")
