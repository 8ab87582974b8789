"""Running the site: backups that restore exactly, clear start-up errors, crash recovery."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from compare.database import StartupError, prepare_data_dir
from frameworks.dataset.export import export_document
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document
from frameworks.models import DataVersion, Framework, Source

BASE_DIR = settings.BASE_DIR
PYTHON = sys.executable


# --- Backups ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_data_exactly(tmp_path):
    """make backup, change things, make restore: everything is as it was at the backup."""
    load_document(read_fixtures(BASE_DIR / "fixtures"), mode=Mode.INITIAL)  # if flushed earlier
    before = export_document()
    at_backup = DataVersion.current()
    call_command("backup", to=tmp_path, stdout=io.StringIO())
    (backup,) = tmp_path.glob("compare-*.dump")

    Framework.objects.get(slug="flask").delete()
    source = Source.objects.get(slug="earthly-2024")
    source.title = "Changed after the backup"
    source.save()
    assert export_document() != before

    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(backup))  # no terminal to confirm in: refused
    changed = DataVersion.current()
    call_command("restore", str(backup), yes=True, stdout=io.StringIO())
    assert export_document() == before
    restored = DataVersion.current()
    assert restored.token not in (changed.token, at_backup.token), "no cached page survives it"


def test_restoring_a_file_that_is_not_a_backup_says_so(tmp_path):
    bogus = tmp_path / "notes.dump"
    bogus.write_text("not a dump")
    with pytest.raises(CommandError, match="not a backup made by make backup"):
        call_command("restore", str(bogus), yes=True)
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), yes=True)


# --- Start-up errors ----------------------------------------------------------------------


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SECRET_KEY": "", **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("file", "exists but is not a folder"),
        ("under-a-file", "Cannot create the data folder"),
    ],
)
def test_an_unusable_data_folder_is_one_clear_line(tmp_path, layout, message):
    (tmp_path / "data").write_text("I am a file")
    data_dir = tmp_path / "data" if layout == "file" else tmp_path / "data" / "inside"
    result = manage("check", COMPARE_DATA_DIR=str(data_dir), DATABASE_URL="")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_read_only_data_folder_is_one_clear_line(tmp_path, monkeypatch):
    """As root every folder is writable, so the read-only case is simulated at the check."""
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(StartupError, match="is not writable"):
        prepare_data_dir(tmp_path)


# --- Crash recovery -----------------------------------------------------------------------


def free_port() -> int:
    """A port the system has just handed out, so two test workers never pick the same one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_for(url: str, status: int, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if get(url) == status:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s")


@pytest.fixture
def served(tmp_path):
    """gunicorn on a spare port with its own embedded PostgreSQL, as make run starts it."""
    port = free_port()
    environment = {
        **os.environ,
        "COMPARE_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": "",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "DJANGO_SECRET_KEY": "x" * 50,
    }
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=environment,
                   check=True, timeout=120)  # fmt: skip
    processes = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "compare/gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        return process

    yield start, f"http://127.0.0.1:{port}", tmp_path / "data" / "postgres"
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        process.stderr.close()


def test_after_the_master_and_postgres_are_killed_the_site_comes_back_at_the_next_start(served):
    start, url, pgdata = served
    first = start()
    wait_for(f"{url}/healthz", 200, 30)
    stop = threading.Event()

    def traffic():
        while not stop.is_set():
            get(f"{url}/")

    visitors = [threading.Thread(target=traffic) for _ in range(4)]
    for visitor in visitors:
        visitor.start()
    try:
        time.sleep(1)
        postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
        os.kill(first.pid, signal.SIGKILL)
        os.kill(postmaster, signal.SIGKILL)
        first.wait()
        time.sleep(1)

        second = start()
        recovery = wait_for(f"{url}/healthz", 200, 30)
        assert second.poll() is None, second.stderr.read()
        assert recovery < 30
    finally:
        stop.set()
        for visitor in visitors:
            visitor.join()


def test_a_busy_port_is_one_line_naming_the_process_that_holds_it(served):
    start, url, _ = served
    first = start()
    wait_for(f"{url}/healthz", 200, 30)
    second = start()
    second.wait(timeout=30)
    assert second.returncode != 0
    message = [line for line in second.stderr.read().splitlines() if "already in use" in line]
    assert len(message) == 1
    assert "kill" in message[0]
    assert Path(f"/proc/{first.pid}").exists(), "the running site is left alone"
