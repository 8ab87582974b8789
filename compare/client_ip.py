"""The visitor's address, for the login lockout, behind a known number of proxies.

With DJANGO_PROXY_COUNT=N, the last N proxies in front of the site are trusted: each
appends the address it received the request from to X-Forwarded-For, and the last one
connects to gunicorn. The visitor is then the N-th address from the right. Addresses
further left were sent by the client and can say anything, so they are never used.
A request with fewer addresses than that did not come through the proxies: its
connection's own address counts.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    connected = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return connected
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return connected
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address: a proxy would not have written it
        return connected
