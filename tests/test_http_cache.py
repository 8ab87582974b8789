"""Public pages are compressed, validated and cached by data version; staff pages are not."""

from __future__ import annotations

import gzip
import io
import json

import brotli
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from compare import pagecache
from compare.errors import QuietOutageFilter
from compare.routers import ReplicaRouter
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document
from frameworks.models import Claim, DataVersion, Framework
from frameworks.models.versions import Version
from tests.factories import make_framework

pytestmark = pytest.mark.django_db

PAGES = ["/", "/frameworks/django/", "/compare/?f=django&f=flask", "/features/orm/"]
EXPORTS = ["/data/dataset.json", "/table.csv", "/features/orm.json"]


@pytest.fixture
def cached(settings):
    """The page cache on, as in production, and empty."""
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def raw(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def decode(body: bytes, encoding: str) -> bytes:
    return brotli.decompress(body) if encoding == "br" else gzip.decompress(body)


# --- Compression ----------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES + EXPORTS)
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_public_pages_and_exports_are_compressed_and_decode_to_the_same_bytes(
    client, url, encoding
):
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": f"{encoding}, deflate"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed["Vary"]
    plain_body, packed_body = raw(plain), raw(packed)
    assert decode(packed_body, encoding) == plain_body
    assert len(packed_body) < len(plain_body) / 4


def test_brotli_is_preferred_and_a_refused_encoding_is_not_used(client):
    assert client.get("/", headers={"accept-encoding": "gzip, br"})["Content-Encoding"] == "br"
    refused = client.get("/", headers={"accept-encoding": "br;q=0, gzip"})
    assert refused["Content-Encoding"] == "gzip"


def test_admin_pages_which_hold_a_csrf_token_are_never_compressed(client):
    # BREACH: a compressed page that reflects input and holds a secret leaks it.
    page = client.get("/admin/login/", headers={"accept-encoding": "br, gzip"})
    assert "csrfmiddlewaretoken" in page.content.decode()
    assert "Content-Encoding" not in page


# --- Validators and cache headers -----------------------------------------------------


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_conditional_get_of_an_unchanged_page_is_a_304(client, url):
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"'), "a strong validator"
    assert first["Last-Modified"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert raw(again) == b""
    assert again["ETag"] == etag
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304


def test_a_change_to_the_data_changes_the_validators(client):
    first = client.get("/frameworks/flask/")
    flask = Framework.objects.get(slug="flask")
    flask.summary = "A new summary."
    flask.save()
    again = client.get("/frameworks/flask/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "A new summary." in again.content.decode()


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_anonymous_visitors_get_public_cacheable_pages_that_do_not_vary_by_cookie(client, url):
    response = client.get(url)
    control = response["Cache-Control"]
    assert "public" in control
    assert "max-age=60" in control
    assert "stale-while-revalidate=" in control
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_staff_previews_are_private_and_never_cached(client, cached):
    draft = make_framework(slug="in-the-works", name="In the Works", status="draft")
    Claim.objects.create(
        framework=draft, source=Claim.objects.first().source, kind="category",
        category=Claim.objects.filter(kind="category").first().category, status="yes",
        excerpt="x",
    )  # fmt: skip
    staff = User.objects.create_user("ed", password="x", is_staff=True)
    editor = Client()
    editor.force_login(staff)
    preview = editor.get("/frameworks/in-the-works/")
    assert preview.status_code == 200
    assert "private" in preview["Cache-Control"]
    assert "no-store" in preview["Cache-Control"]
    assert "ETag" not in preview
    assert Client().get("/frameworks/in-the-works/").status_code == 404, "nothing leaked"
    table = editor.get("/")
    assert "private" in table["Cache-Control"]


# --- The data version -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_data_version_moves_once_per_transaction_whatever_writes():
    flask = make_framework(slug="flask-like", name="Flask-like")
    before = DataVersion.current()
    with transaction.atomic():
        flask.summary = "One."
        flask.save()
        first = DataVersion.current()
        Framework.objects.filter(pk=flask.pk).update(summary="Two.")
        make_framework(slug="another", name="Another")
        assert DataVersion.current() == first, "one transaction, one version"
    assert first != before
    Framework.objects.filter(pk=flask.pk).update(summary="Three.")  # a transaction of its own
    assert DataVersion.current() not in (before, first)


@pytest.mark.django_db(transaction=True)
def test_the_loader_moves_the_data_version():
    load_document(read_fixtures(settings.BASE_DIR / "fixtures"), mode=Mode.INITIAL)
    loaded = DataVersion.current()
    Framework.objects.filter(slug="bottle").update(summary="Edited.")
    edited = DataVersion.current()
    assert edited != loaded
    call_command("sync_dataset", "--apply", stdout=io.StringIO())
    assert DataVersion.current() not in (loaded, edited)


# --- The page cache ---------------------------------------------------------------------


def test_a_cached_page_costs_one_query_and_an_edit_shows_at_the_next_request(client, cached):
    first = client.get("/frameworks/flask/")
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/frameworks/flask/")
    assert again["X-Page-Cache"] == "hit"
    assert len(queries) == 1, "only the data version"
    assert again.content == first.content

    flask = Framework.objects.get(slug="flask")
    flask.summary = "Edited a moment ago."
    flask.save()
    fresh = client.get("/frameworks/flask/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "Edited a moment ago." in fresh.content.decode()


@pytest.fixture
def statements_sent(monkeypatch):
    """Every statement sent to PostgreSQL, including those Django makes by itself,
    such as the ``SELECT 1`` that checks a kept connection (no CaptureQueriesContext
    sees that one)."""
    sent = []
    execute = psycopg.Cursor.execute

    def counted(cursor, query, *args, **kwargs):
        sent.append(query)
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    return sent


def as_at_a_new_request():
    # What Django does at the end of every request (the test client skips it): the
    # kept connection is to be checked before its next use.
    connection.health_check_done = False


def test_a_cached_page_is_one_round_trip_to_the_database_on_a_kept_connection(
    client, cached, statements_sent
):
    client.get("/frameworks/flask/")
    assert connection.health_check_enabled
    as_at_a_new_request()
    statements_sent.clear()
    assert client.get("/frameworks/flask/")["X-Page-Cache"] == "hit"
    assert len(statements_sent) == 1, statements_sent


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_the_database_dropped_is_replaced_without_an_error(client, cached):
    make_framework(slug="flask-like", name="Flask-like")
    assert client.get("/frameworks/flask-like/").status_code == 200
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    as_at_a_new_request()
    again = client.get("/frameworks/flask-like/")
    assert again.status_code == 200
    assert again["X-Page-Cache"] == "hit"
    assert not connection.needs_rollback
    assert Framework.objects.filter(slug="flask-like").exists(), "the new connection works"


def test_the_same_parameters_in_another_order_are_one_page_but_compare_order_is_kept(
    client, cached
):
    client.get("/?category=asynchronous&sort=stars")
    assert client.get("/?sort=stars&category=asynchronous")["X-Page-Cache"] == "hit"
    client.get("/compare/?f=django&f=flask")
    swapped = client.get("/compare/?f=flask&f=django")
    assert swapped["X-Page-Cache"] == "miss", "the columns come in the order asked for"


def test_an_htmx_fragment_and_the_whole_page_are_cached_apart(client, cached):
    page = client.get("/?category=asynchronous")
    fragment = client.get("/?category=asynchronous", headers={"hx-request": "true"})
    assert fragment["X-Page-Cache"] == "miss"
    assert b"<html" in page.content
    assert b"<html" not in fragment.content


def test_the_page_and_its_htmx_fragment_never_share_a_validator(client, cached):
    page = client.get("/?category=asynchronous")
    fragment = client.get("/?category=asynchronous", headers={"hx-request": "true"})
    assert page["ETag"] != fragment["ETag"]
    revalidated = client.get(
        "/?category=asynchronous", headers={"hx-request": "true", "if-none-match": page["ETag"]}
    )
    assert revalidated.status_code == 200, "the fragment is not the page the browser holds"
    assert "HX-History-Restore-Request" in page["Vary"]


def test_without_the_cache_a_streamed_export_still_answers_a_conditional_get(client):
    first = client.get("/data/dataset.json", headers={"accept-encoding": "br"})
    assert first["Content-Encoding"] == "br"
    again = client.get(
        "/data/dataset.json", headers={"accept-encoding": "br", "if-none-match": first["ETag"]}
    )
    assert again.status_code == 304


def test_a_page_is_cached_per_encoding_with_a_validator_for_each(client, cached):
    client.get("/")
    br = client.get("/", headers={"accept-encoding": "br"})
    identity = client.get("/")
    assert br["X-Page-Cache"] == identity["X-Page-Cache"] == "hit"
    assert br["ETag"] != identity["ETag"]
    assert brotli.decompress(br.content) == identity.content


def test_a_miss_compresses_for_its_client_only_and_other_encodings_are_made_once_when_asked(
    client, cached, monkeypatch
):
    made = []
    pack = pagecache._packed
    monkeypatch.setattr(
        pagecache,
        "_packed",
        lambda body, encoding, *, kept: made.append(encoding) or pack(body, encoding, kept=kept),
    )
    page = "/frameworks/django/"
    first = client.get(page, headers={"accept-encoding": "br"})
    assert first["X-Page-Cache"] == "miss"
    assert made == ["br"]  # the first visitor after an edit waits for one encoding, not two
    with CaptureQueriesContext(connection) as queries:
        other = client.get(page, headers={"accept-encoding": "gzip"})
    assert other["X-Page-Cache"] == "hit"
    assert len(queries) == 1  # the version: the page is not rendered again
    assert gzip.decompress(other.content) == brotli.decompress(first.content)
    assert client.get(page, headers={"accept-encoding": "gzip"})["X-Page-Cache"] == "hit"
    assert made == ["br", "gzip"]  # and gzip is then kept


def test_a_streamed_export_is_kept_once_it_has_streamed_whole(client, cached):
    first = client.get("/data/dataset.json", headers={"accept-encoding": "br"})
    assert first.streaming
    assert first["X-Page-Cache"] == "miss"
    streamed = brotli.decompress(raw(first))
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/data/dataset.json", headers={"accept-encoding": "gzip"})
    assert again["X-Page-Cache"] == "hit"
    assert len(queries) == 1, "only the data version"
    assert gzip.decompress(again.content) == streamed
    assert client.get("/data/dataset.json").content == streamed
    revalidated = client.get(
        "/data/dataset.json", headers={"accept-encoding": "br", "if-none-match": first["ETag"]}
    )
    assert revalidated.status_code == 304


def test_an_export_bigger_than_the_limit_is_streamed_every_time(client, cached, settings):
    settings.PAGE_CACHE_MAX_BYTES = 1_000
    first = client.get("/data/dataset.json", headers={"accept-encoding": "br"})
    assert len(brotli.decompress(raw(first))) > 1_000
    again = client.get("/data/dataset.json", headers={"accept-encoding": "br"})
    assert again.streaming
    assert again["X-Page-Cache"] == "miss"


def test_an_export_the_client_stopped_reading_is_not_kept(cached):
    version = DataVersion.current()
    entry = pagecache.Entry(version, pagecache.code_version(), "k", {})
    stream = pagecache._recorded_stream(iter([b"x" * 600, b"y" * 600]), "br", entry, "page:c:v:k")
    next(stream)
    stream.close()  # the server closes the response when the client hangs up
    stored = [f"page:c:v:k:{encoding}" for encoding in ("br", "gzip", "identity")]
    assert cache.get_many(stored) == {}
    finished = pagecache._recorded_stream(iter([b"x" * 600, b"y" * 600]), "br", entry, "page:c:v:k")
    assert brotli.decompress(b"".join(finished)) == b"x" * 600 + b"y" * 600
    assert cache.get("page:c:v:k:identity").bodies == {"identity": b"x" * 600 + b"y" * 600}


def test_a_hit_reads_the_body_its_client_takes_and_no_other(client, cached, monkeypatch):
    raw(client.get("/data/dataset.json", headers={"accept-encoding": "br"}))  # streamed, kept
    read = []
    original = pagecache._cache_get
    monkeypatch.setattr(pagecache, "_cache_get", lambda key: read.append(original(key)) or read[-1])
    for encoding in ("br", "gzip", "identity"):
        hit = client.get("/data/dataset.json", headers={"accept-encoding": encoding})
        assert hit["X-Page-Cache"] == "hit"
        assert hit.get("Content-Encoding", "identity") == encoding
        body = raw(hit) if encoding == "identity" else decode(raw(hit), encoding)
        assert json.loads(body)["format"] == "compare-dataset"
    # Each hit read one entry holding one body: the 1.4 MB export is not read to send
    # its 0.2 MB of brotli.
    assert [list(entry.bodies) for entry in read] == [["br"], ["gzip"], ["identity"]]


def test_the_security_headers_come_with_cached_pages_too(client, cached):
    client.get("/")
    hit = client.get("/")
    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert hit.has_header(header), header


def test_during_an_outage_the_last_good_copy_is_served(client, cached, monkeypatch):
    good = client.get("/frameworks/django/")

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr(QuietOutageFilter, "last_traceback", float("-inf"))
    visitor = Client(raise_request_exception=False)
    stale = visitor.get("/frameworks/django/")
    assert stale.status_code == 200
    assert stale["X-Page-Cache"] == "stale"
    assert stale.content == good.content
    assert visitor.get("/frameworks/flask/").status_code == 503, "never cached: the 503 page"


def test_a_broken_cache_means_uncached_pages_not_errors(client, settings, caplog, monkeypatch):
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_RETRY_SECONDS = 0  # try the cache at every request
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    monkeypatch.setattr(pagecache, "_last_complaint", float("-inf"))
    monkeypatch.setattr(pagecache, "_resting_until", float("-inf"))
    for _ in range(3):
        response = client.get("/frameworks/django/")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "miss"
    warnings = [r for r in caplog.records if "Page cache unavailable" in r.getMessage()]
    assert len(warnings) == 1, "one warning a minute, not one a request"


def test_after_a_cache_failure_pages_leave_the_cache_alone_for_a_while(
    client, cached, settings, monkeypatch
):
    """A Redis that hangs must not cost every request its timeouts."""
    calls = []

    class Hanging:
        def get(self, key):
            calls.append(key)
            raise TimeoutError("Timeout reading from socket")

        set = get

    monkeypatch.setattr(pagecache, "page_store", Hanging())
    monkeypatch.setattr(pagecache, "_resting_until", float("-inf"))
    settings.PAGE_CACHE_RETRY_SECONDS = 60
    for _ in range(3):
        assert client.get("/frameworks/flask/").status_code == 200
    assert len(calls) == 1, "one failure, then the cache rests"
    monkeypatch.setattr(pagecache, "_resting_until", float("-inf"))  # the rest is over
    client.get("/frameworks/flask/")
    assert len(calls) == 2


def test_healthz_is_never_cached(client, cached):
    client.get("/healthz")
    response = client.get("/healthz")
    assert "X-Page-Cache" not in response
    assert "public" not in response.get("Cache-Control", "")


# --- Read replicas -----------------------------------------------------------------------


def test_public_reads_go_to_the_replica_chosen_for_the_request_and_all_else_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Framework) is None, "outside a public page: the primary"
    chosen = pagecache.reading_from.set("replica_2")
    public = pagecache._public_read.set(True)
    try:
        assert router.db_for_read(Framework) == "replica_2"
        assert router.db_for_write(Framework) == "default"
    finally:
        pagecache._public_read.reset(public)
        pagecache.reading_from.reset(chosen)
    assert router.allow_migrate("replica_1", "frameworks") is False
    assert router.allow_migrate("default", "frameworks") is True


def test_an_export_streamed_after_its_view_returned_reads_from_the_same_replica():
    seen = []

    def export():
        for _ in range(2):
            seen.append(ReplicaRouter().db_for_read(Framework))
            yield b"chunk"

    chunks = pagecache._reading_from("replica_1", export())
    assert list(chunks) == [b"chunk", b"chunk"]
    assert seen == ["replica_1", "replica_1"]
    assert ReplicaRouter().db_for_read(Framework) is None, "and the primary again after"


def test_a_replica_that_does_not_answer_leaves_the_request_to_the_primary(rf, monkeypatch):
    asked, read_from = [], []

    def current(database="default"):
        asked.append(database)
        if database != "default":
            raise OperationalError("replica down")
        return Version("token", None)

    def view(request):
        read_from.append(pagecache.reading_from.get())
        return HttpResponse("page")

    monkeypatch.setattr(DataVersion, "current", staticmethod(current))
    middleware = pagecache.PageCacheMiddleware(view)
    middleware.replicas = ["replica_1"]
    response = middleware(rf.get("/frameworks/flask/", HTTP_HOST="127.0.0.1"))
    assert response.status_code == 200
    assert asked == ["replica_1", "default"]
    assert read_from == [None], "the page's queries go to the primary"
