"""SSRF guard: decides whether the fetcher may connect to a URL's host."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from newsdesk.errors import FetchRefused, InvalidURL, TransientError

ALLOWED_SCHEMES = frozenset({"http", "https"})


def _allowed_networks(allow_list: Iterable[str]) -> tuple[set[str], list[ipaddress._BaseNetwork]]:
    names: set[str] = set()
    networks: list[ipaddress._BaseNetwork] = []
    for entry in allow_list:
        entry = entry.strip().lower()
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry)
    return names, networks


# IPv6 ranges that carry an IPv4 address in their low 32 bits; a tunnel or translator delivers to that address.
_IPV4_IN_LOW_BITS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "64:ff9b::/96",  # NAT64 well-known prefix (RFC 6052)
        "::ffff:0:0:0/96",  # IPv4-translated (RFC 2765)
        "::/96",  # IPv4-compatible (deprecated, RFC 4291)
    )
)
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215): IPv4 split around the u-octet


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address hands traffic to: IPv4-mapped, 6to4, Teredo, NAT64, -compatible."""
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)  # (server, client): the client address is un-XOR-ed by the stdlib
    value = int(address)
    if any(address in net for net in _IPV4_IN_LOW_BITS) and value > 1:  # :: and ::1 are not IPv4
        found.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    if address in _NAT64_LOCAL:
        packed = address.packed
        found.append(ipaddress.IPv4Address(packed[6:8] + packed[9:11]))
    return found


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Only globally routable unicast addresses are public; loopback, private, link-local,
    multicast, reserved and unspecified ones are not. An IPv6 address that embeds an IPv4
    address (6to4, Teredo, NAT64, mapped, compatible) is public only if that address is too."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner:
            return all(is_public_address(v4) for v4 in inner)
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def validate_url(url: str) -> tuple[str, str, int]:
    """Return (scheme, host, port) of a fetchable URL or raise InvalidURL."""
    if not isinstance(url, str) or len(url) > 4096:
        raise InvalidURL("URL missing or longer than 4096 characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"malformed URL {url!r}: {exc}") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InvalidURL(f"unsupported URL scheme in {url!r} (only http and https)")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidURL(f"URL has no host: {url!r}")
    if parts.username or parts.password:
        raise InvalidURL("URLs with credentials are not fetched")
    return parts.scheme.lower(), host, port or (443 if parts.scheme.lower() == "https" else 80)


def check_destination(url: str, allow_list: Iterable[str]) -> str | None:
    """Resolve the URL's host and refuse non-public addresses unless allow-listed.

    Returns the checked IP address the fetcher must connect to (so a second DNS answer cannot
    swap in a private address: DNS rebinding), or None for a host allow-listed by name.
    """
    _, host, port = validate_url(url)
    names, networks = _allowed_networks(allow_list)
    if host in names:
        return None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_AGAIN,):
            raise TransientError(f"DNS lookup for {host} failed temporarily: {exc}") from None
        raise FetchRefused(f"cannot resolve host {host}", reason="unresolvable") from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if is_public_address(address) or any(address in net for net in networks):
            addresses.append(address)
            continue
        raise FetchRefused(
            f"refusing {host}: it resolves to non-public address {address} "
            "(allow it with NEWSDESK_ALLOW_PRIVATE_HOSTS)",
            reason="private_address",
        )
    if not addresses:
        raise FetchRefused(f"cannot resolve host {host}", reason="unresolvable")
    return str(addresses[0])


def pinned_url(url: str, address: str | None) -> tuple[str, dict[str, str], dict[str, str]]:
    """(url with the host replaced by the checked address, Host header, httpx extensions for TLS SNI)."""
    if address is None:
        return url, {}, {}
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if ":" in address else address
    netloc = literal + (f":{parts.port}" if parts.port else "")
    extensions = {"sni_hostname": host} if parts.scheme.lower() == "https" else {}
    return parts._replace(netloc=netloc).geturl(), {"Host": parts.netloc.rsplit("@", 1)[-1]}, extensions
