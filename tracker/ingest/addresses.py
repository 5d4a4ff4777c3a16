"""Which addresses the fetcher may connect to: public unicast ones only.

Python's ``is_global`` is not enough on its own (3.11): it calls NAT64
(64:ff9b::/96), IPv4-compatible (::a.b.c.d), 6to4 (2002::/16), multicast
and the local-use NAT64 prefix global, although each of them can reach a
private IPv4 host. An IPv6 address that embeds an IPv4 one is judged by the
IPv4 address it carries; a translation prefix whose mapping is local
(64:ff9b:1::/48) and Teredo tunnels are refused outright.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_REFUSED_V6 = tuple(
    ipaddress.ip_network(n)
    for n in (
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215): the mapping is the site's own
        "2001::/32",  # Teredo: a tunnel to wherever the embedded client is
        "::/96",  # IPv4-compatible (deprecated) and :: itself; ::a.b.c.d is handled below
        "100::/64",  # discard-only
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
_REFUSED_V4 = tuple(
    ipaddress.ip_network(n)
    for n in ("0.0.0.0/8", "100.64.0.0/10", "224.0.0.0/4", "240.0.0.0/4", "198.18.0.0/15", "192.0.0.0/24")
)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, compatible, NAT64, 6to4), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _public_v4(ip: ipaddress.IPv4Address) -> bool:
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in _REFUSED_V4)


def is_public_address(address: str) -> bool:
    """True only for an address that is globally routable unicast, translated forms included."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return _public_v4(ip)
    inner = embedded_ipv4(ip)
    if inner is not None:
        return _public_v4(inner)
    if any(ip in net for net in _REFUSED_V6):
        return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved
