"""Requests no view should see."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.http import HttpResponse

NUL_MESSAGE = (
    "Bad request: the address holds a NUL character (%00), which no page accepts. "
    "Remove it and try again.\n"
)


class RefuseNulMiddleware:
    """A NUL byte in the query string is a 400, whatever the URL.

    PostgreSQL text cannot hold NUL, so any filter or search that passed one
    on would fail deep inside the ORM; one check here covers every view, the
    admin's included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
