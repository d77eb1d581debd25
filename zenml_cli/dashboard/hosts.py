"""Which ``Host:`` headers ``dashboard serve`` answers: a guard against DNS rebinding, where a
web page on ``evil.example`` re-points its name at 127.0.0.1 and reads the registry through
the visitor's browser. Such a request still names ``evil.example`` in its Host header.

Accepted: the host the server was told to bind (``--host``), ``localhost`` and the loopback
addresses when it is bound to loopback, and when it is bound to every interface (``0.0.0.0``
or ``::``) also any IP address literal and this machine's own host names (a rebinding attack
always uses a DNS name it controls). Anything else, or no Host at all, is refused.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import cache
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def host_name(header: str | None) -> str | None:
    """The host part of a Host header, lower case, brackets stripped; None if unusable."""
    if not header or any(c.isspace() or c in "/?#@\\" for c in header):
        return None
    try:
        return urlsplit(f"//{header}").hostname
    except ValueError:
        return None


def allowed(header: str | None, bound: str) -> bool:
    """Whether a request whose Host header is ``header`` may be answered by a server bound
    to ``bound`` (the ``--host`` value)."""
    name = host_name(header)
    if name is None:
        return False
    bound = bound.strip("[]").lower()
    if name == bound or name.rstrip(".") == bound:
        return True
    if _is_loopback(bound):
        return name in LOOPBACK_NAMES or _is_loopback(name)
    if bound in WILDCARDS:
        return _is_ip(name) or name in LOOPBACK_NAMES or name in _own_names()
    return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@cache  # getfqdn may ask DNS: once per server, not once per request
def _own_names() -> frozenset[str]:
    return frozenset({socket.gethostname().lower(), socket.getfqdn().lower()})
