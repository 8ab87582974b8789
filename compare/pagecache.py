"""Public pages at the speed of a static file: cached by data version, compressed, validated.

Every write to curated data changes the data version (a row kept by database
triggers, once per transaction: frameworks/models/versions.py). A public page is
stored in Django's cache (local memory, or Redis with CACHE_URL) under its path,
its normalised query string, the data version and the code's version. Each
encoding (plain, brotli, gzip) is made once, when a client first takes it, and
stored apart. A request for it then costs one query (the version) and one cache read
of the body it is sent, and an editor's save is seen on the next request on every
instance, because the key moves with the version.

Every public response carries a strong ETag and Last-Modified (a conditional GET
gets a 304), ``Cache-Control: public`` with a short max-age and
stale-while-revalidate, and no ``Vary: Cookie``. Staff, who may preview drafts,
get private, uncached pages.

When the database is down, the last good copy of a page is served (stale-if-error);
when the cache is down, pages are rendered as if there were none.
"""

from __future__ import annotations

import contextvars
import gzip
import hashlib
import logging
import random
import time
import zlib
from dataclasses import dataclass, field
from functools import cache, wraps
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import brotli
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache as page_store
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from frameworks.models.versions import DataVersion, Version

log = logging.getLogger(__name__)

# Browsers and CDNs may reuse a page for a minute, and for ten more while they check
# in the background; during an outage, for a day.
PUBLIC_CACHE_CONTROL = {
    "public": True,
    "max_age": 60,
    "stale_while_revalidate": 600,
    "stale_if_error": 86400,
}
COMPRESSIBLE = ("text/html", "application/json", "text/csv", "application/xml", "text/plain")
MIN_COMPRESS_BYTES = 500
# Kept with every entry; the security headers are added around the cache, on every response.
STORED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Vary")
GZIP_LEVEL, BROTLI_QUALITY = 6, 5  # fast enough to do on a miss, nearly as small as the maxima
# For a body compressed for one response only (the cache off, or a page it never holds):
# half the time (0.8 -> 0.55 ms for the table's 124 KB) for 8% more bytes.
GZIP_LEVEL_ONCE, BROTLI_QUALITY_ONCE = 4, 4

# The database a public request reads from (a replica, when there are any), chosen
# once per request so the version and the page come from the same one.
reading_from: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "reading_from", default=None
)


