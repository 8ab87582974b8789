"""The comparison table at /: filters, facet counts, sorting, open data, bad input."""

import csv
import datetime
import html
import io
import json
import re

import pytest
from django.http import QueryDict

from frameworks.models import Category, ClaimKind, Feature, Framework, Verdict
from tests.factories import make_claim, make_framework, make_source, support
from tests.http import body

pytestmark = pytest.mark.django_db


def row_slugs(response) -> list[str]:
    """Framework slugs of the rows on one page of the table, in order."""
    return re.findall(r'name="f" value="([^"]+)" id="pick-', response.content.decode())


def all_rows(client, query: str = "") -> list[str]:
    """Framework slugs of every row, following the table's pages."""
    slugs, page = [], 1
    while True:
        response = client.get(f"/?{query}&page={page}")
        slugs += row_slugs(response)
        if 'rel="next"' not in response.content.decode():
            return slugs
        page += 1


def published_in(category: str) -> set[str]:
    return set(
        Verdict.objects.memberships()
        .filter(category__slug=category, framework__status="published")
        .values_list("framework__slug", flat=True)
    )


def supporting(feature: str, support: str = "any") -> set[str]:
    return set(
        Verdict.objects.supported(support)
        .filter(feature__slug=feature, framework__status="published")
        .values_list("framework__slug", flat=True)
    )


def test_the_table_lists_every_published_framework_but_the_discontinued_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    discontinued = set(
        Verdict.objects.filter(kind="lifecycle", lifecycle="discontinued").values_list(
            "framework__slug", flat=True
        )
    )
    published = set(Framework.objects.published().values_list("slug", flat=True))
    assert discontinued, "the data has discontinued frameworks"
    assert set(all_rows(client)) == published - discontinued
    assert set(all_rows(client, "lifecycle=any")) == published


def test_the_table_has_a_caption_header_scopes_and_a_legend(client):
    page = client.get("/").content.decode()
    assert "<caption" in page
    assert 'scope="col"' in page
    assert 'scope="row"' in page
    assert 'scope="colgroup"' in page
    assert 'class="legend"' in page


def test_the_category_filter_keeps_only_that_category(client):
    response = client.get("/?category=asynchronous")
    assert set(row_slugs(response)) == published_in("asynchronous")
    assert "fastapi" in row_slugs(response)
    assert "django" not in row_slugs(response)


def test_several_categories_keep_the_frameworks_in_all_of_them(client):
    response = client.get("/?category=asynchronous&category=microframework")
    assert set(row_slugs(response)) == published_in("asynchronous") & published_in("microframework")


def test_must_have_features_count_every_way_of_support_by_default(client):
    slugs = set(all_rows(client, "feature=orm"))
    assert slugs == supporting("orm") - discontinued()
    assert {"django", "flask"} <= slugs, "Flask's ORM is a third-party package, and counts"


@pytest.mark.parametrize(
    ("support", "ways"),
    [("built_in", {"built_in"}), ("official", {"built_in", "official_extension"})],
)
def test_the_support_choice_narrows_what_counts(client, support, ways):
    slugs = set(all_rows(client, f"feature=orm&support={support}"))
    assert slugs == supporting("orm", support) - discontinued()
    hows = set(
        Verdict.objects.filter(feature__slug="orm", framework__slug__in=slugs).values_list(
            "how", flat=True
        )
    )
    assert hows <= ways
    assert "django" in slugs
    assert "flask" not in slugs, "Flask's ORM is a third-party package"


def test_the_feature_counts_agree_with_the_rows_and_the_features_page(client):
    """The ORM count was 4 in the filter and 10 on /features/."""
    for counted_as in ["any", "built_in"]:
        page = client.get(f"/?support={counted_as}&columns=data").content.decode()
        count = int(re.search(r'id="f-feature-orm"[^>]*> ORM <span class="count">(\d+)', page)[1])
        assert count == len(all_rows(client, f"feature=orm&support={counted_as}"))
    features = client.get("/features/").content.decode()
    orm = re.search(r'href="/features/orm/">ORM</a> <span class="count">(\d+) framework', features)
    table_any = len(all_rows(client, "feature=orm&lifecycle=any"))
    assert int(orm[1]) == table_any


