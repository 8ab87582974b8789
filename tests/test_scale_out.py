"""Several instances share one Redis page cache; an edit on one is seen on all; Redis may stop.

Two gunicorn instances (as two machines behind a load balancer would run) serve the test
database with the page cache in one private Redis. A page cached by one is a hit on the
other; an editor's save through the admin on instance A moves the data version, so B's
next request renders the new text; with Redis stopped, both keep serving, uncached, and
caching resumes when it is back.
"""

from __future__ import annotations

import fcntl
import html
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection

from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document
from frameworks.models import Framework
from tests.test_operations import free_port

BASE_DIR = settings.BASE_DIR
PYTHON = sys.executable
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# What a load balancer passes on: the public host name, the same whichever instance answers
# (the page cache keys pages by host, so the instances share entries only for the same one).
PUBLIC_HOST = "compare.test"
PASSWORD = "a long and unguessable passphrase"
SLUG = "flask"
PAGE = f"/frameworks/{SLUG}/"


# --- Processes ----------------------------------------------------------------------------


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(check, what: str, process: subprocess.Popen, log: Path, seconds: float = 30):
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start within {seconds} s:\n{log.read_text()}")


class RedisServer:
    """A private redis-server on a spare port, keeping nothing on disk; stopped and restarted
    on the same port."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.log = directory / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until(lambda: ping(self.port), "redis-server", self.process, self.log, seconds=10)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
        assert not ping(self.port)


@pytest.fixture
def redis(tmp_path):
    if not Path(REDIS_SERVER).is_file():
        pytest.fail(
            "redis-server is missing: the scale-out test needs it "
            "(apt-get install redis-server; make test installs it)",
            pytrace=False,
        )
    server = RedisServer(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as client:
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def database_url() -> str:
    """The test database (pytest-django's, per xdist worker) as a URL for the subprocesses."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    name = urllib.parse.quote(db["NAME"], safe="")
    host = db["HOST"] or ""
    if host.startswith("/"):  # a socket folder (the embedded server)
        query = urllib.parse.urlencode({"host": host})
        return f"postgresql://{user}:{password}@/{name}?{query}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}:{password}@{host or 'localhost'}{port}/{name}"


@dataclass
class Instance:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def dataset(transactional_db):
    """The dataset, committed: an earlier transactional test may have emptied the tables."""
    load_document(read_fixtures(BASE_DIR / "fixtures"), mode=Mode.INITIAL)


@pytest.fixture
def instances(dataset, redis, tmp_path):
    """Two gunicorn instances, one worker each, on the test database and the shared Redis."""
    common = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_REPLICA_URLS", "DJANGO_HTTPS", "DJANGO_DEBUG", "WEB_CONCURRENCY"}
    }
    common |= {
        "DATABASE_URL": database_url(),
        "CACHE_URL": f"redis://127.0.0.1:{redis.port}/0",
        "COMPARE_PAGE_CACHE": "1",
        "COMPARE_PAGE_CACHE_RETRY_SECONDS": "1",
        "DJANGO_SECRET_KEY": "scale-out-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",
        "DJANGO_DEBUG": "0",
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "1",  # one process each: its page-cache warning is counted below
    }
    started: list[Instance] = []
    # Another xdist worker starting its session rewrites the static manifest (under this
    # lock, see conftest.py); the instances read it when they serve their first page.
    lock = (BASE_DIR / ".collectstatic.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_SH)
    try:
        for name in ("A", "B"):
            port = free_port()
            log = tmp_path / f"gunicorn-{name}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    [PYTHON, "-m", "gunicorn", "--config", "compare/gunicorn.conf.py"],
                    cwd=BASE_DIR, env=common | {"PORT": str(port)},
                    stdout=output, stderr=subprocess.STDOUT,
                )  # fmt: skip
            started.append(Instance(name, f"http://127.0.0.1:{port}", process, log))
        for instance in started:
            wait_until(
                lambda instance=instance: fetch(instance, "/healthz").status == 200,
                f"gunicorn {instance.name}",
                instance.process,
                instance.log,
            )
            # A page of its own, rendered (not a hit): each instance reads the manifest now.
            warm_up = fetch(instance, f"/?instance={instance.name}")
            assert (warm_up.status, warm_up.cache) == (200, "miss"), instance.output()
        fcntl.flock(lock, fcntl.LOCK_UN)
        yield started
    finally:
        lock.close()
        for instance in started:  # before the test database is flushed
            stop(instance.process)


# --- HTTP ---------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def cache(self) -> str | None:
        return self.headers.get("x-page-cache")


def read(opener, request) -> Reply:
    try:
        with opener.open(request, timeout=10) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:  # a 302, 4xx or 5xx
        with error:
            status, headers, body = error.code, error.headers, error.read()
    except OSError:
        return Reply(0, {}, "")
    return Reply(status, {k.lower(): v for k, v in headers.items()}, body.decode("utf-8"))


ANONYMOUS = urllib.request.build_opener()


def fetch(instance: Instance, path: str) -> Reply:
    """An anonymous visitor's GET, with the public host name as the load balancer sends it."""
    request = urllib.request.Request(instance.url + path, headers={"Host": PUBLIC_HOST})
    return read(ANONYMOUS, request)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we check


