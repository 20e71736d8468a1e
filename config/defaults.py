"""Every default setting of the tool, in one place.

Settings are layered: these defaults < the config file's ``crawl`` section <
an organisation's keys < a site's keys < command-line flags. The names here are
the names used in the YAML file and (with dashes) on the command line.
"""

from __future__ import annotations

import os

TOOL_NAME = "a11y-audit"
TOOL_VERSION = "0.1.0"
CONTACT_URL = "https://github.com/a11y-audit/a11y-audit#for-site-owners"

#: Pages rendered at once overall. The browser is the bottleneck: on 2 cores
#: throughput levels off at 2-4 concurrent pages (see ../shared/FIELD-NOTES.md).
DEFAULT_CONCURRENCY = max(2, min(8, (os.cpu_count() or 2) * 2))

CRAWL_DEFAULTS: dict[str, object] = {
    # How much of a site to audit.
    "max_pages": 200,
    "max_depth": 10,
    # Seconds a page may take to load and be audited before it is recorded as an error.
    "page_timeout": 30.0,
    # Pages rendered at once (crawl level: overall; site level: for that site).
    "concurrency": DEFAULT_CONCURRENCY,
    # Politeness towards one host.
    "per_host_concurrency": 2,
    "delay": 0.5,
    "autothrottle": True,
    "obey_robots": True,
    "user_agent": f"{TOOL_NAME}/{TOOL_VERSION} (+{CONTACT_URL})",
    # The standard audited against.
    "wcag": "2.2",
    "level": "AA",
    # Loopback, private and link-local targets are refused unless allowed here:
    # true, or a list of addresses / CIDR networks.
    "allow_private_addresses": False,
    # "keep" audits each distinct query string as its own page; "drop" ignores queries.
    "query": "keep",
    # Largest HTML or document body fetched, in bytes.
    "max_response_bytes": 10 * 1024 * 1024,
    # Template-aware sampling (off: every discovered page is audited). true, or
    # {per_template: 5, random_share: 0.1, seed: 1}: URLs are grouped by template (path
    # pattern); every page of a group of at most per_template pages is audited, of a larger
    # group the first per_template pages plus a seeded random share of the rest, never fewer
    # than 10 % of the structured sample (WCAG-EM). See crawler/sampling.py.
    "sample": False,
}

#: The parameters of `sample: true`.
SAMPLE_DEFAULTS: dict[str, object] = {"per_template": 5, "random_share": 0.1, "seed": 1}

#: Settings that only make sense once per run, not per site.
RUN_DEFAULTS: dict[str, object] = {
    "db": "sqlite:///a11y-audit.db",
    # Browser binary; None finds Debian/Ubuntu's Chromium, else Playwright's own browser.
    "browser_executable": None,
    # axe-core, then our own checks (audits/engines/checks; keyboard checks last: key presses stay).
    "engines": ["axe", "reflow", "text-spacing", "resize-text", "language", "media", "navigation", "page-title",
                "statement", "focus-visible", "keyboard-trap", "keyboard-reach"],
    # Verify TLS certificates like a browser; a page with an invalid one is recorded as an error.
    "tls_verify": True,
    # A cropped picture of one offending element per grouped issue, stored with the run and
    # shown in the reports (audits/screenshots.py for the caps).
    "screenshots": True,
    # Rendering: "playwright", or "selenium" with a local driver or `webdriver_url` (a Selenium Grid).
    "browser": "playwright",
    "webdriver_url": None,
    "browser_name": "chromium",
}

#: Query parameters that never identify a different page.
TRACKING_QUERY_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
    "gclid", "fbclid", "msclkid", "mc_cid", "mc_eid",
)

#: Link targets that look like ending a session: never followed.
LOGOUT_PATTERN = (
    r"(?<![a-z])(log[-_ ]?out|log[-_ ]?off|sign[-_ ]?out|sign[-_ ]?off|"
    r"uitloggen|afmelden|abmelden|ausloggen|deconnexion|d%C3%A9connexion)(?![a-z])"
)

#: System locations of a Chromium that Playwright can drive (Debian, Ubuntu, Fedora).
SYSTEM_CHROMIUM_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/lib/chromium/chromium",
)

#: Flags for a headless Chromium as root on a closed network (DEVELOPERS.md).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
)
