"""Security headers on every kind of response, and HTTPS-only settings when HTTPS is on."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

# Every kind of response: pages, errors, data files, the admin, static files.
RESPONSES = {
    "/": 200,
    "/frameworks/django/": 200,
    "/compare/?f=django&f=flask": 200,
    "/compare/?f=django": 400,
    "/compare/": 200,
    "/choose/?must=orm&nice=websockets:high": 200,
    "/choose/?must=bogus": 400,
    "/choose.json?must=orm": 200,
    "/?category=bogus": 400,
    "/no-such-page/": 404,
    "/table.csv": 200,
    "/data/dataset.json": 200,
    "/sitemap.xml": 200,
    "/robots.txt": 200,
    "/healthz": 200,
    "/admin/login/": 200,
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*RESPONSES, "static:favicon.svg"])
def test_every_response_carries_the_security_headers(client, path):
    if path.startswith("static:"):
        path, status = staticfiles_storage.url(path.removeprefix("static:")), 200
    else:
        status = RESPONSES[path]
    response = client.get(path)
    response.close()  # a static file is streamed from an open file
    assert response.status_code == status

    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    directives = csp_directives(policy)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


HTTPS_PROBE = """
import json
import django
django.setup()
from django.test import Client

plain = Client().get("/admin/login/")
secure = Client().get("/admin/login/", headers={"X-Forwarded-Proto": "https"})
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "hsts": secure.headers.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": django.conf.settings.SESSION_COOKIE_SECURE,
}))
"""


def probe(https: bool) -> dict:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "compare.settings",
        "DATABASE_URL": "postgresql://compare@db.invalid/compare",  # never reached
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_HTTPS": "1" if https else "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", HTTPS_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_https_on_plain_http_redirects_and_cookies_are_secure_with_hsts():
    found = probe(https=True)
    assert found["plain_status"] == 301
    assert found["plain_location"] == "https://testserver/admin/login/"
    assert "max-age=31536000" in found["hsts"]
    assert "includeSubDomains" in found["hsts"]
    assert found["csrf_cookie_secure"]
    assert found["session_cookie_secure"]


def test_without_https_there_is_no_hsts_and_no_redirect():
    # Over plain HTTP on a laptop, HSTS would lock the browser out of 127.0.0.1.
    found = probe(https=False)
    assert found["plain_status"] == 200
    assert found["hsts"] == ""
    assert not found["csrf_cookie_secure"]
