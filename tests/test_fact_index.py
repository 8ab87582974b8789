"""The table's facts, held in memory per data version: kept while it stands, reloaded after an edit.

The other tests load the facts afresh for every request (settings.FACT_INDEX_REUSE
is off: a test's writes share one transaction, and so one data version). These turn
reuse on, as the site runs, with one edit each.
"""

import datetime

import pytest
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Max, Q, Value
from django.test.utils import CaptureQueriesContext

from compare.pagecache import request_version
from frameworks.models import (
    ClaimKind,
    Feature,
    Framework,
    Metric,
    PublicationStatus,
    Source,
    Support,
    Verdict,
    VerdictStatus,
    VerdictSummary,
)
from frameworks.pages.facts import SUMMARY_HOWS, FactIndex, Kept
from tests.factories import make_claim, make_feature, make_framework, support
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


def summed_up() -> dict[int, tuple]:
    """Each framework's verdicts summed up by the ORM, as VerdictSummary should hold them."""
    member = Q(kind=ClaimKind.CATEGORY, status=VerdictStatus.YES)
    disputed = member & Q(disputed=True)
    summary = {}
    for row in (
        Verdict.objects.order_by()
        .values("framework_id")
        .annotate(
            first_release=Max("year", filter=Q(kind=ClaimKind.FIRST_RELEASE)),
            stars=Max("value", filter=Q(kind=ClaimKind.FIGURE, metric=Metric.GITHUB_STARS)),
            lifecycle=Max("lifecycle", filter=Q(kind=ClaimKind.LIFECYCLE)),
            member_of=ArrayAgg("category_id", filter=member, default=Value([])),
            disputed_in=ArrayAgg("category_id", filter=disputed, default=Value([])),
        )
    ):  # fmt: skip
        summary[row["framework_id"]] = (
            row["first_release"], row["stars"], row["lifecycle"] or "",
            sorted(row["member_of"]), sorted(row["disputed_in"]),
            {how: set() for how in SUMMARY_HOWS},
        )  # fmt: skip
    for framework_id, how, feature_id in Verdict.objects.filter(
        kind=ClaimKind.FEATURE, status=VerdictStatus.YES
    ).values_list("framework_id", "how", "feature_id"):
        summary[framework_id][5][how].add(feature_id)
    return summary


def stored_summaries() -> dict[int, tuple]:
    def ids(text: str) -> list[int]:
        return sorted(int(id) for id in text.split(",")) if text else []

    return {
        s.framework_id: (
            s.first_release,
            s.github_stars,
            s.lifecycle,
            ids(s.member_of),
            ids(s.disputed_in),
            {how: set(ids(getattr(s, column))) for how, column in SUMMARY_HOWS.items()},
        )  # fmt: skip
        for s in VerdictSummary.objects.all()
    }


def test_each_frameworks_summary_is_its_verdicts_summed_up_after_every_kind_of_edit():
    assert stored_summaries() == summed_up()  # as loaded
    flask, django = Framework.objects.get(slug="flask"), Framework.objects.get(slug="django")
    feature = make_feature()
    claim = support(flask, feature, how="third_party")  # a claim added
    make_claim(flask, "figure", metric="github_stars", value=99_999_999,
               as_of=datetime.date(2026, 11, 1), as_of_precision="day")  # fmt: skip
    assert stored_summaries() == summed_up()
    assert stored_summaries()[flask.id][1] == 99_999_999
    assert feature.id in stored_summaries()[flask.id][5]["third_party"]
    claim.how = "built_in"  # a claim changed
    claim.save()
    assert feature.id in stored_summaries()[flask.id][5]["built_in"]
    assert stored_summaries() == summed_up()
    claim.delete()  # a claim deleted
    assert stored_summaries() == summed_up()
    # A source's date moved (which claims supersede which).
    source = Source.objects.filter(claims__framework=django, date__isnull=False).first()
    source.date = source.date.replace(year=2001)
    source.save()
    assert stored_summaries() == summed_up()
    newcomer = make_framework()
    support(newcomer, feature)
    assert newcomer.id in stored_summaries()
    newcomer.delete()  # a framework deleted: its summary goes with its verdicts
    assert newcomer.id not in stored_summaries()
    assert stored_summaries() == summed_up()


