"""crawler/scope.py: canonical URLs, what belongs to a site, logout links, skipped files."""

from __future__ import annotations

import pytest

from a11y_audit.config import config_from_data
from a11y_audit.crawler.scope import SiteScope, canonical_url, looks_like_logout


def scope(url: str = "http://example.com/", **site) -> SiteScope:
    """The scope of one site, its settings resolved by the real config loader."""
    run = config_from_data({"organisations": [{"id": "o", "name": "O", "sites": [{"url": url, **site}]}]})
    return SiteScope(run.sites[0])


# --- canonical_url ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com/page#section", "http://example.com/page"),
        ("http://example.com/a?utm_source=x&utm_medium=y&utm_campaign=z", "http://example.com/a"),
        ("http://example.com/a?fbclid=abc&q=1", "http://example.com/a?q=1"),
        ("http://example.com/a?UTM_Source=x&q=1", "http://example.com/a?q=1"),
        ("http://example.com/a?b=2&a=1&c=3", "http://example.com/a?a=1&b=2&c=3"),
        ("HTTP://Example.COM/Path", "http://example.com/Path"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com?b=2&a=1#x", "http://example.com/?a=1&b=2"),
        ("  http://example.com/a  ", "http://example.com/a"),
        ("http://example.com/a?q=&r=1", "http://example.com/a?q=&r=1"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Example.com/list?page=2&sort=asc#top", "http://example.com/list"),
        ("http://example.com", "http://example.com/"),
    ],
)
def test_canonical_url_drop_query(url, expected):
    assert canonical_url(url, drop_query=True) == expected


def test_site_query_drop_mode_uses_drop():
    assert scope(query="drop").canonical("http://example.com/a?x=1#y") == "http://example.com/a"
    assert scope().canonical("http://example.com/a?x=1#y") == "http://example.com/a?x=1"


def test_start_url_is_canonical():
    assert scope("http://Example.com").start_url == "http://example.com/"


# --- same host -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        ("http://example.com/x", True),
        ("http://EXAMPLE.com/x", True),
        ("http://example.com:80/x", True),
        ("https://example.com/x", True),  # http→https on default ports
        ("https://example.com:443/x", True),
        ("http://example.com:8080/x", False),  # same host, other port
        ("http://sub.example.com/x", False),
        ("http://other.com/x", False),
        ("ftp://example.com/x", False),
        ("mailto:someone@example.com", False),
    ],
)
def test_contains_same_host(url, inside):
    assert scope().contains(url) is inside


@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("http://127.0.0.1:8701/a", True),
        ("http://127.0.0.1:8702/a", False),
        ("http://127.0.0.1/a", False),
        ("https://127.0.0.1/a", False),
    ],
)
def test_same_host_with_explicit_port(url, same):
    s = scope("http://127.0.0.1:8701/")

    assert s.same_host(url) is same
    assert s.contains(url) is same


# --- include / exclude -----------------------------------------------------------------------

DOCS_AND_CDN = [r"^https?://example\.com/docs/", r"^https?://cdn\.example\.org/"]


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        ("http://example.com/docs/a", True),
        ("http://cdn.example.org/file", True),  # include widens: another host
        ("http://example.com/blog", False),  # include restricts: same host, no pattern matches
        ("http://example.com/", True),  # the start URL is always in scope
        ("http://other.com/docs/a", False),
    ],
)
def test_include_patterns_widen_and_restrict(url, inside):
    assert scope("http://example.com/", include=DOCS_AND_CDN).contains(url) is inside


@pytest.mark.parametrize(
    ("site", "url"),
    [
        ({"exclude": ["/private"]}, "http://example.com/private/a"),
        ({"include": DOCS_AND_CDN, "exclude": [r"/docs/old/"]}, "http://example.com/docs/old/x"),
        ({"include": DOCS_AND_CDN, "exclude": [r"example\.org"]}, "http://cdn.example.org/file"),
    ],
)
def test_exclude_wins(site, url):
    s = scope("http://example.com/", **site)

    assert s.contains(url) is False
    assert s.skip_reason(url) == "out of scope"


def test_exclude_leaves_the_rest_in_scope():
    assert scope(exclude=["/private"]).contains("http://example.com/public") is True


# --- logout links ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("http://e.com/logout", ""),
        ("http://e.com/account/log-out", ""),
        ("http://e.com/signout", ""),
        ("http://e.com/user/sign_out", ""),
        ("http://e.com/uitloggen", ""),
        ("http://e.com/LogOut", ""),
        ("http://e.com/session?action=logout", ""),
        ("http://e.com/x", "Log out"),
        ("http://e.com/x", "Sign off"),
    ],
)
def test_looks_like_logout(url, text):
    assert looks_like_logout(url, text) is True


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("http://e.com/login", "Log in"),
        ("http://e.com/catalogue", ""),
        ("http://e.com/blog/", "Blog"),
        ("http://e.com/signup", "Sign up"),
    ],
)
def test_not_logout(url, text):
    assert looks_like_logout(url, text) is False


def test_logout_host_name_alone_is_not_logout():
    # Only the path, the query and the link text count.
    assert looks_like_logout("http://logout.example.com/") is False


# --- skip_reason -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "text", "reason"),
    [
        ("http://example.com/img/logo.png", "", "not a page"),
        ("http://example.com/files/archive.zip", "", "not a page"),
        ("http://example.com/IMG/PHOTO.PNG", "", "not a page"),
        ("http://example.com/logout", "", "logout link"),
        ("http://example.com/account", "Log out", "logout link"),
        ("http://other.com/logo.png", "", "out of scope"),
        ("http://example.com/about.html", "", None),
        ("http://example.com/report.pdf", "", None),  # documents are recorded, not skipped
        ("http://example.com/v1.2/", "", None),
        ("http://example.com/png", "", None),
    ],
)
def test_skip_reason(url, text, reason):
    assert scope().skip_reason(url, text) == reason


def test_default_port_is_the_same_page():
    from a11y_audit.crawler.scope import canonical_url

    assert canonical_url("http://Example.com:80/a") == canonical_url("http://example.com/a") == "http://example.com/a"
    assert canonical_url("https://example.com:443/") == "https://example.com/"
    assert canonical_url("http://example.com:8080/") == "http://example.com:8080/"


@pytest.mark.parametrize("url", ["http://e.com/blog-outreach", "http://e.com/catalog-offers", "http://e.com/dialog-out"])
def test_words_that_merely_contain_logout_are_followed(url):
    from a11y_audit.crawler.scope import looks_like_logout

    assert not looks_like_logout(url)