def test_several_must_have_features_are_all_required(client):
    slugs = set(all_rows(client, "feature=orm&feature=admin-panel"))
    assert slugs == supporting("orm") & supporting("admin-panel") - discontinued()
    assert "django" in slugs


def test_an_empty_result_says_which_choice_would_widen_it(client):
    page = client.get(
        "/?category=asynchronous&feature=admin-panel&support=built_in"
    ).content.decode()
    assert "No framework matches all of these filters." in page
    empty = page[page.index('class="empty"') :]
    widen = re.search(r"(\d+) frameworks? if extensions and third-party packages count", empty)
    assert widen
    assert int(widen[1]) == len(all_rows(client, "category=asynchronous&feature=admin-panel"))


def test_each_hint_for_an_empty_result_counts_what_its_link_shows(client):
    page = client.get(
        "/?category=asynchronous&feature=admin-panel&feature=orm&support=built_in&interface=wsgi"
    ).content.decode()
    empty = page[page.index('class="empty"') :]
    hints = re.findall(r'<li><a href="\?([^"]+)">(\d+) frameworks? ([^<]+)</a></li>', empty)
    assert hints, empty[:2000]
    for query, count, label in hints:
        shown = client.get("/?" + html.unescape(query)).content.decode()
        title = re.search(r'<h2 id="results-title">(\d+) frameworks?</h2>', shown)
        assert title, label
        assert int(title[1]) == int(count), label


def test_the_filters_in_force_show_as_chips_that_remove_themselves(client):
    page = client.get("/?category=asynchronous&feature=websockets&interface=asgi").content.decode()
    chips = page[page.index('class="chips"') :]
    chips = chips[: chips.index("</ul>")]
    assert "Asynchronous" in chips
    assert "Has WebSockets" in chips
    assert 'href="?feature=websockets&amp;interface=asgi"' in chips
    assert 'href="?category=asynchronous&amp;interface=asgi"' in chips


def test_a_required_features_columns_come_first(client):
    page = client.get("/?feature=websockets").content.decode()
    header = page[page.index('<tr class="features">') :]
    first = re.search(r'<th scope="col"><a href="/features/([^/]+)/"', header)[1]
    assert first == "websockets"
    assert 'scope="colgroup" colspan="1">Must have</th>' in page


def test_the_table_comes_a_page_at_a_time_keeping_the_filters(client):
    first = client.get("/?lifecycle=any").content.decode()
    assert len(re.findall(r'name="f" value=', first)) == 30
    assert 'href="?lifecycle=any&amp;page=2" rel="next"' in first
    second = client.get("/?lifecycle=any&page=2").content.decode()
    assert 'rel="prev"' in second


def discontinued() -> set[str]:
    return set(
        Verdict.objects.filter(kind="lifecycle", lifecycle="discontinued").values_list(
            "framework__slug", flat=True
        )
    )


def test_the_interface_filter_keeps_wsgi_or_asgi_or_neither(client):
    wsgi = set(all_rows(client, "interface=wsgi"))
    asgi = set(all_rows(client, "interface=asgi"))
    other = set(all_rows(client, "interface=other"))
    assert {"django", "flask"} <= wsgi
    assert "starlette" in asgi
    assert not other & (wsgi | asgi)
    assert other | wsgi | asgi == set(all_rows(client))


def test_the_lifecycle_filter_hides_discontinued_frameworks_unless_asked(client):
    bfg = Framework.objects.get(slug="repoze-bfg")
    own_docs = make_source(
        kind="documentation", framework=bfg, date=None, date_precision="unknown",
        retrieved=datetime.date(2026, 11, 28),
    )  # fmt: skip
    make_claim(bfg, "lifecycle", lifecycle="discontinued", year=2010, source=own_docs)
    assert Verdict.objects.get(framework=bfg, kind="lifecycle").lifecycle == "discontinued"

    default = set(all_rows(client))
    everything = set(all_rows(client, "lifecycle=any"))
    gone = set(all_rows(client, "lifecycle=discontinued"))
    active = set(all_rows(client, "lifecycle=active"))
    assert "repoze-bfg" not in default
    assert "repoze-bfg" in everything
    assert "repoze-bfg" in gone
    assert not gone & default
    assert "django" in active
    assert "django" in default
    assert not active & gone
    assert client.get("/frameworks/repoze-bfg/").status_code == 200, "its page stays reachable"


