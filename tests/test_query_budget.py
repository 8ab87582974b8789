"""Every public page runs a bounded number of queries, however big the data."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from frameworks.dataset.export import export_stream
from frameworks.models import Framework
from frameworks.pages.facts import FactIndex, current_index
from tests.http import body
from tests.scale import grow_dataset

QUERY_BUDGET = 10
PAGES = [
    "/",
    "/?category=asynchronous&feature=orm&extensions=on&interface=wsgi&active=yes&sort=stars",
    "/?q=async&since=2005&until=2020&hide=apis&sort=-release",
    # Nothing matches: every hint (support of any kind, each filter dropped) in one count.
    "/?category=asynchronous&feature=admin-panel&feature=orm&support=built_in&interface=wsgi",
    "/table.csv",
    "/table.json?feature=routing",
    "/frameworks/django/",
    "/frameworks/gen-framework-7/",
    "/features/",
    "/features/orm/",
    "/features/orm.csv",
    "/features/orm.json",
    "/categories/",
    "/categories/asynchronous/",
    "/sources/",
    "/sources/netguru-2023/",
    "/compare/?f=django&f=flask&f=fastapi&f=gen-framework-1&f=gen-framework-2&f=gen-framework-3",
    "/compare.csv?f=django&f=gen-framework-4",
    "/compare.json?f=django&f=gen-framework-4&diff=1",
    # Every preset's needs at once (authentication has a cell disputed on how: one more query),
    # a generated feature, and every constraint.
    "/choose/?must=templates&must=orm&must=authentication:official&must=admin-panel"
    "&nice=websockets:high&nice=gen-feature-3&nice=openapi:low&nice=migrations&nice=rest"
    "&category=full-stack&interface=wsgi&lifecycle=maintained&python=3.12",
    "/choose/?must=async-handlers&lifecycle=any",  # hundreds ranked: ten in full
    "/choose/",
    # The form narrowed to a group and a search that finds hundreds, a generated need chosen.
    "/choose/?find=generated&group=gen-group-7&must=gen-feature-40",
    "/choose.csv?must=rest&nice=openapi:high&nice=authentication",
    "/choose.json?must=rest&nice=openapi:high&nice=authentication&lifecycle=any",
    "/data/",
    "/data/dataset.json",
    "/changes/",
    "/sitemap.xml",
    "/sitemap-frameworks.xml",
    "/sitemap-sources.xml",
]


# Beyond these a page is not bounded: the table pages its rows and names a limited
# number of column groups, framework pages name a limited number of unknown features,
# /choose/ lists a limited number of features, ranked and ruled-out frameworks.
CHOOSE_PAGES = [url for url in PAGES if url.startswith("/choose/")]
BYTE_BUDGET = dict.fromkeys(
    ["/", "/frameworks/django/", "/frameworks/gen-framework-7/", *CHOOSE_PAGES], 150_000
)


def grown(times: int, django_db_blocker):
    """The real dataset grown ``times`` over for a class of tests, then rolled back."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            frameworks = Framework.objects.count()
            grow_dataset(times)
            assert Framework.objects.count() == times * frameworks
            with connection.cursor() as cursor:
                # Check the deferred foreign keys once now, not at every test's rollback.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def within_budgets(client, url: str, times: int) -> None:
    """The page's own queries, once this process holds the facts of this data version
    (they load once per version: see test_the_facts_load_in_a_fixed_number_of_queries)."""
    current_index()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content = body(response)  # a streamed export queries as it streams
    assert response.status_code == 200
    assert len(queries) <= QUERY_BUDGET, "\n".join(q["sql"][:200] for q in queries)
    if url in BYTE_BUDGET:
        assert len(content.encode()) <= BYTE_BUDGET[url], f"{url} at {times}x"


# Exports grow with the data by design (they stream): their queries are counted at 10x.
EXPORTS = {"/table.csv", "/table.json?feature=routing", "/data/dataset.json"}


@pytest.fixture(autouse=True)
def facts_kept(settings):
    settings.FACT_INDEX_REUSE = True


@pytest.mark.django_db
class TestAtTenTimesTheData:
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def ten_times(cls, django_db_setup, django_db_blocker):
        yield from grown(10, django_db_blocker)

    @pytest.mark.parametrize("url", PAGES)
    def test_every_public_page_stays_within_its_query_and_byte_budgets(self, client, url):
        within_budgets(client, url, 10)

    def test_the_facts_load_in_a_fixed_number_of_queries(self):
        assert_facts_load_within_budget()


@pytest.mark.django_db
class TestAtAHundredTimesTheData:
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def hundred_times(cls, django_db_setup, django_db_blocker):
        yield from grown(100, django_db_blocker)

    @pytest.mark.parametrize("url", [url for url in PAGES if url not in EXPORTS])
    def test_every_public_page_stays_within_its_query_and_byte_budgets(self, client, url):
        within_budgets(client, url, 100)

    def test_the_public_dataset_starts_streaming(self):
        """Its head lists every source: more of them than PostgreSQL takes parameters in
        one query (65,535), which once made /data/dataset.json fail. Then the first
        frameworks; closed early, as by a client that leaves, so the cursors close."""
        stream = export_stream(published_only=True)
        try:
            head = "".join(next(stream) for _ in range(4))
        finally:
            stream.close()
        assert head.startswith('{"format": ')
        assert head.count('"slug": "gen-source-') > 65_535
        assert '"frameworks": [{"slug": ' in head

    def test_the_facts_load_in_a_fixed_number_of_queries(self):
        assert_facts_load_within_budget()


def assert_facts_load_within_budget() -> None:
    """Five queries: taxonomy, categories, names, WSGI/ASGI and the verdicts' summaries."""
    with CaptureQueriesContext(connection) as queries:
        index = FactIndex.load("default", "test")
    assert len(index.frameworks) == Framework.objects.published().count()
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 5, "\n".join(sql[:120] for sql in statements)
