"""Detail pages, compare, open data and the site basics."""

import csv
import datetime
import io
import json
import re

import pytest
from django.contrib.auth.models import User

from frameworks.models import Framework, Source
from tests.factories import make_claim, make_feature, make_framework, support
from tests.http import body

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/frameworks/django/",
    "/features/",
    "/features/orm/",
    "/categories/",
    "/categories/asynchronous/",
    "/sources/",
    "/sources/earthly-2024/",
    "/compare/?f=django&f=flask&f=fastapi",
    "/choose/",
    "/choose/?must=orm&nice=websockets:high",
    "/data/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_a_title_description_canonical_url_and_landmarks(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<title>[^<]{10,}</title>", page)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', page)
    assert '<link rel="canonical" href="http://testserver/' in page
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page


# --- Framework page ----------------------------------------------------------------


def test_the_framework_page_shows_what_users_come_for(client):
    page = client.get("/frameworks/django/").content.decode()
    assert "<h1>Django</h1>" in page
    assert "Full-stack" in page
    assert "37,514" in page
    assert "as of 2 October 2023" in page
    # Django's own FAQ (2005) supersedes the 2020 article's "first release in 2006".
    assert "First released in 2005" in page
    facts = page[page.index('id="facts"') : page.index('id="features"')]
    earlier = facts[facts.index('class="superseded"') :]
    assert "first release in 2006" in earlier[: earlier.index("</li>")]
    assert "Consider it if" in page
    assert "Think twice if" in page
    assert 'id="f-orm"' in page  # the anchor table cells link to
    assert "Hello world" in page
    assert "settings.configure" in page
    assert "Top Python Frameworks for 2024" in page  # its sources
    assert "/compare/?f=django&amp;f=" in page  # nearest alternatives
    assert "Last verified 23 November 2026" in page


def test_disputed_and_settled_facts_say_so_in_the_infobox_and_their_sections(client):
    framework = make_framework(name="Quarrel")
    day = datetime.date(2024, 5, 1)
    for stars in (100, 200):  # two sources, the same day, different counts
        make_claim(framework, "figure", metric="github_stars", value=stars, as_of=day,
                   as_of_precision="day")  # fmt: skip
    make_claim(framework, "licence", licence="MIT")
    make_claim(framework, "licence", licence="BSD-3-Clause", preferred=True,
               preferred_note="The repository's LICENSE file says BSD.")  # fmt: skip
    page = client.get(framework.get_absolute_url()).content.decode()
    infobox = page[page.index('class="infobox"') : page.index("</aside>")]
    assert (
        '<a href="#figure-github_stars"><span aria-hidden="true">≠</span> Disputed</a>' in infobox
    )
    assert '<a href="#fact-licence">BSD-3-Clause</a>' in infobox
    assert "Settled by the editors" in infobox
    assert '<dt>First release</dt><dd><span class="u">Unknown</span></dd>' in infobox
    figure = page[page.index('id="figure-github_stars"') :]
    figure = figure[: figure.index("</section>")]
    assert "Disputed</span> the sources give different values for 2024:" in figure
    assert figure.count("<li>") == 2  # both sources quoted
    licence = page[page.index('id="fact-licence"') :]
    licence = licence[: licence.index("</section>")]
    assert '<p class="fact">BSD-3-Clause <span class="mark-resolved"' in licence
    assert (
        "Preferred by the editors:</strong> The repository&#x27;s LICENSE file says BSD." in licence
    )
    first = page[page.index('id="fact-first_release"') :]
    assert '<p class="u">Unknown: no source says.</p>' in first[: first.index("</section>")]


def test_a_category_an_article_only_likens_a_framework_to_is_shown_as_left_open(client):
    page = client.get("/frameworks/aiohttp/").content.decode()
    categories = page[page.index('id="categories"') : page.index('id="facts"')]
    assert "Microframework: left open" in categories
    assert "everything you can expect from a microframework" in categories  # quoted
    summary = page[page.index("<dt>Categories</dt>") : page.index("</dd>")]
    assert "Asynchronous" in summary
    assert "Microframework" not in summary
    listed = client.get("/categories/microframework/").content.decode()
    assert "/frameworks/aiohttp/" not in listed


