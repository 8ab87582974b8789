"""Read replicas: public pages read from one, everything else uses the primary.

With DATABASE_REPLICA_URLS set, an anonymous visitor's page (and the data version
it is cached under) is read from one replica, chosen per request; staff, the
admin, writes and migrations use the primary. A replica runs a little behind the
primary: a page may show the data as it was a moment ago, never a mix, because
the page and its version come from the same replica.
"""

from compare.pagecache import public_read_database


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return public_read_database()  # None: the primary

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, first, second, **hints):
        return True  # the replicas are copies of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
