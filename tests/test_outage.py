"""While the database is down, visitors get a short 503 page and the logs stay small."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError, connection
from django.templatetags.static import static
from django.test import Client

from compare.errors import QuietOutageFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every new query fails as it does when PostgreSQL has stopped."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server on socket "/x/.s.PGSQL.5432" failed')

    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr(QuietOutageFilter, "last_traceback", float("-inf"))


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/", "/frameworks/django/", "/compare/?f=django&f=flask"])
def test_a_page_needing_the_database_is_a_503_with_retry_after(database_down, visitor, url):
    response = visitor.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.content.decode()


def test_static_files_and_the_health_check_keep_answering(database_down, visitor):
    assert visitor.get("/healthz").status_code == 503
    stylesheet = visitor.get(static("css/site.css"))
    stylesheet.close()
    assert stylesheet.status_code == 200


def test_an_outage_logs_one_line_per_request_and_one_traceback_a_minute(
    database_down, visitor, caplog
):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        for _ in range(20):
            visitor.get("/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 20
    assert sum(1 for r in records if r.exc_info) == 1
    assert all("database unavailable" in r.getMessage() for r in records[1:])
    formatter = logging.Formatter()
    assert max(len(formatter.format(r)) for r in records[1:]) < 400


def test_other_errors_are_still_a_500_with_their_traceback(monkeypatch, visitor, caplog):
    def fail(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("frameworks.views.pages.detail.framework_page", fail)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = visitor.get("/frameworks/django/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert any(r.exc_info for r in caplog.records)
