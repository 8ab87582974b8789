"""What a visitor sees, and what the log says, when the database is down.

Any request that fails because the database cannot be reached (in a view, a
template or a middleware) ends in Django's 500 handler; this one answers 503
with Retry-After and a short page instead. The log gets one line per such
request and a traceback at most once a minute per process, so that an outage
cannot fill the disk (a traceback is about 5 KB).
"""

from __future__ import annotations

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# Errors that mean "the database cannot be reached", not "this query is wrong".
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
TRACEBACK_INTERVAL_SECONDS = 60


def database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, UNAVAILABLE)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 page while the database is down, the usual 500 page otherwise."""
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


class QuietOutageFilter(logging.Filter):
    """On django.request: a database outage logs one line, with a traceback once a minute."""

    last_traceback = float("-inf")

    def filter(self, record: logging.LogRecord) -> bool:
        exception = record.exc_info[1] if record.exc_info else None
        if not database_unavailable(exception):
            return True
        now = time.monotonic()
        if now - type(self).last_traceback >= TRACEBACK_INTERVAL_SECONDS:
            type(self).last_traceback = now
            return True
        first_line = (str(exception).strip().splitlines() or [""])[0][:200]
        record.msg = f"{record.getMessage()} (database unavailable: {first_line})"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True
