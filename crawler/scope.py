"""Which URLs belong to a site, and one canonical spelling for each.

A URL is in scope when it is http(s), matches an ``include`` pattern if the
site has any (else: is on the start URL's host), matches no ``exclude``
pattern, and does not look like a logout link. Canonical URLs drop fragments
and tracking parameters and sort the query, so one page is audited once.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from a11y_audit.config.defaults import LOGOUT_PATTERN, TRACKING_QUERY_PARAMS
from a11y_audit.config.loader import SiteSettings

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOGOUT = re.compile(LOGOUT_PATTERN, re.IGNORECASE)

#: Extensions that are never pages and never documents we check: not fetched at all.
SKIPPED_EXTENSIONS = frozenset(
    "7z apk avi bmp css dmg exe flv gif gz ico iso jar jpeg jpg js m4a m4v mkv mov mp3 mp4 mpeg mpg "
    "ogg otf png rar svg tar tgz tif tiff ttf wav webm webp woff woff2 wmv xz zip".split()
)


def canonical_url(url: str, drop_query: bool = False) -> str:
    """Fragment dropped, tracking parameters removed, query sorted, host lower-cased."""
    parts = urlsplit(url.strip())
    query = "" if drop_query else urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in TRACKING_QUERY_PARAMS]
    )
    path = parts.path or "/"
    netloc = parts.netloc.lower()
    if parts.port is not None and parts.port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        netloc = netloc.rsplit(":", 1)[0]  # http://host:80/ is http://host/
    return canonicalize_url(urlunsplit((parts.scheme.lower(), netloc, path, query, "")))


def _host_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "", parts.port or _DEFAULT_PORTS.get(parts.scheme))


def looks_like_logout(url: str, text: str = "") -> bool:
    """Would following this link end a session? (URL path, query or link text.)"""
    parts = urlsplit(url)
    return bool(_LOGOUT.search(parts.path) or _LOGOUT.search(parts.query) or (text and _LOGOUT.search(text)))


class SiteScope:
    """Scope rules of one site."""

    def __init__(self, site: SiteSettings) -> None:
        self.start_url = canonical_url(site.url)
        self.host, self.port = _host_port(site.url)
        self.include = [re.compile(p) for p in site.include]
        self.exclude = [re.compile(p) for p in site.exclude]
        self.drop_query = site.query == "drop"

    def canonical(self, url: str) -> str:
        return canonical_url(url, self.drop_query)

    def same_host(self, url: str) -> bool:
        host, port = _host_port(url)
        if host != self.host:
            return False
        # http→https on the same host stays in scope; an explicit other port does not.
        return port == self.port or {port, self.port} <= set(_DEFAULT_PORTS.values())

    def contains(self, url: str) -> bool:
        """Is *url* (absolute) part of this site?"""
        if urlsplit(url).scheme not in ("http", "https"):
            return False
        if self.include:
            inside = any(p.search(url) for p in self.include) or canonical_url(url) == self.start_url
        else:
            inside = self.same_host(url)
        return inside and not any(p.search(url) for p in self.exclude)

    def skip_reason(self, url: str, text: str = "") -> str | None:
        """Why a discovered link is not followed, or None to follow it."""
        if not self.contains(url):
            return "out of scope"
        if looks_like_logout(url, text):
            return "logout link"
        path = urlsplit(url).path.lower()
        if "." in path.rsplit("/", 1)[-1] and path.rsplit(".", 1)[-1] in SKIPPED_EXTENSIONS:
            return "not a page"
        return None