def test_the_facts_from_the_summaries_are_those_of_the_verdicts():
    index = FactIndex.load("default", request_version("default").token)
    published = set(Feature.objects.published().values_list("id", flat=True))
    summary = summed_up()
    for facts in index.frameworks:
        first_release, stars, lifecycle, member_of, disputed_in, ways = summary[facts.id]
        assert (facts.first_release, facts.github_stars, facts.lifecycle) == (
            first_release, stars, lifecycle,
        )  # fmt: skip
        assert sorted(category for category, _ in facts.categories) == member_of
        assert sorted(category for category, disputed in facts.categories if disputed) == (
            disputed_in
        )
        any_way = set().union(*ways.values()) & published
        assert facts.supported[Support.ANY] == any_way
        official = (ways["built_in"] | ways["official_extension"]) & published
        assert facts.supported[Support.OFFICIAL] == official
        assert facts.supported[Support.BUILT_IN] == ways["built_in"] & published
    django = next(facts for facts in index.frameworks if facts.slug == "django")
    assert django.speaks == {"wsgi", "asgi"}
    assert len(django.supported[Support.ANY]) > 20


def test_sets_of_features_are_taken_over_from_the_facts_before_unless_publication_changed():
    def load(previous=None):
        return FactIndex.load("default", request_version("default").token, previous)

    def supported_by_django(index):
        return next(f for f in index.frameworks if f.slug == "django").supported[Support.ANY]

    before = load()
    orm = Feature.objects.get(slug="orm")
    assert orm.id in supported_by_django(before)
    flask = Framework.objects.get(slug="flask")
    flask.summary += " Edited."
    flask.save()  # an edit that leaves Django's features as they were
    after_edit = load(before)
    assert supported_by_django(after_edit) is supported_by_django(before)  # made once
    orm.status = PublicationStatus.DRAFT
    orm.save()  # unpublished: no published framework may count it any more
    after_draft = load(after_edit)
    assert orm.id not in supported_by_django(after_draft)
    assert all(orm.id not in f.supported[Support.ANY] for f in after_draft.frameworks)


# --- Compare: each framework's column, made once per data version ----------------------


def claim_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "frameworks_claim"' in q["sql"]]


def test_a_comparison_takes_the_columns_already_made_and_shows_the_same_page(
    client, reused, settings
):
    client.get("/compare/?f=django&f=flask")
    fastapi = Framework.objects.get(slug="fastapi")
    query = "/compare/?f=flask&f=fastapi&f=django&diff=1"
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(query).content.decode()
    # Only FastAPI's claims were read: Django's and Flask's columns were kept.
    [claims] = claim_queries(queries)
    assert f"IN ({fastapi.id})" in claims
    settings.FACT_INDEX_REUSE = False  # every column made afresh
    assert client.get(query).content.decode() == kept
    assert "Flask, FastAPI and Django compared" in kept


def test_an_edited_claim_shows_in_the_next_comparison(client, reused):
    query = "/compare/?f=django&f=flask"
    feature = Feature.objects.get(slug="websockets")
    django = Framework.objects.get(slug="django")
    assert "A new quotation about Django" not in client.get(query).content.decode()
    support(django, feature, how="third_party", excerpt="A new quotation about Django")
    assert "A new quotation about Django" in client.get(query).content.decode()
    # and its value in the other frameworks' comparisons, the same column
    assert (
        "A new quotation about Django"
        in client.get("/compare/?f=fastapi&f=django").content.decode()
    )


def test_columns_kept_are_bounded_the_least_recently_used_dropped_first():
    kept, made = Kept(limit=2), []

    def make(keys):
        made.extend(keys)
        return {key: key.upper() for key in keys}

    assert kept.get_many(["a", "b"], make) == ["A", "B"]
    assert kept.get_many(["a", "c"], make) == ["A", "C"]  # b, least recently used, dropped
    assert kept.get_many(["b", "a"], make) == ["B", "A"]
    assert made == ["a", "b", "c", "b"]