def test_the_first_release_range(client):
    slugs = set(all_rows(client, "since=2009&until=2016&lifecycle=any"))
    years = dict(
        Verdict.objects.filter(kind=ClaimKind.FIRST_RELEASE).values_list("framework__slug", "year")
    )
    assert slugs == {slug for slug, year in years.items() if 2009 <= year <= 2016}
    assert "tornado" in slugs
    assert "django" not in slugs


def test_text_search_matches_names_and_summaries(client):
    assert row_slugs(client.get("/?q=tornado"))[0] == "tornado"
    slugs = row_slugs(client.get("/?q=asyncio"))
    assert slugs
    assert "django" not in slugs


def test_sorting_by_github_stars_puts_the_most_starred_first(client):
    slugs = row_slugs(client.get("/?sort=stars"))
    stars = dict(
        Verdict.objects.filter(kind=ClaimKind.FIGURE, metric="github_stars").values_list(
            "framework__slug", "value"
        )
    )
    starred = [slug for slug in slugs if slug in stars]
    assert starred == sorted(starred, key=lambda slug: -stars[slug])
    assert slugs[: len(starred)] == starred, "frameworks without a figure come last"


def test_sorting_by_first_release_and_by_supported_features(client):
    oldest = row_slugs(client.get("/?sort=release"))
    newest = row_slugs(client.get("/?sort=-release"))
    assert oldest.index("cherrypy") < oldest.index("fastapi")
    assert newest.index("fastapi") < newest.index("cherrypy")
    most = row_slugs(client.get("/?sort=features&lifecycle=any"))
    assert most.index("django") < most.index("hug")


def test_each_option_shows_how_many_frameworks_would_remain(client):
    page = client.get("/").content.decode()
    for option in ("asynchronous", "full-stack"):
        shown = re.search(rf'value="{option}"[^>]*> [^<]+ <span class="count">(\d+)<', page)
        remaining = len(all_rows(client, f"category={option}"))
        assert int(shown.group(1)) == remaining
    orm = re.search(r'value="orm"[^>]*> [^<]+ <span class="count">(\d+)<', page)
    assert int(orm.group(1)) == len(all_rows(client, "feature=orm"))


def test_facet_counts_follow_the_other_filters(client):
    page = client.get("/?category=asynchronous").content.decode()
    asgi = re.search(r'value="asgi"[^>]*> ASGI <span class="count">(\d+)<', page)
    assert int(asgi.group(1)) == len(
        row_slugs(client.get("/?category=asynchronous&interface=asgi"))
    )


@pytest.mark.parametrize(
    "query", ["category=asynchronous", "interface=wsgi", "lifecycle=any&category=full-stack"]
)
def test_every_interface_and_lifecycle_count_is_what_choosing_it_shows(client, query):
    """Counted in Python from grouped rows (pages.table._at_stage): each must match the
    rows its choice filters in SQL (filters.lifecycle_condition, interface_condition)."""
    page = client.get(f"/?{query}").content.decode()
    options = re.findall(
        r'name="(interface|lifecycle)" value="([a-z_]*)"[^>]*> [^<]+<span class="count">(\d+)<',
        page,
    )
    assert len(options) == 3 + 5, options  # wsgi, asgi, other; default, any and three stages
    base = QueryDict(query, mutable=True)
    for name, value, count in options:
        base[name] = value
        assert len(all_rows(client, base.urlencode())) == int(count), (name, value)
        base = QueryDict(query, mutable=True)


def test_the_columns_are_the_chosen_feature_groups(client):
    default = client.get("/").content.decode().split('<table class="matrix">')[1]
    assert "/features/orm/" in default
    assert "/features/csrf-protection/" not in default, "security is a tick away"
    chosen = client.get("/?columns=security").content.decode().split('<table class="matrix">')[1]
    assert "/features/csrf-protection/" in chosen
    assert "/features/orm/" not in chosen


@pytest.fixture
def quarrels():
    """A framework whose sources disagree on one feature's status and on another's how."""
    framework = make_framework(slug="quarrel", name="Quarrel")
    make_claim(framework, "category", category=Category.objects.get(slug="microframework"))
    status, how = Feature.objects.get(slug="orm"), Feature.objects.get(slug="rest")
    support(framework, status, "yes", how="built_in", package="Quarrel ORM")
    support(framework, status, "no")
    support(framework, how, "yes", how="built_in")
    support(framework, how, "yes", how="third_party", package="Quarrel-REST")
    return framework