def test_a_category_a_source_denies_is_shown_with_its_source(client):
    page = client.get("/frameworks/cherrypy/").content.decode()
    categories = page[page.index('id="categories"') : page.index('id="facts"')]
    assert "Not full-stack" in categories
    assert "It has no full-stack functionalities" in categories


def test_the_framework_page_shows_what_is_built_on_it(client):
    assert "is built on" in client.get("/frameworks/starlette/").content.decode()
    fastapi = client.get("/frameworks/fastapi/").content.decode()
    assert 'FastAPI is built on <a href="/frameworks/starlette/">Starlette</a>' in fastapi


def test_a_draft_framework_is_hidden_from_the_public_and_previewed_by_staff(client):
    make_framework(slug="secret-sauce", name="Secret Sauce", status="draft")
    assert client.get("/frameworks/secret-sauce/").status_code == 404
    assert "secret-sauce" not in client.get("/").content.decode()
    staff = User.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/frameworks/secret-sauce/")
    assert response.status_code == 200
    assert b"Draft: only staff can see this page" in response.content


def test_a_draft_framework_is_not_named_even_as_what_another_is_built_on(client):
    secret = make_framework(slug="secret-sauce", name="Secret Sauce", status="draft")
    flask = Framework.objects.get(slug="flask")
    make_claim(flask, "built_on", based_on=secret, source=Source.objects.get(slug="netguru-2023"))
    for url in ["/frameworks/flask/", "/sources/netguru-2023/", "/data/dataset.json", "/changes/"]:
        assert "secret-sauce" not in body(client.get(url)), url


def test_an_unknown_framework_gets_the_styled_404_page(client):
    response = client.get("/frameworks/no-such-thing/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


# --- Feature, category, source pages ---------------------------------------------------


def test_the_feature_page_gives_the_definition_and_lists_supporters_first(client):
    page = client.get("/features/orm/").content.decode()
    assert "What counts as supported" in page
    statuses = re.findall(r'<span class="status s-(\w+)">', page[page.index("<tbody>") :])
    order = ["yes", "partial", "disputed", "no", "unknown"]
    assert statuses == sorted(statuses, key=order.index), "supported first"
    assert "SQLAlchemy" in page
    unknown = page[page.index("No source settles ORM for") :]
    assert ">Hug</a>" in unknown


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_the_feature_page_has_csv_and_json_matching_its_rows(client, suffix):
    page = client.get("/features/orm/").content.decode()
    html_rows = re.findall(r'<th scope="row"><a href="/frameworks/([^/]+)/#f-orm"', page)
    response = client.get(f"/features/orm.{suffix}")
    if suffix == "json":
        data = response.json()
        rows = [row["framework"] for row in data["frameworks"]]
        assert data["feature"]["definition"]
    else:
        reader = csv.DictReader(io.StringIO(body(response)))
        rows = [row["framework"] for row in reader]
    assert rows == html_rows


def test_the_category_page_lists_members_with_their_sources(client):
    page = client.get("/categories/asynchronous/").content.decode()
    assert ">FastAPI</a>" in page
    assert "sources disagree" in page  # FastAPI: async or micro
    assert "The Most Popular Python Web Frameworks in 2020" in page


def test_the_source_page_lists_every_claim_citing_it(client):
    page = client.get("/sources/stackoverflow-survey-2023/").content.decode()
    assert "Cited by" in page
    assert "Top Python Frameworks for 2024" in page
    assert "64.49" in page  # relayed by the Earthly article
    article = client.get("/sources/netguru-2023/").content.decode()
    assert "Daniel Tomaszuk" in article
    assert "37,514" in article


def test_the_index_pages_list_features_and_sources(client):
    features = client.get("/features/").content.decode()
    assert 'href="/features/websockets/"' in features
    sources = client.get("/sources/").content.decode()
    assert 'href="/sources/earthly-2024/"' in sources
    assert 'rel="next"' in sources, "hundreds of sources come a page at a time"
    last = client.get("/sources/?page=99").content.decode()
    assert 'rel="prev"' in last


# --- Compare ---------------------------------------------------------------------------


def compare_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*"><th scope="row"><a href="/features/([^/]+)/"', page)


def test_compare_shows_frameworks_side_by_side_with_facts_and_citations(client):
    page = client.get("/compare/?f=django&f=flask&f=fastapi").content.decode()
    assert "<h1>Django, Flask and FastAPI compared</h1>" in page
    assert page.index("GitHub stars") < page.index("/features/orm/")  # figures at the top
    assert re.search(r"<details><summary>\d+ sources</summary>", page)
    assert 'class="compare columns-3 focus-2"' in page


def test_only_differences_leaves_out_rows_where_they_agree(client):
    everything = compare_rows(client.get("/compare/?f=django&f=flask").content.decode())
    different = compare_rows(client.get("/compare/?f=django&f=flask&diff=1").content.decode())
    assert 0 < len(different) < len(everything)
    assert "admin-panel" in different  # Django built in, Flask an extension
    assert "templates" not in different  # both built in


def test_only_real_differences_count_as_differences(client):
    """Known on both sides and not equal; a value known for one side only is not a difference."""
    one, two = make_framework(slug="one"), make_framework(slug="two")
    same, different, one_sided = make_feature(), make_feature(), make_feature()
    support(one, same, "yes", how="built_in")
    support(two, same, "yes", how="built_in")
    support(one, different, "yes", how="built_in")
    support(two, different, "no")
    support(one, one_sided, "yes", how="built_in")
    data = client.get("/compare.json?f=one&f=two").json()
    assert (data["differences"], data["known_for_some_only"]) == (1, 1)
    rows = {row["feature"]: row for row in data["features"]}
    assert rows[different.slug]["differs"] is True
    assert rows[one_sided.slug]["differs"] is False
    assert rows[one_sided.slug]["known_for_some_only"] is True
    only = client.get("/compare/?f=one&f=two&diff=1").content.decode()
    assert compare_rows(only) == [different.slug]
    assert "1 feature differs where the sources cover both sides; 1 is known" in only


def test_the_phone_pair_switcher_picks_the_second_column(client):
    page = client.get("/compare/?f=django&f=flask&f=fastapi&with=fastapi").content.decode()
    assert 'class="compare columns-3 focus-3"' in page
    assert '<strong aria-current="true">FastAPI</strong>' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("f=django", "you picked 1"),
        ("f=django&f=django", "you picked 1"),
        ("f=django&f=nosuch", "There is no published framework called “nosuch”"),
        ("f=django&f=flask&f=bottle&f=pyramid&f=sanic&f=tornado&f=falcon", "you picked 7"),
    ],
)
def test_a_bad_comparison_answers_400_with_a_clear_message(client, query, message):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_compare_says_where_each_framework_is_in_its_lifecycle(client):
    page = client.get("/compare/?f=django&f=japronto").content.decode()
    row = page[page.index('<th scope="row">Lifecycle') :]
    row = row[: row.index("</tr>")]
    assert "Active" in row
    assert "Maintenance only" in row
    assert "Supported" not in row


