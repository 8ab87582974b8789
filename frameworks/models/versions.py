"""The data version: one row that changes whenever curated data does.

Database triggers keep it (frameworks/sql/data_version_v1.sql), so every way of
writing (the admin, the loaders, an import, the shell, a restore) moves it, once
per transaction. The page cache keys pages by it and sends it as the ETag.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connections, models

from compare.database import as_health_check


@dataclass(frozen=True)
class Version:
    token: str
    changed: datetime.datetime | None


# Before the first write (or after a test suite's flush) there is no row yet.
NO_VERSION = Version("none", None)


class DataVersion(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.UUIDField(help_text="New for every transaction that changes curated data.")
    transaction = models.BigIntegerField(help_text="The PostgreSQL transaction that set it.")
    changed = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_data_version")]

    def __str__(self) -> str:
        return f"{self.token} ({self.changed:%Y-%m-%d %H:%M:%S})"

    @staticmethod
    def current(using: str = "default") -> Version:
        """The version now, in one cheap query (no ORM: this runs on every page request).

        It is also the request's check that a kept connection still works, which
        Django would otherwise make with a ``SELECT 1`` first: a second round trip
        for every cached page.
        """
        return as_health_check(using, lambda: DataVersion._read(using))

    @staticmethod
    def _read(using: str) -> Version:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT token, changed FROM frameworks_dataversion WHERE id = 1")
            row = cursor.fetchone()
        return Version(row[0].hex, row[1]) if row else NO_VERSION

    @staticmethod
    def bump(using: str = "default") -> None:
        """A new version without a data change: after a restore, say, so no cache survives it."""
        with connections[using].cursor() as cursor:
            cursor.execute(
                "INSERT INTO frameworks_dataversion (id, token, transaction, changed)"
                " VALUES (1, gen_random_uuid(), txid_current(), now())"
                " ON CONFLICT (id) DO UPDATE SET token = excluded.token,"
                " transaction = excluded.transaction, changed = excluded.changed"
            )
