"""The table's facts, held in memory per data version: kept while it stands, reloaded after an edit.

The other tests load the facts afresh for every request (settings.FACT_INDEX_REUSE
is off: a test's writes share one transaction, and so one data version). These turn
reuse on, as the site runs, with one edit each.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compare.pagecache import request_version
from frameworks.models import Feature, Framework
from frameworks.pages.facts import FactIndex
from tests.factories import make_framework, support
from tests.test_table import row_slugs

pytestmark = pytest.mark.django_db


@pytest.fixture
def reused(settings):
    settings.FACT_INDEX_REUSE = True


def test_a_table_request_with_the_facts_loaded_asks_for_the_version_and_the_cells_only(
    client, reused
):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?category=asynchronous&feature=websockets&sort=stars")
    assert response.status_code == 200
    assert row_slugs(response), "the query shows rows, so their cells were asked for"
    assert len(queries) == 2, [query["sql"][:100] for query in queries]


def test_a_rename_shows_on_the_next_request(client, reused):
    assert "Flask" in client.get("/").content.decode()
    flask = Framework.objects.get(slug="flask")
    flask.name = "Flask, renamed"
    flask.save()
    assert "Flask, renamed" in client.get("/").content.decode()


def test_a_new_claim_changes_the_rows_and_counts_on_the_next_request(client, reused):
    feature = Feature.objects.get(slug="websockets")
    query = f"/?feature={feature.slug}&q=Newcomer"
    assert row_slugs(client.get(query)) == []
    newcomer = make_framework(slug="newcomer", name="Newcomer")
    support(newcomer, feature, how="built_in")
    assert row_slugs(client.get(query)) == ["newcomer"]


def test_a_framework_published_after_the_facts_were_loaded_is_read_from_the_database():
    index = FactIndex.load("default", request_version("default").token)
    django = Framework.objects.get(slug="django")
    newcomer = make_framework(slug="newcomer", name="Newcomer")
    found = index.frameworks_by_id([newcomer.id, django.id])
    assert [framework.slug for framework in found.values()] == ["newcomer", "django"]
    assert index.name_rank(newcomer.id) == len(index.frameworks)  # sorted after the others