class FormFields(HTMLParser):
    """What a browser submits from one form: fields as they stand, unchecked boxes left out."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: tuple[str, bool] | None = None  # name, multiple
        self.options: list[tuple[str, bool]] = []
        self.option: list | None = None  # value (or None: its text), selected, text
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in attributes), []
        elif tag == "option" and self.select:
            self.option = [attributes.get("value"), "selected" in attributes, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data
        if self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.fields.append((self.textarea, text))
            self.textarea = None
        elif tag == "option" and self.option is not None:
            value, selected, text = self.option
            self.options.append((text.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self.select = None


def form_fields(page: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(page)
    assert parser.fields, f"no form #{form_id} on the page"
    return parser.fields


class Editor:
    """A staff member's browser on one instance: cookies, CSRF tokens, forms."""

    def __init__(self, instance: Instance):
        self.base = instance.url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects()
        )

    def get(self, path: str) -> Reply:
        return read(self.opener, urllib.request.Request(self.base + path))

    def post(self, path: str, fields: list[tuple[str, str]]) -> Reply:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Referer", self.base + path)
        return read(self.opener, request)

    def log_in(self, username: str, password: str) -> None:
        page = self.get("/admin/login/?next=/admin/")
        assert page.status == 200, page.text[:500]
        fields = form_fields(page.text, "login-form")  # the CSRF token and next
        fields = [(k, v) for k, v in fields if k not in {"username", "password"}]
        fields += [("username", username), ("password", password)]
        reply = self.post("/admin/login/?next=/admin/", fields)
        assert reply.status == 302, f"login failed ({reply.status}): {reply.text[:1000]}"

    def change(self, path: str, form_id: str, **changes: str) -> Reply:
        page = self.get(path)
        assert page.status == 200, page.text[:500]
        fields = [(k, v) for k, v in form_fields(page.text, form_id) if k not in changes]
        return self.post(path, [*fields, *changes.items(), ("_save", "Save")])


# --- The test -----------------------------------------------------------------------------


def superuser() -> User:
    """A superuser whose password the instances can check (they hash with PBKDF2, as deployed).

    The test settings hash with MD5 for speed, which the instances would not accept.
    """
    hasher = PBKDF2PasswordHasher()
    return User.objects.create(
        username="scale-boss",
        email="boss@example.org",
        is_staff=True,
        is_superuser=True,
        password=hasher.encode(PASSWORD, hasher.salt()),
    )


@pytest.mark.django_db(transaction=True)
def test_instances_share_the_page_cache_see_each_others_edits_and_outlive_redis(instances, redis):
    a, b = instances
    framework = Framework.objects.get(slug=SLUG)
    assert framework.status == "published"
    boss = superuser()

    # A page cached by B is a hit on B, and on A: one cache for every instance.
    first, second, on_a = fetch(b, PAGE), fetch(b, PAGE), fetch(a, PAGE)
    assert (first.status, second.status, on_a.status) == (200, 200, 200)
    assert (first.cache, second.cache, on_a.cache) == ("miss", "hit", "hit")
    assert second.headers["etag"] == on_a.headers["etag"] == first.headers["etag"]
    assert html.escape(framework.summary) in second.text

    # An editor changes the summary through the admin on A.
    new_summary = f"Edited on instance A at {time.time_ns()}, seen on instance B."
    editor = Editor(a)
    editor.log_in(boss.username, PASSWORD)
    saved = editor.change(
        f"/admin/frameworks/framework/{framework.pk}/change/", "framework_form",
        summary=new_summary,
    )  # fmt: skip
    assert saved.status == 302, f"the admin refused the save:\n{saved.text[:3000]}"
    framework.refresh_from_db()
    assert framework.summary == new_summary

    # B renders the page afresh for the new data version; A then finds it in the cache.
    after, on_a = fetch(b, PAGE), fetch(a, PAGE)
    assert after.status == 200
    assert after.cache == "miss", "B served the page cached before the edit"
    assert new_summary in after.text, "B shows the old summary after the edit on A"
    assert after.headers["etag"] != first.headers["etag"]
    assert (on_a.cache, on_a.headers["etag"]) == ("hit", after.headers["etag"])
    assert new_summary in on_a.text

    # Redis stops: both instances keep answering, rendering every page afresh.
    redis.stop()
    for instance in (a, b):
        for path in (PAGE, "/", f"{PAGE}?again", PAGE):
            reply = fetch(instance, path)
            assert reply.status == 200, f"{instance.name} {path}: {reply.status}"
            assert reply.cache == "miss", f"{instance.name} {path}: {reply.cache}"
        assert new_summary in fetch(instance, PAGE).text
        assert fetch(instance, "/healthz").status == 200

    # Redis is back (empty): caching resumes, shared again, with no restart of the instances.
    redis.start()
    time.sleep(1.2)  # after a failure the cache rests for COMPARE_PAGE_CACHE_RETRY_SECONDS
    again, on_a = fetch(b, PAGE), fetch(a, PAGE)
    assert (again.status, again.cache, on_a.cache) == (200, "miss", "hit")

    for instance in (a, b):
        log = instance.output()
        assert log.count("Page cache unavailable") == 1, log  # one warning a minute, per process
        assert "Traceback" not in log, log
        assert '" 500 ' not in log, log
