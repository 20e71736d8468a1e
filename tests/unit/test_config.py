"""config/loader.py and config/schema.py: one-line errors and layered settings."""

from __future__ import annotations

import copy
from ipaddress import ip_network
from pathlib import Path

import pytest

from a11y_audit.config import ConfigError, config_from_data, load_config
from a11y_audit.config.defaults import CRAWL_DEFAULTS, RUN_DEFAULTS

SOURCE = "f.yaml"
SITE_PLACE = "f.yaml: organisations[0] (acme) > sites[0] (http://x/)"
UNKNOWN_KEY = "unknown key (check its spelling; see config/defaults.py for the names)"


# --- builders -------------------------------------------------------------------------------


def config(*, crawl: dict | None = None, org: dict | None = None, site: dict | None = None, **top) -> dict:
    """A valid config (one organisation "acme", one site http://x/) with extra keys merged in."""
    data: dict = {
        "organisations": [
            {"id": "acme", "name": "Acme", **(org or {}), "sites": [{"url": "http://x/", **(site or {})}]},
        ],
        **top,
    }
    if crawl is not None:
        data["crawl"] = crawl
    return data


def error_of(data, **kwargs) -> str:
    with pytest.raises(ConfigError) as info:
        config_from_data(data, source=SOURCE, **kwargs)
    return str(info.value)


def write(tmp_path: Path, text: str, name: str = "audit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- bad input: exact messages --------------------------------------------------------------

BAD_INPUT = [
    pytest.param(
        config(bogus=1),
        f"f.yaml: bogus: {UNKNOWN_KEY}",
        id="unknown-top-level-key",
    ),
    pytest.param(
        config(crawl={"max_pagez": 5}),
        f"f.yaml: crawl > max_pagez: {UNKNOWN_KEY}",
        id="unknown-crawl-key",
    ),
    pytest.param(
        config(site={"exlude": ["/x"]}),
        f"{SITE_PLACE} > exlude: {UNKNOWN_KEY}",
        id="unknown-site-key",
    ),
    pytest.param(
        {"organisations": [{"id": "acme", "sites": [{"url": "http://x/"}]}]},
        "f.yaml: organisations[0] (acme) > name: required field is missing",
        id="missing-name",
    ),
    pytest.param(
        {"organisations": [{"id": "acme", "name": "Acme", "sites": [{"url": "ftp://x/"}]}]},
        "f.yaml: organisations[0] (acme) > sites[0] (ftp://x/) > url: "
        "not an absolute http(s) URL: 'ftp://x/' (got 'ftp://x/')",
        id="non-http-url",
    ),
    pytest.param(
        config(site={"include": ["("]}),
        f"{SITE_PLACE} > include: bad regular expression '(': "
        "missing ), unterminated subpattern at position 0",
        id="bad-include-regex",
    ),
    pytest.param(
        config(site={"exclude": ["[a"]}),
        f"{SITE_PLACE} > exclude: bad regular expression '[a': "
        "unterminated character set at position 0",
        id="bad-exclude-regex",
    ),
    pytest.param(
        config(site={"max_pages": -1}),
        f"{SITE_PLACE} > max_pages: Input should be greater than 0 (got -1)",
        id="negative-max-pages",
    ),
    pytest.param(
        config(crawl={"concurrency": 0}),
        "f.yaml: crawl > concurrency: Input should be greater than 0 (got 0)",
        id="zero-concurrency",
    ),
    pytest.param(
        config(site={"wcag": "3.0"}),
        f"{SITE_PLACE} > wcag: Input should be '2.0', '2.1' or '2.2' (got '3.0')",
        id="bad-wcag",
    ),
    pytest.param(
        config(site={"wcag": 3.0}),
        f"{SITE_PLACE} > wcag: Input should be '2.0', '2.1' or '2.2' (got '3.0')",
        id="bad-wcag-yaml-float",
    ),
    pytest.param(
        config(site={"level": "AAA"}),
        f"{SITE_PLACE} > level: Input should be 'A' or 'AA' (got 'AAA')",
        id="bad-level",
    ),
    pytest.param(
        config(site={"allow_private_addresses": ["127.0.0.1/32", "localhost"]}),
        f"{SITE_PLACE} > allow_private_addresses: not an address or CIDR network: 'localhost'",
        id="allow-private-non-cidr-in-list",
    ),
    pytest.param(
        {"organisations": []},
        "f.yaml: organisations: List should have at least 1 item after validation, not 0",
        id="organisations-empty",
    ),
    pytest.param(
        {"crawl": {"max_pages": 5}},
        "f.yaml: organisations: required field is missing",
        id="organisations-missing",
    ),
    pytest.param(
        [{"id": "acme"}],
        "f.yaml: the config must be a mapping with an 'organisations' list",
        id="list-not-mapping",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUT)
def test_bad_input_gives_exact_one_line_message(data, message):
    got = error_of(data)

    assert got == message
    assert "\n" not in got


def test_allow_private_addresses_plain_non_cidr_string_names_file_place_and_field():
    message = error_of(config(site={"allow_private_addresses": "localhost"}))

    assert message.startswith(f"{SITE_PLACE} > allow_private_addresses")
    assert message.endswith("(got 'localhost')")
    assert "\n" not in message


def test_duplicate_organisation_ids_are_refused():
    site = [{"url": "http://x/"}]
    data = {
        "organisations": [
            {"id": "acme", "name": "Acme", "sites": site},
            {"id": "acme", "name": "Acme again", "sites": site},
        ]
    }

    message = error_of(data)

    assert message.startswith("f.yaml: organisations: duplicate organisation id 'acme'")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("data", "place"),
    [
        pytest.param(config(org={"max_depth": -1}), "f.yaml: organisations[0] (acme) > max_depth:", id="org"),
        pytest.param(
            {"organisations": [{"id": "acme", "name": "A", "sites": [{"url": "http://x/"}, {"url": "http://y/", "delay": -1}]}]},
            "f.yaml: organisations[0] (acme) > sites[1] (http://y/) > delay:",
            id="second-site",
        ),
        pytest.param(
            {"organisations": [{"name": "A", "sites": [{"url": "http://x/"}]}]},
            "f.yaml: organisations[0] > id: required field is missing",
            id="org-without-id",
        ),
    ],
)
def test_message_names_the_place_by_id_and_url(data, place):
    assert error_of(data).startswith(place)


# Problems whose text (a value, a key, an id or URL used as a label) contains a line break.
MULTILINE_SOURCES = [
    pytest.param(config(site={"level": "A\nA"}), id="value-repr"),
    pytest.param(config(site={"include": ["(\n"]}), id="regex-with-newline"),
    pytest.param(config(site={"max_pages": "ten\nthousand"}), id="input-repr"),
    pytest.param(
        config(**{"bad\nkey": 1}),
        id="unknown-key-with-newline",
    ),
    pytest.param(
        {"organisations": [{"id": "acme\nx", "name": "A", "sites": [{"url": "http://x/"}]}]},
        id="id-label-with-newline",
    ),
    pytest.param(
        {"organisations": [{"id": "acme", "name": "A", "sites": [{"url": "ftp://x/\n"}]}]},
        id="url-label-with-newline",
    ),
]


@pytest.mark.parametrize("data", MULTILINE_SOURCES)
def test_message_is_one_line_even_when_the_input_has_line_breaks(data):
    message = error_of(data)

    assert message.startswith("f.yaml: ")
    assert "\n" not in message and "\r" not in message


# --- files ----------------------------------------------------------------------------------


def test_malformed_yaml_names_file_line_and_column(tmp_path):
    path = write(tmp_path, "organisations:\n  - id: x\n   name: y\n")

    with pytest.raises(ConfigError) as info:
        load_config(path)

    assert str(info.value) == (
        f"{path}:3:4: malformed YAML: expected <block end>, but found '<block mapping start>'"
    )


def test_malformed_yaml_bad_character(tmp_path):
    path = write(tmp_path, "crawl:\n  max_pages: @5\n")

    with pytest.raises(ConfigError) as info:
        load_config(path)

    assert str(info.value) == f"{path}:2:14: malformed YAML: found character '@' that cannot start any token"


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"

    with pytest.raises(ConfigError) as info:
        load_config(path)

    assert str(info.value) == f"{path}: cannot read config file: No such file or directory"


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", ""])
def test_yaml_that_is_not_a_mapping(tmp_path, text):
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as info:
        load_config(path)

    assert str(info.value) == f"{path}: the config must be a mapping with an 'organisations' list"


def test_error_in_file_names_the_file_path(tmp_path):
    path = write(
        tmp_path,
        "organisations:\n  - id: acme\n    name: Acme\n    sites:\n      - url: http://x/\n        max_pages: 0\n",
    )

    with pytest.raises(ConfigError) as info:
        load_config(path)

    assert str(info.value) == (
        f"{path}: organisations[0] (acme) > sites[0] (http://x/) > max_pages: Input should be greater than 0 (got 0)"
    )


# --- good input ------------------------------------------------------------------------------

SPEC_MINIMAL = """\
crawl:
  max_pages: 200
  page_timeout: 20
  allow_private_addresses: true
organisations:
  - id: lumen-telecom
    name: Lumen Telecom
    sites:
      - url: http://127.0.0.1:8701/
"""


def test_minimal_spec_config_loads(tmp_path):
    path = write(tmp_path, SPEC_MINIMAL)

    run = load_config(path)

    assert run.source == str(path)
    assert [org.id for org in run.organisations] == ["lumen-telecom"]
    assert run.organisations[0].name == "Lumen Telecom"
    (site,) = run.sites
    assert site.organisation_id == "lumen-telecom"
    assert site.url == "http://127.0.0.1:8701/"
    assert site.max_pages == 200
    assert site.page_timeout == 20.0
    assert site.allow_private_addresses is True
    assert site.allowed_networks() is True
    assert site.include == () and site.exclude == ()
    assert (site.wcag, site.level) == ("2.2", "AA")
    assert run.db == RUN_DEFAULTS["db"]
    assert run.engines == tuple(RUN_DEFAULTS["engines"]) and run.engines[0] == "axe"


LAYERED = {
    "crawl": {"max_pages": 100, "delay": 1.0, "wcag": "2.0"},
    "organisations": [
        {
            "id": "org-a",
            "name": "A",
            "max_pages": 50,
            "wcag": "2.1",
            "sites": [
                {"url": "http://a1/"},
                {"url": "http://a2/", "max_pages": 10, "delay": 2.0, "wcag": "2.2"},
            ],
        },
        {"id": "org-b", "name": "B", "sites": [{"url": "http://b1/"}]},
    ],
}


def settings(run) -> dict[str, tuple]:
    return {site.url: (site.max_pages, site.delay, site.wcag) for site in run.sites}


def test_defaults_apply_when_nothing_is_set():
    run = config_from_data({"organisations": [{"id": "o", "name": "O", "sites": [{"url": "http://o/"}]}]})

    assert settings(run) == {"http://o/": (200, 0.5, "2.2")}
    assert settings(run)["http://o/"] == (CRAWL_DEFAULTS["max_pages"], CRAWL_DEFAULTS["delay"], CRAWL_DEFAULTS["wcag"])


def test_layers_crawl_then_organisation_then_site():
    run = config_from_data(copy.deepcopy(LAYERED))

    assert settings(run) == {
        "http://a1/": (50, 1.0, "2.1"),  # organisation over crawl; delay from crawl
        "http://a2/": (10, 2.0, "2.2"),  # site over organisation
        "http://b1/": (100, 1.0, "2.0"),  # crawl over defaults
    }


def test_command_line_overrides_win_over_every_layer():
    run = config_from_data(copy.deepcopy(LAYERED), overrides={"max_pages": 7, "delay": 0, "wcag": "2.0"})

    assert set(settings(run).values()) == {(7, 0.0, "2.0")}


def test_unset_command_line_flags_do_not_override():
    run = config_from_data(copy.deepcopy(LAYERED), overrides={"max_pages": None, "delay": None, "db": None})

    assert settings(run)["http://a2/"] == (10, 2.0, "2.2")


def test_concurrency_override_sets_run_concurrency():
    data = config(crawl={"concurrency": 3})

    assert config_from_data(data).concurrency == 3
    assert config_from_data(data, overrides={"concurrency": 5}).concurrency == 5


@pytest.mark.parametrize(("yaml_value", "expected"), [("2.1", "2.1"), ("2.0", "2.0"), ("2.2", "2.2"), ('"2.1"', "2.1")])
def test_wcag_as_yaml_float_becomes_text(tmp_path, yaml_value, expected):
    path = write(
        tmp_path,
        f"crawl:\n  wcag: {yaml_value}\norganisations:\n  - id: o\n    name: O\n    sites:\n      - url: http://o/\n",
    )

    assert load_config(path).sites[0].wcag == expected


@pytest.mark.parametrize(
    ("allow", "expected"),
    [
        (["127.0.0.1/32", "10.1.2.3/8", "::1"], (ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8"), ip_network("::1/128"))),
        (["192.168.0.0/16"], (ip_network("192.168.0.0/16"),)),
        (True, True),
        (False, False),
    ],
)
def test_allow_private_addresses_becomes_networks(allow, expected):
    site = config_from_data(config(crawl={"allow_private_addresses": allow})).sites[0]

    assert site.allowed_networks() == expected
    if isinstance(allow, list):
        assert site.allow_private_addresses == tuple(allow)


def test_db_override_wins_over_file():
    data = config(db="sqlite:///from-file.db")

    assert config_from_data(data).db == "sqlite:///from-file.db"
    assert config_from_data(data, overrides={"db": "sqlite:///from-cli.db"}).db == "sqlite:///from-cli.db"
    assert config_from_data(data, overrides={"db": None}).db == "sqlite:///from-file.db"
    assert config_from_data(config()).db == "sqlite:///a11y-audit.db"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"max_pages": 0}, "command line: --max-pages: Input should be greater than 0 (got 0)"),
        ({"per_host_concurrency": -2}, "command line: --per-host-concurrency: Input should be greater than 0 (got -2)"),
        ({"wcag": "3.0"}, "command line: --wcag: Input should be '2.0', '2.1' or '2.2' (got '3.0')"),
    ],
)
def test_bad_command_line_override(overrides, message):
    assert error_of(config(), overrides=overrides) == message


