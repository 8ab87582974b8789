"""The walking skeleton: configuration, the embedded database, health and home pages."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError

from compare.database import database_config, repair_pid_file
from tests.factories import make_category, make_claim, make_framework

PRODUCTION_LIKE = {
    "PATH": os.environ["PATH"],
    "DATABASE_URL": "postgresql://compare@db.invalid/compare",
    "DJANGO_DEBUG": "0",
}


def run_settings(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import compare.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_without_a_secret_key_refuse_to_start_with_one_line():
    result = run_settings(PRODUCTION_LIKE)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert "DJANGO_SECRET_KEY" in message
    assert "\n" not in message, "a one-line message, not a traceback"


def test_production_settings_start_when_the_key_is_given():
    result = run_settings({**PRODUCTION_LIKE, "DJANGO_SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


def test_a_socket_directory_url_puts_the_directory_in_host_so_dbshell_works():
    config = database_config("postgresql://postgres:@/compare?host=/srv/data/postgres")
    assert config["HOST"] == "/srv/data/postgres"
    assert "host" not in config.get("OPTIONS", {})
    assert config["NAME"] == "compare"


@pytest.mark.django_db
def test_a_page_s_queries_are_planned_once_per_connection(client):
    """psycopg prepares a query run five times on a connection; PostgreSQL then plans
    it once instead of on every request (server-side binding makes that possible)."""
    from django.db import connection

    for _ in range(6):
        assert client.get("/frameworks/django/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] > 0


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them():
    url = "postgresql://compare@db:5432/compare"
    assert database_config(url)["OPTIONS"]["server_side_binding"] is True
    assert database_config(url)["OPTIONS"]["prepare_threshold"] == 5
    options = database_config(url, prepared_statements=False)["OPTIONS"]
    assert options["prepare_threshold"] is None


def test_database_connections_persist_with_health_checks():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("content", ["", "not json", "{}"])
def test_a_broken_pid_file_is_repaired(tmp_path, content):
    (tmp_path / ".handle_pids.json").write_text(content)
    assert repair_pid_file(tmp_path) == []
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == []


def test_dead_pids_are_dropped_and_live_ones_kept(tmp_path):
    dead = 2**22 + 12345  # above the kernel's pid limit, so never alive
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), dead]))
    assert repair_pid_file(tmp_path) == [os.getpid()]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_answers_503_with_a_short_message_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("frameworks.views.site.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"database unavailable\n"


@pytest.mark.django_db
def test_home_lists_published_frameworks_with_their_categories(client):
    category = make_category(slug="serverless", name="Serverless")
    shown = make_framework(name="Cloudy")
    hidden = make_framework(name="Secretive", status="draft")
    for framework in (shown, hidden):
        make_claim(framework, "category", category=category)

    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(">Cloudy</a>") :]
    assert "Serverless" in row[: row.index("</th>")]
    assert "Secretive" not in page


@pytest.mark.django_db
def test_admin_login_page_answers(client):
    assert client.get("/admin/login/").status_code == 200


# --- What make test needs from the system ---------------------------------------------------


@pytest.fixture
def bare_system(tmp_path):
    """A PATH with a shell and apt, but no Chromium, Java or npm, as a user who is not root."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "env"):
        (bin_dir / tool).symlink_to(subprocess.run(
            ["which", tool], capture_output=True, text=True, check=True
        ).stdout.strip())  # fmt: skip
    for name, body in (("id", "echo 1000"), ("apt-get", "exit 0"), ("sudo", "exit 1")):
        (bin_dir / name).write_text(f"#!/bin/bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return {"PATH": str(bin_dir)}


SYSTEM_PACKAGES = str(settings.BASE_DIR / "tests" / "browser" / "system-packages.sh")


def test_without_chromium_and_no_way_to_install_it_make_test_stops_at_once_and_says_how(
    bare_system,
):
    result = subprocess.run(
        ["bash", SYSTEM_PACKAGES], env=bare_system, capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "needs Chromium, Java, npm" in lines[0]
    assert "apt-get install -y chromium" in lines[1]
    assert "CHROMIUM=" in lines[1]


def test_a_chromium_named_by_chromium_that_is_not_there_is_said_plainly(bare_system):
    environment = {**bare_system, "CHROMIUM": "/nowhere/chromium"}
    result = subprocess.run(
        ["bash", SYSTEM_PACKAGES], env=environment, capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 1
    assert "CHROMIUM=/nowhere/chromium is not an executable file" in result.stderr