def row_of(page: str, slug: str) -> str:
    row = page[page.index(f'value="{slug}" id="pick-{slug}"') :]
    return row[: row.index("</tr>")]


def test_a_cell_shows_the_package_and_a_mark_when_sources_disagree(client, quarrels):
    django_row = row_of(client.get("/").content.decode(), "django")
    assert "Django ORM" in django_row
    assert "/frameworks/django/#f-orm" in django_row
    row = row_of(client.get("/?q=quarrel").content.decode(), "quarrel")
    assert "≠</span> Disputed</a>" in row  # ORM: yes against no
    assert row.count("sources disagree") == 1, "REST: supported, built in or by extension"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("category=serverless", "Select a valid choice"),
        ("feature=teleportation", "Select a valid choice"),
        ("since=nineteen", "Enter a whole number"),
        ("since=2020&until=2010", "2020 is after 2010"),
        ("since=1066", "greater than or equal to 1990"),
        ("sort=popularity", "Select a valid choice"),
        ("interface=cgi", "Select a valid choice"),
        ("sort=relevance", "needs a search term"),
        ("q=" + "x" * 101, "at most 100 characters"),
    ],
)
def test_invalid_filters_answer_400_with_a_message(client, query, message):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_invalid_filters_keep_the_other_choices_ticked(client):
    """Fixing the years must not silently drop the category and feature chosen with them."""
    page = client.get(
        "/?since=2030&until=2000&feature=orm&interface=asgi&category=asynchronous"
    ).content.decode()
    assert 'id="f-feature-orm" name="feature" value="orm" checked' in page
    assert 'id="f-category-asynchronous" name="category" value="asynchronous" checked' in page
    assert 'id="f-interface-asgi" name="interface" value="asgi" checked' in page
    assert 'value="2030"' in page


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_invalid_filters_in_open_data_answer_400_with_a_message(client, suffix):
    response = client.get(f"/table.{suffix}?category=serverless")
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


@pytest.mark.parametrize(
    "query", ["", "category=asynchronous", "feature=orm&support=official&sort=stars", "q=async"]
)
def test_csv_and_json_hold_the_same_rows_as_the_page(client, query):
    html_rows = all_rows(client, query)
    json_rows = [
        row["slug"] for row in json.loads(body(client.get(f"/table.json?{query}")))["frameworks"]
    ]
    csv_text = body(client.get(f"/table.csv?{query}"))
    csv_rows = [row["slug"] for row in csv.DictReader(io.StringIO(csv_text))]
    assert html_rows == json_rows == csv_rows


def test_json_cells_carry_status_how_detail_and_disputes(client, quarrels):
    data = json.loads(body(client.get("/table.json")))
    django = next(row for row in data["frameworks"] if row["slug"] == "django")
    assert django["features"]["orm"]["status"] == "yes"
    assert django["features"]["orm"]["how"] == "built_in"
    assert django["url"].endswith("/frameworks/django/")
    quarrel = next(row for row in data["frameworks"] if row["slug"] == "quarrel")
    assert (quarrel["features"]["orm"]["status"], quarrel["features"]["orm"]["disputed"]) == (
        "disputed", True,
    )  # fmt: skip
    flask = next(row for row in data["frameworks"] if row["slug"] == "flask")
    async_views = flask["features"]["async-handlers"]
    assert (async_views["status"], async_views["since"]) == ("yes", "2.0")
    assert async_views["superseded_claims"] == 2  # netguru-2023 and the undated article


def test_the_page_links_its_csv_and_json_with_the_same_filters(client):
    page = client.get("/?category=asynchronous").content.decode()
    assert 'href="/table.csv?category=asynchronous"' in page
    assert 'href="/table.json?category=asynchronous"' in page


def test_an_htmx_request_gets_only_the_filters_and_results(client):
    response = client.get("/?category=asynchronous", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="comparison"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert b"<html" in client.get("/", headers=headers).content


def test_the_whole_table_stays_under_150_kb(client):
    assert len(client.get("/").content) < 150 * 1024