def test_demo_config_loads_with_three_organisations():
    demo = Path(__file__).resolve().parents[2] / "config" / "demo.yaml"

    run = load_config(demo)

    assert [org.id for org in run.organisations] == ["lumen-telecom", "civic-water", "harbour-bank"]
    assert [site.url for site in run.sites] == [
        "http://127.0.0.1:8701/",
        "http://127.0.0.1:8702/",
        "http://127.0.0.1:8703/",
    ]
    harbour = run.organisations[2].sites[0]
    assert harbour.wcag == "2.1" and harbour.exclude == ("/search",)
    assert harbour.allowed_networks() == (ip_network("127.0.0.1/32"),)


@pytest.mark.parametrize("value", ["yes", "true", "1", "on"])
def test_allow_private_addresses_takes_no_truthy_strings(value):
    # A quoted "yes" must not silently open the auditor's own network.
    with pytest.raises(ConfigError, match="allow_private_addresses"):
        config_from_data(config(crawl={"allow_private_addresses": value}), "f.yaml")


def test_url_with_a_line_break_is_refused():
    with pytest.raises(ConfigError, match="white space or control characters"):
        config_from_data({"organisations": [{"id": "a", "name": "A", "sites": [{"url": "http://x/\nevil"}]}]}, "f.yaml")


def test_run_wide_keys_of_the_crawl_section_are_used():
    data = {"crawl": {"engines": ["axe"], "browser_executable": "/opt/chromium/chrome", "tls_verify": False},
            "organisations": [{"id": "a", "name": "A", "sites": [{"url": "http://x/"}]}]}
    run = config_from_data(data, "f.yaml")
    assert (run.engines, run.browser_executable, run.tls_verify) == (("axe",), "/opt/chromium/chrome", False)
