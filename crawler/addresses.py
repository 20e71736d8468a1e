"""Refusing loopback, private, link-local and other special addresses.

Checked after DNS resolution, for every request the crawler makes (each
redirect hop included) and every request the browser makes while rendering,
so that a public site cannot lead the crawler into the auditor's network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Union
from urllib.parse import urlsplit

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


def is_special(address: Address) -> bool:
    """Not a public unicast address (loopback, private, link-local, reserved …)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


class AddressPolicy:
    """Decides whether a URL's host may be contacted.

    *allow* is ``True`` (everything allowed), ``False`` (only public addresses)
    or networks that are allowed in addition to public addresses.
    """

    def __init__(self, allow: Union[bool, tuple[Network, ...]] = False) -> None:
        self.allow_all = allow is True
        self.networks: tuple[Network, ...] = () if isinstance(allow, bool) else tuple(allow)
        self._cache: dict[str, list[Address]] = {}

    def address_allowed(self, address: Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if self.allow_all or not is_special(address):
            return True
        return any(address in net for net in self.networks if net.version == address.version)

    async def resolve(self, host: str) -> list[Address]:
        if host in self._cache:
            return self._cache[host]
        try:
            addresses = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            except OSError:
                infos = []
            addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        self._cache[host] = addresses
        return addresses

    async def refusal(self, url: str) -> str | None:
        """Why *url* must not be fetched, or None when it may be."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ws", "wss"):
            return None  # data:, blob:, about: never leave the browser
        if self.allow_all:
            return None
        host = parts.hostname or ""
        addresses = await self.resolve(host)
        if not addresses:
            return None  # unresolvable: the fetch fails on its own and is recorded
        for address in addresses:
            if not self.address_allowed(address):
                return f"refused private address {address} for host {host} (see crawl.allow_private_addresses)"
        return None


#: Host patterns of special ranges for Chromium's resolver. Octet-aligned, so they
#: can be written as wildcards; the exact check is AddressPolicy's, on every request.
_SPECIAL_HOST_PATTERNS = (
    "localhost", "*.localhost", "0.*", "10.*", "127.*", "169.254.*", "192.168.*",
    *(f"172.{n}.*" for n in range(16, 32)),
    "[::1]", "[fc*", "[fd*", "[fe80:*",
)


def resolver_rules(allowances: list[Union[bool, tuple[Network, ...]]]) -> str | None:
    """A ``--host-resolver-rules`` value that makes special addresses unresolvable in Chromium.

    Routes already abort every refused request, but Chromium opens a TCP connection
    to a navigation's target (its loading predictor preconnects) before the route is
    asked: a page could make the browser knock on the auditor's network. One browser
    serves every site of a run, so networks allowed for any site are left reachable
    (widened to whole octets); ``None`` when some site allows everything.
    """
    if any(allow is True for allow in allowances):
        return None
    rules = [f"MAP {pattern} ~NOTFOUND" for pattern in _SPECIAL_HOST_PATTERNS]
    for allow in allowances:
        if isinstance(allow, bool):
            continue
        for net in allow:
            if net.version != 4:
                rules.append(f"EXCLUDE [{net.network_address}]" if net.num_addresses == 1 else "")
                continue
            octets = str(net.network_address).split(".")
            whole = net.prefixlen // 8
            rules.append("EXCLUDE " + ".".join(octets[:whole] + (["*"] if whole < 4 else [])))
    return ", ".join(rule for rule in rules if rule)
