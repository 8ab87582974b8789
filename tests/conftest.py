import fcntl

import pytest
from django.conf import settings
from django.db import connection

from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document
from frameworks.models import Framework, Verdict

FIXTURES = settings.BASE_DIR / "fixtures"
SQL = settings.BASE_DIR / "frameworks" / "sql"
# The rule and the data version's triggers, as the files state them now.
DATABASE_SQL = [
    SQL / "verdict_rule_v3.sql",
    SQL / "verdict_store_v2.sql",
    SQL / "data_version_v1.sql",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real dataset.

    Loading is idempotent, so a reused test database costs one comparison;
    update and prune bring a reused one in line with edited fixture files.
    Tests run inside a transaction that is rolled back, so they may change
    the data freely. Transactional (live-server) tests flush the tables and
    load what they need themselves.
    """
    with django_db_blocker.unblock():
        # A reused test database keeps the rule its migration once created; the
        # tests are about the rule as the files state it now.
        with connection.cursor() as cursor:
            for path in DATABASE_SQL:
                cursor.execute(path.read_text())
            Verdict.recompute_all()
        load_document(read_fixtures(FIXTURES), mode=Mode.REPLACE)


@pytest.fixture(scope="session", autouse=True)
def collected_static_files():
    """Serve pages as production does: from collected, hashed static files.

    A template that names a missing static file then fails here, not in production.
    """
    from django.core.management import call_command

    # One worker at a time (pytest-xdist runs several): collectstatic rewrites the files.
    lock = settings.BASE_DIR / ".collectstatic.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; a deliberately slow hash would cost seconds each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def rendered_afresh(settings):
    """Every test sees pages rendered for it, from facts loaded for it; tests of the page
    cache and of the table's fact index turn them back on.

    The cache is keyed by the data version, which every curated write moves, but a
    test may also change settings or code paths that a cached page would hide.
    """
    settings.PAGE_CACHE = False
    settings.FACT_INDEX_REUSE = False


def _flushes(item) -> bool:
    """A transactional test (a live server, a real commit) empties every table after it."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db", "site"} & set(item.fixturenames)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Load the dataset again after a flush, before a test that expects it.

    pytest-django runs transactional tests last, but pytest-xdist hands each worker
    whole files in its own order, so a flushed database may be followed by any test.
    """
    result = yield
    if _flushes(item) and nextitem is not None and not _flushes(nextitem):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            if not Framework.objects.exists():
                load_document(read_fixtures(FIXTURES), mode=Mode.INITIAL)
    return result
