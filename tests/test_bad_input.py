"""Bad input gets a clear 400 or 404, or is ignored; never a 500 or a traceback.

Public pages and the admin, fed unknown slugs, NUL bytes, invalid UTF-8, huge
numbers, repeated and empty parameters, tampered forms and broken CSV files.
The default test client re-raises a view's exception, so a 500 fails the test
with its traceback.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frameworks import imports
from frameworks.models import Claim, Framework
from tests.factories import make_framework
from tests.http import body

pytestmark = pytest.mark.django_db

LONG = "a" * 10_000
SIX = "f=django&f=flask&f=bottle&f=zope&f=tornado&f=sanic"


def alert(response) -> str:
    """The error box of an HTML page, or the whole body of a text/plain answer."""
    body = response.content.decode()
    if response["Content-Type"].startswith("text/plain"):
        return body
    match = re.search(r'role="alert">(.*?)</div>', body, re.S)
    assert match, "a 400 page must say what was wrong"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


# --- Detail pages: unknown slugs ---------------------------------------------------------

DETAIL_URLS = [
    "/frameworks/{}/",
    "/features/{}/",
    "/features/{}.csv",
    "/features/{}.json",
    "/categories/{}/",
    "/sources/{}/",
]


@pytest.mark.parametrize("template", DETAIL_URLS)
def test_an_unknown_slug_is_a_404(client, template):
    for slug in ["no-such-thing", "Django", "a" * 300, "%00", "%ff"]:
        assert client.get(template.format(slug)).status_code == 404, slug


def test_a_bad_sitemap_page_is_a_404(client):
    for query in ["p=bogus", "p=0", "p=-1", "p=99", "p=1.5"]:
        assert client.get(f"/sitemap-frameworks.xml?{query}").status_code == 404, query


# --- The table: /, /table.csv, /table.json ---------------------------------------------------

TABLE_URLS = ["/", "/table.csv", "/table.json"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=abc", "Enter a whole number"),
        ("until=2000.5", "Enter a whole number"),
        ("since=99999999999999999999999", "less than or equal to 2100"),
        ("until=-1", "greater than or equal to 1990"),
        ("since=2020&until=2010", "range is empty: 2020 is after 2010"),
        ("sort=bogus", "bogus is not one of the available choices"),
        ("sort=relevance", "needs a search term"),
        ("category=bogus", "bogus is not one of the available choices"),
        ("category=FULL-STACK&since=%ff", "FULL-STACK is not one of the available choices"),
        ("feature=orm&feature=teleportation", "teleportation is not one"),
        ("columns=nope", "nope is not one of the available choices"),
        ("page=0", "greater than or equal to 1"),
        ("page=abc", "Enter a whole number"),
        ("support=everything", "everything is not one of the available choices"),
        ("interface=bogus", "bogus is not one of the available choices"),
        ("lifecycle=maybe", "maybe is not one of the available choices"),
        (f"q={'x' * 101}", "at most 100 characters"),
    ],
)
def test_an_invalid_table_filter_is_a_400_that_says_why(client, query, message):
    for url in TABLE_URLS:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert message in alert(response), url


@pytest.mark.parametrize(
    "query",
    [
        f"unknown=1&%ff=%ff&x={LONG}",
        "since=&until=&interface=&active=&sort=&q=",
        "q=%ff",
        "q=the",
        "q=%22%27()%3A*%26%7C!%5C-",
        "sort=relevance&q=the",
        "extensions=bogus",
        "since=1990&until=1990",
        "since=2000&since=2010&sort=name&sort=stars",
        "f=django&with=nope&diff=maybe",
    ],
)
def test_unknown_or_harmless_table_parameters_are_ignored(client, query):
    assert client.get(f"/table.csv?{query}").status_code == 200


@pytest.mark.parametrize("name", ["category", "feature", "columns"])
def test_an_empty_multiple_choice_value_is_ignored_like_other_empty_filters(client, name):
    """?since= and ?interface= are ignored; ?category= said "Select a valid choice.  is not…"."""
    assert client.get(f"/table.csv?{name}=").status_code == 200


@pytest.mark.parametrize(
    ("name", "value"), [("feature", "orm"), ("category", "full-stack"), ("hide", "apis")]
)
def test_a_repeated_filter_value_costs_no_more_than_giving_it_once(client, name, value):
    """Each repeat nested one more subquery: a thousand repeats kept a worker busy 4 minutes."""

    def largest_query(query: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/table.json?{query}")
        assert response.status_code == 200
        return max(len(q["sql"]) for q in queries.captured_queries)

    once = largest_query(f"{name}={value}")
    assert largest_query("&".join([f"{name}={value}"] * 40)) <= once * 1.2


def test_an_htmx_request_with_invalid_filters_gets_the_error_where_htmx_will_show_it(client):
    """htmx swaps only 2xx by default: a 400 full page left stale results and no message."""
    response = client.get("/?since=2020&until=2010", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "range is empty" in alert(response)
    assert "<html" not in body, "an htmx request gets the fragment, not the whole page"
    if response.status_code != 200:
        config = client.get("/").content.decode()
        assert re.search(r'"responseHandling".*"code": ?"4[^"]*",[^}]*"swap": ?true', config)


@pytest.mark.parametrize("query", ["since=abc", "category=bogus", "q=%ff"])
def test_an_htmx_request_with_bad_values_is_never_a_500(client, query):
    response = client.get(f"/?{query}", headers={"HX-Request": "true"})
    assert response.status_code in (200, 400)


# --- Compare: /compare/, /compare.csv, /compare.json -----------------------------------------

COMPARE_URLS = ["/compare/", "/compare.csv", "/compare.json"]


def test_compare_with_nothing_chosen_shows_the_picker_but_its_exports_say_what_is_missing(
    client,
):
    for query in ["", "diff=1&with=flask", "f="]:
        page = client.get(f"/compare/?{query}")
        assert page.status_code == 200
        assert "Choose frameworks" in page.content.decode()
        assert 'role="alert"' not in page.content.decode()
        for url in ["/compare.csv", "/compare.json"]:
            response = client.get(f"{url}?{query}")
            assert response.status_code == 400
            assert "Pick 2 to 6 frameworks" in alert(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("f=django", "you picked 1"),
        ("f=django&f=django", "you picked 1"),
        (f"{SIX}&f=hug", "you picked 7"),
        ("&".join(["f=django"] * 500), "you picked 1"),
        ("f=django&f=Flask", "no published framework called “Flask”"),
        ("f=django&f=nope", "no published framework called “nope”"),
        ("f=django&f=%ff", "no published framework called"),
        (f"f=django&f={LONG}", "no published framework called"),
    ],
)
def test_a_bad_comparison_is_a_400_that_says_why(client, query, message):
    for url in COMPARE_URLS:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert message in alert(response), url


def test_a_draft_framework_cannot_be_compared(client):
    make_framework(slug="secret-sauce", status="draft")
    for url in COMPARE_URLS:
        response = client.get(f"{url}?f=django&f=secret-sauce")
        assert response.status_code == 400, url
        assert "no published framework called “secret-sauce”" in alert(response), url


@pytest.mark.parametrize(
    "query",
    [
        "f=django&f=flask&with=nope&unknown=%ff",
        "f=django&f=flask&with=django",
        f"f=django&f=flask&with={LONG}",
        "f=django&f=flask&with=&diff=",
        "f=django&f=flask&with=flask&with=nope&with_=nope",
        "f=django&f=flask&diff=maybe",
        "f=django&f=django&f=flask",
        SIX,
    ],
)
def test_odd_but_harmless_comparison_parameters_are_ignored(client, query):
    assert client.get(f"/compare.json?{query}").status_code == 200


# --- Every public URL: methods and unknown parameters ------------------------------------

PUBLIC_URLS = [
    "/",
    "/table.csv",
    "/table.json",
    f"/compare/?{SIX}",
    "/compare.csv?f=django&f=flask",
    "/compare.json?f=django&f=flask",
    "/choose/?must=orm&nice=websockets:high&python=3.12",
    "/choose.csv?must=orm",
    "/choose.json?must=orm",
    "/frameworks/django/",
    "/features/",
    "/features/orm/",
    "/features/orm.csv",
    "/features/orm.json",
    "/categories/",
    "/categories/full-stack/",
    "/sources/",
    "/sources/falcon-benchmarks/",
    "/data/",
    "/data/dataset.json",
    "/changes/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_url_ignores_junk_parameters_and_answers_head(client, url):
    junk = f"{'&' if '?' in url else '?'}zz=%ff&%ff=1&zz={LONG}"
    head = client.head(url + junk, headers={"HX-Request": "true"})
    assert head.status_code == 200
    assert body(head) == ""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_a_public_url_answers_other_methods_with_405_and_says_what_is_allowed(method):
    browser = Client(enforce_csrf_checks=True)
    for url in PUBLIC_URLS:
        response = getattr(browser, method)(url)
        assert response.status_code == 405, f"{method} {url}"
        assert response["Allow"] == "GET, HEAD", url
        assert b"<html" not in response.content, "never the page itself"


# --- NUL anywhere in a query string: one 400, for every URL ------------------------------------

NUL_QUERIES = ["q=%00", "since=%00", "zz=%00", "%00=1", "f=django&f=%00", "with=%00", "a=b%00c"]


@pytest.mark.parametrize("url", [*PUBLIC_URLS, "/admin/frameworks/claim/", "/admin/login/"])
def test_a_nul_in_the_query_string_is_a_400_that_says_so_on_every_url(admin_client, url):
    for query in NUL_QUERIES:
        response = admin_client.get(f"{url}{'&' if '?' in url else '?'}{query}")
        assert response.status_code == 400, f"{url} {query}"
        assert "NUL character" in alert(response)


# --- Admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("fuzz", "fuzz@example.org", "x" * 20))
    return client


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("framework", "disputed=bogus&unknown=bogus&category=bogus&status=bogus&o=99&p=abc"),
        ("framework", "citation=bogus"),
        ("framework", "last_verified__gte=bogus"),
        ("claim", "disputed=bogus&unknown=bogus&citation=bogus&o=abc"),
        ("claim", f"q=bogus&kind=bogus&o=-99&p=-1&x={LONG}"),
        ("claim", "category=bogus"),
        ("claim", "p=99999"),
        ("claim", "preferred__exact=bogus"),
        ("claim", "source__id__exact=abc"),
        ("source", "kind=bogus&o=-99"),
        ("feature", "group__id__exact=abc"),
    ],
)
def test_a_changelist_with_bogus_filters_is_shown_or_reset_never_a_500(admin_client, model, query):
    response = admin_client.get(f"/admin/frameworks/{model}/?{query}")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


BOGUS_FILTER_VALUES = ["bogus", "-1", "1.5", "99999999999999999999", "%ff", "", LONG, "%2C%2C"]


def test_every_admin_list_filter_takes_any_value_without_a_500(admin_client):
    """Every parameter of every list filter of every admin list, fed values it does not expect."""
    from django.contrib import admin

    checked = 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        changelist = admin_client.get(url).context["cl"]
        for spec in changelist.filter_specs:
            for parameter in spec.expected_parameters():
                for value in BOGUS_FILTER_VALUES:
                    response = admin_client.get(f"{url}?{parameter}={value}")
                    assert response.status_code in (200, 302), f"{url}?{parameter}={value}"
                    checked += 1
                assert admin_client.get(f"{url}?{parameter}=%00").status_code == 400
    assert checked > 200, "the filters were not found"


@pytest.mark.parametrize("path", ["abc/history/", "1.5/history/", "%00/history/", "1/history/x/"])
def test_a_history_page_for_a_malformed_id_is_not_found(admin_client, path):
    for model in ["framework", "claim", "source", "feature"]:
        response = admin_client.get(f"/admin/frameworks/{model}/{path}")
        assert response.status_code in (302, 404), model


def test_a_history_page_for_a_missing_id_is_not_found(admin_client):
    for path in ["999999/history/", "1/history/999999/"]:
        assert admin_client.get(f"/admin/frameworks/framework/{path}").status_code == 404, path


@pytest.mark.parametrize("action", ["publish", "delete_selected"])
def test_an_action_on_malformed_ids_changes_nothing_and_is_not_a_500(admin_client, action):
    django = Framework.objects.get(slug="django")
    data = {"action": action, "_selected_action": [str(django.pk), "abc"], "index": 0}
    response = admin_client.post("/admin/frameworks/framework/", data)
    assert response.status_code in (200, 302)
    assert Framework.objects.filter(slug="django").exists()


# --- Admin: claim CSV import -----------------------------------------------------------------

IMPORT_URL = "/admin/frameworks/claim/import/"
HEADER = "framework,source,kind,subject,status,how,package,excerpt,locator\n"
ROW = "tiny,popular-frameworks-2020,feature,openapi,yes,built_in,,automatic documentation,Falcon\n"
ROW2 = (
    "tiny,popular-frameworks-2020,feature,validation,yes,built_in,,"
    "type-driven automatic validation,Falcon\n"
)


@pytest.fixture
def importer(admin_client):
    make_framework(slug="tiny", name="Tiny")
    return admin_client


def upload(client, data: bytes, **extra):
    file = SimpleUploadedFile("claims.csv", data, "text/csv")
    return client.post(IMPORT_URL, {"file": file, **extra})


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"", 400, "The submitted file is empty."),
        (bytes(range(256)) * 4, 400, "The file is not UTF-8 text."),
        ((HEADER + ROW).encode("utf-16"), 400, "The file is not UTF-8 text."),
        ((HEADER + ROW * 12_000).encode(), 400, "The file is over 1 MB"),
        (HEADER.encode(), 400, "The file has a header but no rows."),
        ((HEADER + ROW).replace(",", ";").encode(), 400, "Missing columns"),
        (b"\x00\x01\x02", 400, "NUL characters"),
        ((HEADER + ROW + ROW).encode(), 400, "Same source and subject as row 2."),
        (
            (HEADER + "nope,nope,feature,nope,yes,built_in,,x,y\n").encode(),
            400,
            "framework “nope” does not exist.",
        ),
        ((HEADER + ROW.replace("openapi", "nope")).encode(), 400, "unknown feature “nope”"),
        (
            (HEADER + ROW.replace("automatic documentation", "a" * 2000)).encode(),
            400,
            "at most 200 characters",
        ),
        ((HEADER + ROW.replace(",yes,", ',"yes,')).encode(), 400, "is not a valid choice"),
        (("\ufeff" + HEADER + ROW).encode(), 200, "are valid"),
        ((HEADER + ROW + ROW2).replace("\n", "\r\n").encode(), 200, "All 2 rows are valid"),
    ],
)
def test_a_bad_csv_import_says_what_is_wrong(importer, data, status, message):
    response = upload(importer, data)
    assert response.status_code == status
    assert message in response.content.decode()


def test_old_mac_line_endings_are_read_as_rows(importer):
    """A CR-only file (older Excel for Mac) raised _csv.Error: a 500."""
    response = upload(importer, (HEADER + ROW + ROW2).replace("\n", "\r").encode())
    assert response.status_code == 200
    assert "All 2 rows are valid" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        HEADER + ROW.replace("Falcon", "Fal\rcon"),  # a line break inside an unquoted field
        HEADER + ROW.replace("automatic documentation", "a" * 200_000),  # past csv's field limit
    ],
)
def test_a_malformed_csv_is_refused_with_a_message(importer, data):
    response = upload(importer, data.encode())
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    response = importer.post(IMPORT_URL, {"csv_text": data, "apply": "1"})
    assert response.status_code == 400


@pytest.mark.parametrize("column", ["locator", "excerpt"])
def test_a_nul_byte_in_a_csv_is_refused_before_it_reaches_the_database(importer, column):
    """Preview called the row valid; applying it raised DataError: a 500."""
    row = (
        ROW.replace("Falcon", "Fal\x00con")
        if column == "locator"
        else ROW.replace(" doc", "\x00doc")
    )
    before = Claim.objects.count()
    preview = upload(importer, (HEADER + row).encode())
    assert "are valid" not in preview.content.decode()
    assert "already has a claim" not in preview.content.decode()
    applied = upload(importer, (HEADER + row).encode(), apply="1")
    assert applied.status_code in (200, 400)
    assert Claim.objects.count() == before


def test_a_row_with_more_values_than_columns_is_an_error_not_silently_cut(importer):
    response = upload(importer, (HEADER + ROW.strip() + ",left over\n").encode())
    assert response.status_code == 400


def test_a_repeated_column_is_an_error_not_last_one_wins(importer):
    response = upload(importer, (HEADER.strip() + ",excerpt\n" + ROW.strip() + ",other\n").encode())
    assert response.status_code == 400


def test_a_file_over_the_row_limit_is_refused_before_any_row_is_checked(importer, monkeypatch):
    """10,000 rows took 110 s: every row was checked (20 queries each) before the limit bit."""
    checked = []

    def must_not_run(row, builder):
        checked.append(row.number)
        raise AssertionError(f"row {row.number} of an over-long file was checked")

    monkeypatch.setattr(imports, "_build_claim", must_not_run)
    response = upload(importer, (HEADER + ROW * 10_000).encode())
    assert response.status_code == 400
    assert f"at most {imports.MAX_ROWS} per file." in response.content.decode()
    assert checked == []


def test_checking_an_import_costs_a_bounded_number_of_queries_per_file(importer):
    """Full_clean ran each check constraint as its own query: about 22 queries a row."""

    def queries_for(rows: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            upload(importer, (HEADER + ROW * rows).encode())
        return len(queries.captured_queries)

    assert queries_for(11) - queries_for(1) <= 10
