"""crawler/addresses.py: private, loopback and link-local targets are refused unless allowed.

Only literal IP addresses are used: no name is resolved (there is no network here).
"""

from __future__ import annotations

import asyncio
from ipaddress import ip_network

import pytest

from a11y_audit.crawler.addresses import AddressPolicy

PRIVATE = [
    ("http://127.0.0.1/", "127.0.0.1"),
    ("http://10.0.0.1/", "10.0.0.1"),
    ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
    ("http://[::1]/", "::1"),
    ("http://192.168.1.1/", "192.168.1.1"),
    ("https://172.16.0.1:8443/x", "172.16.0.1"),
    ("http://0.0.0.0/", "0.0.0.0"),
    ("ws://127.0.0.1/socket", "127.0.0.1"),
]


def refusal(url: str, allow=False) -> str | None:
    return asyncio.run(AddressPolicy(allow).refusal(url))


@pytest.mark.parametrize(("url", "address"), PRIVATE)
def test_private_addresses_are_refused_by_default(url, address):
    assert refusal(url) == (
        f"refused private address {address} for host {address} (see crawl.allow_private_addresses)"
    )


@pytest.mark.parametrize(("url", "address"), PRIVATE)
def test_allow_true_allows_everything(url, address):
    assert refusal(url, allow=True) is None


def test_ipv4_mapped_loopback_is_refused():
    message = refusal("http://[::ffff:127.0.0.1]/")

    assert message is not None
    assert message.startswith("refused private address ::ffff:7f00:1 for host ::ffff:127.0.0.1")


LOOPBACK_ONLY = (ip_network("127.0.0.1/32"),)


def test_allowed_network_allows_its_addresses():
    assert refusal("http://127.0.0.1:8701/", allow=LOOPBACK_ONLY) is None


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.5/", "127.0.0.5"),
        ("http://10.0.0.1/", "10.0.0.1"),
        ("http://[::1]/", "::1"),
    ],
)
def test_allowed_network_refuses_other_private_addresses(url, address):
    message = refusal(url, allow=LOOPBACK_ONLY)

    assert message is not None
    assert f"refused private address {address}" in message


@pytest.mark.parametrize("allow", [False, LOOPBACK_ONLY])
@pytest.mark.parametrize(
    "url",
    ["data:text/html,<p>hi</p>", "about:blank", "blob:http://127.0.0.1/abc", "javascript:void(0)"],
)
def test_non_network_urls_are_never_refused(url, allow):
    assert refusal(url, allow=allow) is None


@pytest.mark.parametrize("allow", [False, LOOPBACK_ONLY])
@pytest.mark.parametrize("url", ["http://93.184.216.34/", "https://[2606:2800:220:1:248:1893:25c8:1946]/"])
def test_public_literal_addresses_are_allowed(url, allow):
    assert refusal(url, allow=allow) is None


def test_address_allowed_matches_networks_of_the_same_version_only():
    policy = AddressPolicy((ip_network("10.0.0.0/8"), ip_network("fd00::/8")))

    async def check() -> list[str | None]:
        return [await policy.refusal(url) for url in ("http://10.9.8.7/", "http://[fd12::1]/", "http://192.168.0.1/")]

    allowed_v4, allowed_v6, refused = asyncio.run(check())
    assert allowed_v4 is None
    assert allowed_v6 is None
    assert refused is not None and "192.168.0.1" in refused