@cache
def code_version() -> str:
    """What the pages are made by: templates, Python code, static files. A deploy changes it."""
    digest = hashlib.sha256()
    roots = [settings.BASE_DIR / name for name in ("templates", "frameworks", "compare")]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".html", ".py", ".sql", ".txt"} and path.is_file():
                digest.update(path.relative_to(settings.BASE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


def public_page(view):
    """Mark a view as a public page: cacheable for anonymous visitors, private for staff.

    A visitor without a session cookie is anonymous without looking the session up,
    so the page never touches the session and never varies by cookie.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        request.is_public_page = True
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            request.user = AnonymousUser()
        staff = request.user.is_staff
        request.is_staff_preview = staff
        token = None if staff else _public_read.set(True)
        try:
            response = view(request, *args, **kwargs)
        finally:
            if token is not None:
                _public_read.reset(token)
        if token is not None and response.streaming and reading_from.get():
            # An export reads as it streams, after this returns: from the same replica.
            response.streaming_content = _reading_from(
                reading_from.get(), response.streaming_content
            )
        if staff:
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    wrapped.is_public_page = True
    return wrapped


# Set while a public view runs for an anonymous visitor: the replica router reads it.
_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("public_read", default=False)


def public_read_database() -> str | None:
    """The replica this public request reads from, or None for the primary."""
    return reading_from.get() if _public_read.get() else None


# The data version the page cache read for this request, so a page reads it once.
_request_version: contextvars.ContextVar[tuple[str, Version] | None] = contextvars.ContextVar(
    "request_version", default=None
)


def request_version(using: str) -> Version:
    """The data version of ``using`` for this request: as the page cache read it, or now."""
    known = _request_version.get()
    if known is not None and known[0] == using:
        return known[1]
    return DataVersion.current(using)


# --- The cache entries ---------------------------------------------------------------


@dataclass
class Entry:
    """One rendered page, in one or more encodings, with what it needs to be served again."""

    version: Version
    code: str
    address: str  # the page: path, query, host and htmx headers (see page_key)
    headers: dict[str, str]
    bodies: dict[str, bytes] = field(default_factory=dict)
    # Text big enough to compress: its other encodings can be made from its plain body.
    packable: bool = False

    @classmethod
    def of(
        cls,
        response: HttpResponse,
        version: Version,
        key: str,
        encodings=("br", "gzip"),
        *,
        kept: bool = True,
    ) -> Entry:
        """``encodings``: those to make; harder when the entry is ``kept`` for others."""
        body = response.content
        entry = cls(
            version,
            code_version(),
            _address(key),
            {name: response[name] for name in STORED_HEADERS if response.has_header(name)},
            {"identity": body},
            packable=_compressible(response) and len(body) >= MIN_COMPRESS_BYTES,
        )
        if entry.packable:
            for encoding in encodings:
                if encoding != "identity":
                    entry.bodies[encoding] = _packed(body, encoding, kept=kept)
        return entry

    def packed(self, encoding: str) -> Entry:
        """This page in another encoding, made from its plain body, to be kept."""
        body = _packed(self.bodies["identity"], encoding, kept=True)
        return Entry(self.version, self.code, self.address, self.headers, {encoding: body}, True)

    def serving(self, encoding: str) -> Entry:
        """This page with only the body a client taking ``encoding`` is sent: stored
        apart, a hit reads those bytes alone (for a 1.4 MB export, 0.2 MB of brotli
        rather than all three bodies, 1.9 MB)."""
        bodies = self.bodies
        if encoding in bodies:
            kept = {encoding: bodies[encoding]}
        elif "identity" in bodies:  # too small to compress, or not text
            kept = {"identity": bodies["identity"]}
        else:  # a big export is kept compressed only (see respond)
            kept = {"gzip": bodies["gzip"]}
        return Entry(self.version, self.code, self.address, self.headers, kept, self.packable)

    def etag(self, encoding: str) -> str:
        # The address too: the whole page and its htmx fragment are one URL, and a
        # browser or CDN that ignores Vary must not revalidate one against the other.
        return f'"{self.version.token[:16]}-{self.address[:8]}-{self.code}-{encoding}"'

    def respond(self, request: HttpRequest, outcome: str) -> HttpResponseBase:
        encoding = _chosen_encoding(request, self.bodies)
        if encoding == "identity" and "identity" not in self.bodies:
            # A big export is kept compressed only; the rare client that takes neither
            # encoding gets it unpacked.
            body = gzip.decompress(self.bodies["gzip"])
        else:
            body = self.bodies[encoding]
        response = HttpResponse(body)
        response["Content-Length"] = str(len(body))
        for name, value in self.headers.items():
            response[name] = value
        if encoding != "identity":
            response["Content-Encoding"] = encoding
        response["X-Page-Cache"] = outcome
        _public_headers(response, self.version, self.etag(encoding))
        return _conditional(request, response)


def _packed(body: bytes, encoding: str, *, kept: bool) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY if kept else BROTLI_QUALITY_ONCE)
    return gzip.compress(body, compresslevel=GZIP_LEVEL if kept else GZIP_LEVEL_ONCE, mtime=0)


def _compressible(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").startswith(COMPRESSIBLE) and not response.has_header(
        "Content-Encoding"
    )


def _chosen_encoding(request: HttpRequest, available) -> str:
    accepted = set()
    for item in request.headers.get("Accept-Encoding", "").split(","):
        name, _, parameters = item.strip().partition(";")
        if parameters.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    for encoding in ("br", "gzip"):
        if encoding in accepted and encoding in available:
            return encoding
    return "identity"


def _public_headers(response: HttpResponseBase, version: Version, etag: str) -> None:
    response["ETag"] = etag
    if version.changed is not None:
        response["Last-Modified"] = http_date(version.changed.timestamp())
    patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
    patch_vary_headers(response, ["Accept-Encoding"])


def _conditional(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    last_modified = response.get("Last-Modified")
    timestamp = parse_http_date_safe(last_modified) if last_modified else None
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=timestamp, response=response
    )


# --- The middleware ------------------------------------------------------------------


def page_key(request: HttpRequest, version: Version) -> str:
    # The same parameters in any order are one page; the order of repeated values
    # (the frameworks of a comparison) is kept, because it orders the columns.
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    query = urlencode(sorted(pairs, key=lambda pair: pair[0]))
    # The host too (checked against ALLOWED_HOSTS here, as CommonMiddleware would): the
    # sitemap and the canonical links name it.
    # And whether htmx asked for the results alone (the views vary by HX-Request).
    fragment = "{} {}".format(
        request.headers.get("HX-Request", ""), request.headers.get("HX-History-Restore-Request", "")
    )
    address = hashlib.sha256(f"{fragment} {request.get_host()}{request.path}?{query}".encode())
    address = address.hexdigest()[:32]
    return f"page:{code_version()}:{version.token}:{address}"


def _address(key: str) -> str:
    return key.rsplit(":", 1)[1]


def last_good_key(key: str) -> str:
    """Where the newest copy of a page is found when the version cannot be read."""
    _, code, _, address = key.split(":")
    return f"last-good:{code}:{address}"


ENCODINGS = ("br", "gzip", "identity")


def _cached(request: HttpRequest, key: str) -> Entry | None:
    """The stored copy of a page in the encoding this client takes. A page is kept in
    the encodings its clients have taken so far: another is made from its plain copy
    once, when first asked for, and kept too."""
    encoding = _chosen_encoding(request, ENCODINGS)
    entry = _cache_get(f"{key}:{encoding}")
    if entry is None and encoding != "identity":
        plain = _cache_get(f"{key}:identity")
        if isinstance(plain, Entry) and plain.packable:
            entry = plain.packed(encoding)
            _cache_set_many({f"{key}:{encoding}": entry})
    return entry if isinstance(entry, Entry) else None


def _store(key: str, entry: Entry) -> None:
    """Keep the page under its key and as the last good copy, each encoding apart: those
    it holds when the others can be made from its plain body, else all three."""
    encodings = ENCODINGS
    if entry.packable:
        encodings = [encoding for encoding in ENCODINGS if encoding in entry.bodies]
    copies = {}
    for encoding in encodings:
        served = entry.serving(encoding)
        copies[f"{key}:{encoding}"] = copies[f"{last_good_key(key)}:{encoding}"] = served
    _cache_set_many(copies)


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; compress and validate them.

    Sits inside the security middleware (so cached responses get every security
    header) and before the session middleware (so a hit costs neither a session
    nor a user lookup).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = [alias for alias in settings.DATABASES if alias.startswith("replica")]

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        if request.method not in ("GET", "HEAD") or not anonymous:
            return self._finish(request, self.get_response(request), None, None)

        database = random.choice(self.replicas) if self.replicas else "default"
        token = reading_from.set(database if self.replicas else None)
        try:
            return self._anonymous(request, database)
        finally:
            reading_from.reset(token)

    def _anonymous(self, request: HttpRequest, database: str) -> HttpResponseBase:
        try:
            version = DataVersion.current(database)
        except DatabaseError:
            if database != "default":
                # A replica that does not answer: the primary serves this request.
                reading_from.set(None)
                return self._anonymous(request, "default")
            # The database is down: the last good copy, if there is one, else the 503.
            stale = _cached(request, last_good_key(page_key(request, Version("?", None))))
            if stale is not None and stale.code == code_version():
                return stale.respond(request, "stale")
            return self.get_response(request)

        key = page_key(request, version)
        if settings.PAGE_CACHE:
            entry = _cached(request, key)
            if entry is not None:
                return entry.respond(request, "hit")
        known = _request_version.set((database, version))
        try:
            response = self.get_response(request)
        finally:
            _request_version.reset(known)
        return self._finish(request, response, version, key)

    def _finish(self, request, response, version: Version | None, key: str | None):
        if not getattr(request, "is_public_page", False):
            return response
        public = (
            version is not None
            and not getattr(request, "is_staff_preview", False)
            and response.status_code == 200
        )
        storable = not response.streaming and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        if public and storable:
            # Only the encoding this client takes: another is made when a client takes it.
            encodings = (_chosen_encoding(request, {"br", "gzip"}),)
            entry = Entry.of(response, version, key, encodings, kept=settings.PAGE_CACHE)
            if settings.PAGE_CACHE:
                _store(key, entry)
            served = entry.respond(request, "miss")
            for cookie in response.cookies.values():  # none expected; never dropped silently
                served.cookies[cookie.key] = cookie
            return served
        if public:  # a streamed export: headers, and a 304 before anything is streamed
            if settings.PAGE_CACHE and _compressible(response):
                return _streamed_and_kept(request, response, version, key)
            stream_etag = f'"{version.token[:16]}-{_address(key)[:8]}-{code_version()}-stream"'
            _public_headers(response, version, stream_etag)
            # Compressed first (lazily: nothing is read yet), so that the ETag checked
            # is the one sent, with its encoding.
            response = compress(request, response)
            conditional = _conditional(request, response)
            if conditional is not response:
                return conditional  # the stream never started: nothing was read
            return response
        return compress(request, response)


def _streamed_and_kept(request, response, version: Version, key: str) -> HttpResponseBase:
    """Stream an export to the client, and keep it for the next one.

    The export is compressed once, in both encodings, while it streams; the client
    gets the encoding it accepts. When the last chunk has gone out (a client that
    hangs up stores nothing), the compressed bodies are stored, and the plain one
    too if it is small enough. Memory stays bounded: a body past the limit is dropped.
    """
    encoding = _chosen_encoding(request, {"br", "gzip"})
    entry = Entry(
        version,
        code_version(),
        _address(key),
        {name: response[name] for name in STORED_HEADERS if response.has_header(name)},
    )
    _public_headers(response, version, entry.etag(encoding))
    conditional = _conditional(request, response)
    if conditional is not response:
        return conditional
    response.streaming_content = _recorded_stream(response.streaming_content, encoding, entry, key)
    del response["Content-Length"]
    if encoding != "identity":
        response["Content-Encoding"] = encoding
    response["X-Page-Cache"] = "miss"
    return response


def _recorded_stream(chunks, encoding: str, entry: Entry, key: str):
    limit = settings.PAGE_CACHE_MAX_BYTES
    brotli_compressor = brotli.Compressor(quality=BROTLI_QUALITY)
    gzip_compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    kept: dict[str, list[bytes] | None] = {"identity": [], "br": [], "gzip": []}
    sizes = dict.fromkeys(kept, 0)

    def keep(name: str, data: bytes) -> bytes:
        if kept[name] is not None and data:
            sizes[name] += len(data)
            if sizes[name] > limit:
                kept[name] = None
            else:
                kept[name].append(data)
        return data

    for chunk in chunks:
        chunk = chunk.encode() if isinstance(chunk, str) else chunk
        out = {
            "identity": keep("identity", chunk),
            "br": keep("br", brotli_compressor.process(chunk)),
            "gzip": keep("gzip", gzip_compressor.compress(chunk)),
        }[encoding]
        if out:
            yield out
    tails = {
        "identity": b"",
        "br": keep("br", brotli_compressor.finish()),
        "gzip": keep("gzip", gzip_compressor.flush()),
    }
    yield tails[encoding]
    if kept["br"] is None or kept["gzip"] is None:
        return  # too big even compressed: streamed every time
    entry.bodies = {name: b"".join(parts) for name, parts in kept.items() if parts is not None}
    _store(key, entry)


def _reading_from(database: str, chunks):
    """Chunks made as a public page reading from ``database``, the request's replica."""
    chunks = iter(chunks)
    while True:
        chosen, public = reading_from.set(database), _public_read.set(True)
        try:
            chunk = next(chunks, None)
        finally:
            _public_read.reset(public)
            reading_from.reset(chosen)
        if chunk is None:
            return
        yield chunk


def compress(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Brotli or gzip on the fly, for public responses the cache does not hold."""
    if not _compressible(response) or response.status_code in (204, 304):
        return response
    encoding = _chosen_encoding(request, {"br", "gzip"})
    if encoding == "identity":
        patch_vary_headers(response, ["Accept-Encoding"])
        return response
    if response.streaming:
        response.streaming_content = _compressed_stream(response.streaming_content, encoding)
        del response["Content-Length"]
    else:
        if len(response.content) < MIN_COMPRESS_BYTES:
            return response
        response.content = _packed(response.content, encoding, kept=False)
        response["Content-Length"] = str(len(response.content))
    if response.has_header("ETag"):  # a different body: a different strong validator
        response["ETag"] = response["ETag"][:-1] + f'-{encoding}"'
    response["Content-Encoding"] = encoding
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _compressed_stream(chunks, encoding: str):
    if encoding == "br":
        compressor = brotli.Compressor(quality=BROTLI_QUALITY_ONCE)
        for chunk in chunks:
            if data := compressor.process(chunk):
                yield data
        yield compressor.finish()
    else:
        compressor = zlib.compressobj(GZIP_LEVEL_ONCE, zlib.DEFLATED, 31)
        for chunk in chunks:
            if data := compressor.compress(chunk):
                yield data
        yield compressor.flush()


# --- The cache, which may be down ----------------------------------------------------

_last_complaint = float("-inf")
_resting_until = float("-inf")


def _cache_failed(error: Exception) -> None:
    # A stopped Redis means uncached pages, not errors: one warning a minute says so.
    # And the cache rests for a few seconds: a Redis that hangs would otherwise make
    # every request wait for its timeouts, three times over.
    global _last_complaint, _resting_until
    _resting_until = time.monotonic() + settings.PAGE_CACHE_RETRY_SECONDS
    if time.monotonic() - _last_complaint > 60:
        _last_complaint = time.monotonic()
        log.warning("Page cache unavailable, serving uncached pages: %s", error)


def _cache_resting() -> bool:
    return time.monotonic() < _resting_until


def _cache_get(key: str):
    if _cache_resting():
        return None
    try:
        return page_store.get(key)
    except Exception as error:  # noqa: BLE001 - any cache failure means a miss
        _cache_failed(error)
        return None


def _cache_set_many(values: dict) -> None:
    if _cache_resting():
        return
    try:
        page_store.set_many(values, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001 - any cache failure means no caching
        _cache_failed(error)