def test_a_refused_comparison_keeps_what_was_ticked(client):
    seven = "&".join(
        f"f={slug}"
        for slug in ["django", "flask", "fastapi", "bottle", "pyramid", "sanic", "tornado"]
    )
    response = client.get(f"/compare/?{seven}")
    assert response.status_code == 400
    assert response.content.decode().count(" checked>") == 7


def test_compare_csv_and_json_hold_the_same_rows_as_the_page(client):
    query = "f=django&f=flask&diff=1"
    html_rows = compare_rows(client.get(f"/compare/?{query}").content.decode())
    data = client.get(f"/compare.json?{query}").json()
    assert [row["feature"] for row in data["features"]] == html_rows
    reader = csv.DictReader(io.StringIO(body(client.get(f"/compare.csv?{query}"))))
    assert [row["feature"] for row in reader] == html_rows
    assert client.get("/compare.csv?f=django").status_code == 400


# --- Open data and basics ------------------------------------------------------------------


def test_the_public_dataset_is_the_export_without_drafts(client):
    make_framework(slug="secret-sauce", status="draft")
    data = json.loads(body(client.get("/data/dataset.json")))
    assert data["format"] == "compare-dataset"
    slugs = {framework["slug"] for framework in data["frameworks"]}
    assert slugs == set(Framework.objects.published().values_list("slug", flat=True))


def test_sitemap_and_robots(client):
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    assert "http://testserver/sitemap-frameworks.xml" in index
    frameworks = client.get("/sitemap-frameworks.xml").content.decode()
    assert "http://testserver/frameworks/django/" in frameworks
    assert "http://testserver/features/orm/" in client.get("/sitemap-features.xml").content.decode()
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /admin/" in robots
