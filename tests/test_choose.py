"""/choose/: the rule that ranks frameworks for a visitor's needs, and the page that shows it.

The rule is docs/data.md, "How /choose/ ranks frameworks"; the worked example there is
``test_the_worked_example_in_the_docs`` here.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.http import QueryDict

from frameworks.models import Category, Claim, ClaimKind, Feature, Framework, Verdict
from frameworks.pages.cells import Cell
from frameworks.pages.choose import (
    MAX_LISTED,
    MAX_NEEDS,
    PRESETS,
    Catalogue,
    ChooseForm,
    Need,
    Outcome,
    assess,
    assess_category,
    assess_lifecycle,
    assess_python,
    build_choice,
)
from frameworks.pages.choose import needs as choose_needs
from frameworks.pages.choose import ranking as choose_ranking
from tests.factories import make_category, make_claim, make_feature, make_framework, make_source
from tests.factories import support as claim_support
from tests.http import body

pytestmark = pytest.mark.django_db

MET, MISSED, CHECK = Outcome.MET, Outcome.MISSED, Outcome.CHECK
SERVER_SITE = PRESETS[0]


def every_category_and_feature() -> tuple[list[Category], list[Feature]]:
    categories = list(Category.objects.order_by("position", "name"))
    return categories, list(Feature.objects.published().in_display_order())


def choice_for(query: str, **kwargs):
    categories, features = every_category_and_feature()
    form = ChooseForm(QueryDict(query), categories=categories, features=features)
    assert form.is_valid(), form.errors
    return build_choice(form, **kwargs)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The rule, value by value ---------------------------------------------------------------

FEATURE = Feature(slug="orm", name="ORM")  # unsaved: the rule reads no database


def need(counts: str = "any", *, must: bool = True, weight: str = "medium") -> Need:
    return Need(FEATURE, must=must, counts=counts, weight=weight)


def cell(status: str, how: str = "", *, disputed: bool = False, note: str = "") -> Cell:
    return Cell(status=status, how=how, disputed=disputed, note=note)


BI, OE, TP = "built_in", "official_extension", "third_party"


@pytest.mark.parametrize(
    ("value", "sides", "counts", "outcome"),
    [
        # Unknown and a dispute on the status never count, whatever counts.
        (cell("unknown"), (), "any", CHECK),
        (cell("unknown"), (), "built_in", CHECK),
        (cell("disputed", disputed=True), (), "any", CHECK),
        (cell("no"), (), "any", MISSED),
        (cell("partial", BI, note="some of it"), (), "any", MISSED),
        # Supported: the way it is obtained must count.
        (cell("yes", BI), (), "built_in", MET),
        (cell("yes", OE), (), "built_in", MISSED),
        (cell("yes", OE), (), "official", MET),
        (cell("yes", TP), (), "official", MISSED),
        (cell("yes", TP), (), "any", MET),
        # "Extensions count" (official) and "packages count too" (any), on one value.
        (cell("yes", OE), (), "any", MET),
        # A yes that does not say how: enough when any way counts, to check otherwise.
        (cell("yes"), (), "any", MET),
        (cell("yes"), (), "official", CHECK),
        # Sources agree it is supported, not on how: met only if every way named counts.
        (cell("yes", disputed=True), (BI, OE), "official", MET),
        (cell("yes", disputed=True), (BI, OE), "any", MET),
        (cell("yes", disputed=True), (BI, OE), "built_in", CHECK),
        (cell("yes", disputed=True), (BI, TP), "official", CHECK),
        (cell("yes", disputed=True), (OE, TP), "built_in", MISSED),
        (cell("partial", disputed=True), (BI, OE), "any", MISSED),
    ],
)
def test_whether_a_published_value_meets_a_need(value, sides, counts, outcome):
    assert assess(need(counts), value, frozenset(sides)).outcome == outcome


def test_every_outcome_but_met_says_why():
    for value, counts in [
        (cell("unknown"), "any"),
        (cell("no"), "any"),
        (cell("yes", TP), "built_in"),
        (cell("partial", BI, note="no migrations"), "any"),
    ]:
        assert assess(need(counts), value).reason
    assert assess(need("built_in"), cell("yes", TP)).reason == (
        "Only as a third-party package; you count built in only."
    )
    assert "no migrations" in assess(need(), cell("partial", BI, note="no migrations")).reason


@pytest.mark.parametrize(("weight", "points"), [("low", 1), ("medium", 2), ("high", 3)])
def test_a_nice_to_have_counts_any_way_and_earns_its_weight(weight, points):
    nice = need(must=False, weight=weight)
    assert nice.points == points
    assert assess(nice, cell("yes", TP)).outcome == MET  # a package counts for a nice-to-have
    assert assess(nice, cell("partial", BI, note="x")).outcome == MISSED


def python(low: str, high: str = "", *, disputed: bool = False) -> dict:
    return {"python_min": low, "python_max": high, "disputed": disputed}


@pytest.mark.parametrize(
    ("wanted", "verdict", "outcome"),
    [
        ("3.12", python("3.10"), MET),
        ("3.10", python("3.10"), MET),
        ("3.9", python("3.10"), MISSED),  # 3.9 < 3.10, compared as versions, not text
        ("3.15", python("3.12", "3.15"), MET),
        ("3.12", python("2.4", "2.6"), MISSED),
        ("3.12", None, CHECK),  # where known: unknown does not rule out
        ("3.12", python("", disputed=True), CHECK),
    ],
)
def test_the_python_constraint_applies_where_a_source_says(wanted, verdict, outcome):
    assert assess_python(wanted, verdict).outcome == outcome


def lifecycle(stage: str, *, disputed: bool = False) -> dict:
    return {"lifecycle": stage, "year": 2019, "disputed": disputed}


@pytest.mark.parametrize(
    ("wanted", "verdict", "outcome"),
    [
        ("active", lifecycle("active"), MET),
        ("active", lifecycle("maintenance"), MISSED),
        ("maintained", lifecycle("maintenance"), MET),
        ("maintained", lifecycle("discontinued"), MISSED),
        ("active", None, CHECK),
        ("active", lifecycle("", disputed=True), CHECK),
    ],
)
def test_the_lifecycle_constraint(wanted, verdict, outcome):
    assert assess_lifecycle(wanted, verdict).outcome == outcome


def test_a_disputed_category_membership_counts_as_the_table_counts_it():
    category = make_category(slug="example", name="Example")
    member = {"status": "yes", "disputed": False}
    assert assess_category(category, member).outcome == MET
    disputed = assess_category(category, {"status": "yes", "disputed": True})
    assert disputed.outcome == MET
    assert "elsewhere" in disputed.reason
    assert assess_category(category, {"status": "no", "disputed": False}).outcome == MISSED
    assert assess_category(category, None).outcome == MISSED


# --- The rule, on the database: the worked example in docs/data.md -------------------------------


def article(year: int):
    return make_source(date=datetime.date(year, 1, 1), date_precision="year")


def own_docs(framework):
    """The framework's own documentation, read recently: a primary source."""
    return make_source(
        kind="documentation", framework=framework, date=None, date_precision="unknown",
        retrieved=datetime.date(2026, 11, 25), version="1.0",
    )  # fmt: skip


@pytest.fixture
def example():
    """Epsilon to Zeta with the values of the worked example; needs on fresh features."""
    orm, templates, websockets, openapi = (
        make_feature(slug=f"x-{name}", name=name.title())
        for name in ("orm", "templates", "websockets", "openapi")
    )
    names = ["epsilon", "alpha", "beta", "gamma", "delta", "zeta"]
    fw = {name: make_framework(slug=f"x-{name}", name=name.title()) for name in names}

    def say(name, feature, status="yes", how="", **fields):
        fields.setdefault("note", "some of it" if status == "partial" else "")
        return claim_support(fw[name], feature, status, how=how, **fields)

    for name in names:
        stage = "discontinued" if name == "zeta" else "active"
        make_claim(fw[name], ClaimKind.LIFECYCLE, lifecycle=stage)
    say("epsilon", orm, how=BI)
    say("epsilon", templates, how=BI)
    old = say("epsilon", websockets, "no", source=article(2020))
    say("epsilon", websockets, how=BI, source=own_docs(fw["epsilon"]))
    say("epsilon", openapi, how=BI)
    say("epsilon", openapi, "no")
    say("alpha", orm, how=BI)
    say("alpha", templates, how=BI)
    say("alpha", websockets, how=TP, package="some-sockets")
    say("beta", orm, how=BI)
    say("beta", orm, how=OE)
    say("beta", templates)
    say("beta", websockets, "partial")
    say("beta", openapi, how=BI)
    say("gamma", orm, how=BI)
    say("gamma", orm, how=TP)
    say("gamma", templates, how=BI)
    say("gamma", websockets, how=BI)
    say("delta", orm, how=TP, package="SQLAlchemy")
    for feature in (templates, websockets, openapi):
        say("delta", feature, how=BI)
    for feature in (orm, templates, websockets, openapi):
        say("zeta", feature, how=BI)
    return {"superseded": old}


EXAMPLE = "must=x-orm:official&must=x-templates&nice=x-websockets:high&nice=x-openapi:low"


def ranking(choice) -> list[tuple[str, int, int]]:
    return [(r.framework.slug, r.score, r.built_in) for r in choice.ranked]


def first_misses(choice) -> dict[str, tuple[str, str]]:
    return {
        r.framework.slug: (r.misses[0].label, r.misses[0].outcome)
        for r in choice.ruled_out
        if r.framework.slug.startswith("x-")
    }


def test_the_worked_example_in_the_docs(example):
    choice = choice_for(EXAMPLE)
    assert ranking(choice) == [("x-epsilon", 3, 3), ("x-alpha", 3, 2), ("x-beta", 1, 1)]
    assert first_misses(choice) == {
        "x-gamma": ("Orm", CHECK),
        "x-delta": ("Orm", MISSED),
        "x-zeta": ("Lifecycle", MISSED),
    }
    # The real frameworks have no value for these fresh features: unknown, so ruled out.
    assert len(choice.ranked) + len(choice.ruled_out) == Framework.objects.published().count()


def test_unknown_disputed_and_superseded_values_in_the_example(example):
    epsilon, alpha, beta = choice_for(EXAMPLE).ranked
    by_label = {point.label: point for point in epsilon.points}
    # OpenAPI: sources disagree on the status, so its point is not earned.
    assert (by_label["Openapi"].outcome, by_label["Openapi"].earned) == (CHECK, 0)
    assert by_label["Openapi"].cell.status == "disputed"
    # WebSockets: the older "no" is superseded by the framework's own newer docs.
    websockets = by_label["Websockets"]
    assert (websockets.outcome, websockets.earned, websockets.cell.superseded) == (MET, 3, 1)
    superseded = [claim for claim in websockets.claims if claim.superseded]
    assert [claim.id for claim in superseded] == [example["superseded"].id]
    # Alpha's OpenAPI: no source speaks about it.
    openapi = next(point for point in alpha.points if point.label == "Openapi")
    assert (openapi.outcome, openapi.cell.status, openapi.reason) == (
        CHECK, "unknown", "No source settles it."
    )  # fmt: skip
    assert alpha.to_check == 1
    # Beta's ORM: sources say built in and official extension; both count under "official".
    orm = next(point for point in beta.points if point.label == "Orm")
    assert (orm.outcome, orm.cell.how_disputed) == (MET, True)
    assert "built in or an official extension" in orm.reason


@pytest.mark.parametrize(
    ("orm", "ranked"),
    [
        ("x-orm:built_in", ["x-epsilon", "x-alpha"]),  # Beta's extension no longer counts
        ("x-orm:official", ["x-epsilon", "x-alpha", "x-beta"]),
        ("x-orm", ["x-delta", "x-epsilon", "x-alpha", "x-gamma", "x-beta"]),  # packages count
    ],
)
def test_what_counts_for_a_must_have_changes_who_is_ranked(example, orm, ranked):
    query = EXAMPLE.replace("x-orm:official", orm)
    assert [slug for slug, *_ in ranking(choice_for(query))] == ranked


def test_a_superseded_yes_does_not_meet_a_need(example):
    framework, feature = make_framework(slug="x-old"), make_feature(slug="x-old-feature")
    make_claim(framework, ClaimKind.LIFECYCLE, lifecycle="active")
    claim_support(framework, feature, "yes", how=BI, source=article(2019))
    claim_support(framework, feature, "no", source=own_docs(framework))
    choice = choice_for("must=x-old-feature")
    assert "x-old" in {r.framework.slug for r in choice.ruled_out}
    assert choice.ranked == []


def test_ranking_is_deterministic_ties_fall_back_to_the_name(example):
    first = ranking(choice_for(EXAMPLE))
    assert first == ranking(choice_for(EXAMPLE))
    # Same points, same built-in count: alphabetical.
    twin = make_framework(slug="x-aardvark", name="Aardvark")
    make_claim(twin, ClaimKind.LIFECYCLE, lifecycle="active")
    for slug in ("x-orm", "x-templates"):
        claim_support(twin, Feature.objects.get(slug=slug), how=BI)
    claim_support(twin, Feature.objects.get(slug="x-websockets"), how=TP)
    slugs = [slug for slug, *_ in ranking(choice_for(EXAMPLE))]
    assert slugs[:3] == ["x-epsilon", "x-aardvark", "x-alpha"]


def test_the_lifecycle_and_python_constraints_rule_out_or_let_in(example):
    assert "x-zeta" in [slug for slug, *_ in ranking(choice_for(EXAMPLE + "&lifecycle=any"))]
    make_claim(Framework.objects.get(slug="x-alpha"), ClaimKind.PYTHON, python_min="3.13")
    choice = choice_for(EXAMPLE + "&python=3.12")
    assert "x-alpha" in first_misses(choice)
    assert first_misses(choice)["x-alpha"] == ("Python 3.12", MISSED)
    epsilon = choice.ranked[0]
    assert epsilon.constraints[-1].outcome == CHECK  # unknown Python: check, not ruled out


# --- The page ------------------------------------------------------------------------------------


def test_the_first_visit_shows_the_presets_and_the_form_but_no_ranking(client):
    response = client.get("/choose/")
    assert response.status_code == 200
    page = response.content.decode()
    for preset in PRESETS:
        assert preset.title in page
    assert "Nothing to rank yet" in page
    assert 'role="alert"' not in page
    assert 'id="must-orm"' in page
    assert 'id="nice-orm"' in page
    assert '<a href="/choose/">Choose</a>' in client.get("/").content.decode()


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.slug)
def test_each_preset_is_a_link_that_fills_the_form_and_ranks(client, preset):
    landing = client.get("/choose/").content.decode()
    href = f"/choose/?{preset.query}".replace("&", "&amp;")
    assert f'href="{href}"' in landing
    page = client.get(f"/choose/?{preset.query}").content.decode()
    assert re.search(rf'<a href="{re.escape(href)}" aria-current="true">', page)
    for value in preset.must:
        slug = value.partition(":")[0]
        assert re.search(rf'<select class="auto-apply" id="must-{slug}" name="must">', page)
        assert f'<option value="{value}" selected>' in page
    for value in preset.nice:
        slug = value.partition(":")[0]
        assert re.search(rf'<select class="auto-apply" id="nice-{slug}" name="nice">', page)
    choice = choice_for(preset.query)
    assert len(choice.ranked) >= 2, "a preset that ranks next to nothing helps nobody"
    assert f"{len(choice.ranked)} frameworks fit" in page


def test_every_preset_names_published_features():
    _, features = every_category_and_feature()
    slugs = {feature.slug for feature in features}
    for preset in PRESETS:
        for value in preset.must + preset.nice:
            assert value.partition(":")[0] in slugs, (preset.slug, value)


def test_the_page_ranks_as_the_rule_does_and_explains_each_point(client):
    query = SERVER_SITE.query
    choice = choice_for(query)
    page = client.get(f"/choose/?{query}").content.decode()
    ranks = re.findall(r'<li class="result" id="rank-([^"]+)">', page)
    assert ranks == [r.framework.slug for r in choice.ranked[:10]]
    first, second = choice.ranked[0].framework, choice.ranked[1].framework
    result = page[page.index(f'id="rank-{first.slug}"') : page.index(f'id="rank-{second.slug}"')]
    # The admin-panel point: its published value and every claim's source, linked.
    point = result[result.index("Admin panel</strong>") :]
    point = point[: point.index("</details>")]
    admin = Verdict.objects.get(framework=first, feature__slug="admin-panel")
    assert admin.detail in point
    claims = Claim.objects.filter(framework=first, feature__slug="admin-panel")
    assert claims
    for claim in claims:
        assert f'href="{claim.source.get_absolute_url()}"' in point
        assert claim.excerpt[:30] in point


def test_ruled_out_frameworks_are_listed_with_the_first_must_have_they_miss(client):
    page = client.get("/choose/?must=admin-panel:built_in&must=orm").content.decode()
    flask = page[page.index('<li id="out-flask">') + len('<li id="out-flask">') :]
    flask = text(flask[: flask.index("</li>")]).strip()
    # Flask's admin panel is an extension or package, not built in.
    assert flask.startswith("Flask : Admin panel ✗ Misses it")
    assert "you count built in only" in flask
    assert 'id="rank-django"' in page


def test_an_unknown_need_is_shown_as_check_before_you_choose(client):
    feature = make_feature(slug="nobody-knows", name="Nobody knows")
    page = client.get(f"/choose/?must=orm&nice={feature.slug}:high").content.decode()
    point = page[page.index('<li class="point o-check">') :]
    point = text(point[: point.index("</li>")])
    assert "? Check before you choose Nobody knows (nice to have, high) :" in point
    assert "No source settles it." in point


def test_advice_appears_beside_each_result_with_its_source(client):
    page = client.get("/choose/?must=admin-panel:built_in&must=orm").content.decode()
    django = page[page.index('id="rank-django"') :]
    django = django[: django.index("</aside>")]
    advice = Claim.objects.filter(
        framework__slug="django", kind=ClaimKind.ADVICE, advice_kind="consider_if"
    ).select_related("source")
    assert advice
    for claim in advice:
        assert claim.text[:40] in django.replace("&#x27;", "'").replace("&quot;", '"')
        assert f'href="{claim.source.get_absolute_url()}"' in django
    assert "Consider it if" in django
    assert "Think twice if" in django


def test_compare_the_top_three_opens_compare_with_them_ticked(client):
    choice = choice_for(SERVER_SITE.query)
    top = [r.framework.slug for r in choice.ranked[:3]]
    page = client.get(f"/choose/?{SERVER_SITE.query}").content.decode()
    href = "/compare/?" + "&amp;".join(f"f={slug}" for slug in top)
    assert f'<a class="compare-top" href="{href}">Compare the top three</a>' in page
    compare = client.get(href.replace("&amp;", "&")).content.decode()
    for slug in top:
        assert re.search(rf'value="{slug}" id="c-{slug}" checked', compare)


def test_with_two_that_fit_compare_the_top_two_never_takes_one_ruled_out(client):
    query = "must=orm&must=admin-panel:built_in"
    choice = choice_for(query)
    assert choice.ranked_count == 2, [r.framework.slug for r in choice.ranked]
    top = [r.framework.slug for r in choice.top]
    assert top == [r.framework.slug for r in choice.ranked]
    page = client.get(f"/choose/?{query}").content.decode()
    href = "/compare/?" + "&amp;".join(f"f={slug}" for slug in top)
    assert f'<a class="compare-top" href="{href}">Compare the top two</a>' in page


def test_more_than_ten_ranked_are_listed_briefly_after_the_first_ten(client):
    query = "must=async-handlers&lifecycle=any"
    choice = choice_for(query)
    assert len(choice.ranked) > 10
    page = client.get(f"/choose/?{query}").content.decode()
    assert page.count('<li class="result"') == 10
    assert f'<li value="11"><a href="/frameworks/{choice.ranked[10].framework.slug}/">' in page


def test_the_interface_constraint_is_a_must_have_on_that_feature():
    choice = choice_for("must=routing&interface=asgi")
    asgi = set(
        Verdict.objects.supported()
        .filter(feature__slug="asgi", framework__status="published")
        .values_list("framework__slug", flat=True)
    )
    ranked = {r.framework.slug for r in choice.ranked}
    assert ranked
    assert ranked <= asgi
    assert all(r.constraints[0].label == "ASGI" for r in choice.ranked)


def test_a_must_have_wins_over_the_same_feature_as_nice_to_have():
    choice = choice_for("must=orm&nice=orm:high&nice=websockets")
    assert [(n.feature.slug, n.must) for n in choice.needs] == [
        ("orm", True),
        ("websockets", False),
    ]


def test_an_htmx_request_gets_the_fragment_and_the_page_varies_on_it(client):
    response = client.get("/choose/?must=orm", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="choose"')
    assert "HX-Request" in response["Vary"]
    bad = client.get("/choose/?must=bogus", headers={"HX-Request": "true"})
    assert bad.status_code == 400
    assert 'role="alert"' in bad.content.decode()


# --- Bad input ---------------------------------------------------------------------------------

LONG = "a" * 10_000


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("must=bogus", "There is no published feature called “bogus”"),
        ("must=ORM", "There is no published feature called “ORM”"),
        (f"must={LONG}", "There is no published feature called “aaaa"),
        ("must=%ff", "There is no published feature called"),
        ("must=orm:maybe", "after the colon, say what counts: any, official or built_in"),
        ("nice=orm:huge", "the weight is low, medium or high"),
        ("must=orm&must=orm:built_in", "is given twice with different choices"),
        ("category=bogus", "bogus is not one of the available choices"),
        ("interface=cgi", "cgi is not one of the available choices"),
        ("lifecycle=dead", "dead is not one of the available choices"),
        ("python=2.7", "2.7 is not one of the available choices"),
        ("&".join(f"nice=gen-{i}" for i in range(200)), "at most 20 needs"),
    ],
)
def test_bad_input_is_a_400_that_says_why(client, query, message):
    for url in ["/choose/", "/choose.csv", "/choose.json"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        shown = body(response) if url != "/choose/" else text(response.content.decode())
        assert message in shown, (url, shown[:500])


def test_more_needs_than_the_cap_is_a_400(client):
    _, features = every_category_and_feature()
    query = "&".join(f"must={feature.slug}" for feature in features[: MAX_NEEDS + 1])
    response = client.get(f"/choose/?{query}")
    assert response.status_code == 400
    assert f"At most {MAX_NEEDS} needs at once; you gave {MAX_NEEDS + 1}" in text(
        response.content.decode()
    )
    assert client.get(f"/choose/?{query.rsplit('&', 1)[0]}").status_code == 200


def test_a_refused_form_keeps_the_needs_it_could_read(client):
    response = client.get("/choose/?must=orm:built_in&must=bogus&nice=websockets:high")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<option value="orm:built_in" selected>' in page
    assert '<option value="websockets:high" selected>' in page
    assert "No ranking: fix the needs" in page


@pytest.mark.parametrize(
    "query",
    [
        "must=orm&must=&nice=",  # a form's "not needed"
        "must=orm&must=orm&must=orm:any",  # the same need, said again
        "must=orm&zz=%ff&%ff=1",
        "must=orm&lifecycle=&python=&category=&interface=",
    ],
)
def test_odd_but_harmless_input_is_accepted(client, query):
    assert client.get(f"/choose/?{query}").status_code == 200
    assert client.get(f"/choose.json?{query}").status_code == 200


def test_exports_need_at_least_one_need(client):
    for url in ["/choose.csv", "/choose.json"]:
        response = client.get(f"{url}?category=full-stack")
        assert response.status_code == 400
        assert "State at least one must-have or nice-to-have" in body(response)
    assert client.get("/choose/?category=full-stack").status_code == 200


# --- Open data ---------------------------------------------------------------------------------


def test_json_and_csv_hold_the_same_ranking_as_the_page(client):
    query = SERVER_SITE.query
    choice = choice_for(query)
    ranked = [r.framework.slug for r in choice.ranked]
    data = json.loads(body(client.get(f"/choose.json?{query}")))
    assert [f["slug"] for f in data["frameworks"] if f["rank"]] == ranked
    assert [f["rank"] for f in data["frameworks"] if f["rank"]] == list(range(1, len(ranked) + 1))
    assert data["ranked_count"] == len(ranked)
    assert data["ruled_out_count"] == len(choice.ruled_out)
    first = data["frameworks"][0]
    assert first["points"] == choice.ranked[0].score
    admin = next(need for need in first["needs"] if need["feature"] == "admin-panel")
    assert admin["outcome"] == "met"
    assert admin["sources"], "each point names its sources"
    assert first["advice"]
    out = next(f for f in data["frameworks"] if not f["rank"])
    assert out["first_missed"]["outcome"] in ("missed", "check")

    rows = list(csv.DictReader(io.StringIO(body(client.get(f"/choose.csv?{query}")))))
    assert [row["slug"] for row in rows if row["rank"]] == ranked
    assert len(rows) == len(choice.ranked) + len(choice.ruled_out)
    assert rows[0]["admin-panel"] == "met"
    assert rows[-1]["first_missed"]


def test_the_page_links_its_csv_and_json_with_the_same_needs(client):
    page = client.get("/choose/?must=orm&nice=websockets%3Ahigh").content.decode()
    assert 'href="/choose.csv?must=orm&amp;nice=websockets%3Ahigh"' in page
    assert 'href="/choose.json?must=orm&amp;nice=websockets%3Ahigh"' in page


# --- Bounded, whatever the size of the data ----------------------------------------------------
# The limits are made small here so that the real data goes past them; tests/test_query_budget.py
# checks the real limits' bytes at ten and a hundred times the data.


@pytest.fixture
def small_limits(monkeypatch):
    for name, value in [("MAX_LISTED", 10), ("MAX_OPENED", 3), ("MAX_FOUND", 2),
                        ("MAX_GROUP_CHOICES", 3)]:  # fmt: skip
        monkeypatch.setattr(choose_needs, name, value)
    monkeypatch.setattr(choose_ranking, "RESULTS_LISTED", 12)
    monkeypatch.setattr(choose_ranking, "RULED_OUT_LISTED", 5)


def listed(page: str) -> list[str]:
    """The features the form lists, in order (each has a must control)."""
    return re.findall(r'id="must-([^"]+)"', page)


def in_display_order() -> list[Feature]:
    return list(Feature.objects.published().in_display_order())


def test_with_the_real_data_the_form_lists_every_feature(client):
    page = client.get("/choose/").content.decode()
    assert listed(page) == [feature.slug for feature in in_display_order()]
    assert len(listed(page)) <= MAX_LISTED
    assert 'id="more-features"' not in page
    assert 'id="find-feature"' not in page


def test_the_form_lists_the_first_groups_and_says_how_many_more(client, small_limits):
    features = in_display_order()
    page = client.get("/choose/").content.decode()
    # Whole groups in display order, while they fit in ten: Data (6), Templates (2).
    first_groups = [f.slug for f in features if f.group.slug in ("data", "templates")]
    assert listed(page) == first_groups
    groups = len({f.group_id for f in features})
    assert f"{len(first_groups)} of {len(features)} features are listed; " in text(page)
    assert f"{len(features) - len(first_groups)} more in {groups - 2} groups." in text(page)
    # The menu names three of the other groups, and says how many more there are.
    menu = page[
        page.index('id="open-group"') : page.index("</select>", page.index('id="open-group"'))
    ]
    assert re.findall(r'<option value="([^"]*)"', menu) == [
        "",
        "routing",
        "interface",
        "concurrency",
    ]
    assert f"The menu names 3 of the groups; {groups - 2 - 3} more" in text(page)
    assert 'href="/features/"' in page


def test_a_feature_not_listed_can_be_chosen_and_is_then_listed(client, small_limits):
    last = in_display_order()[-1]  # Extensions and plugins: not among the first groups
    assert last.slug not in listed(client.get("/choose/").content.decode())
    query = f"must={last.slug}&nice=orm"
    response = client.get(f"/choose/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert listed(page)[-1] == last.slug  # in display order, after the first groups
    assert f'<select class="auto-apply" id="must-{last.slug}" name="must">' in page
    assert f'<details class="need-group" id="group-{last.group.slug}" open>' in page
    choice = choice_for(query)
    assert choice.ranked, "some framework has extensions"
    assert f"{len(choice.ranked)} frameworks fit, {len(choice.ruled_out)} ruled out" in text(page)


def test_a_group_asked_for_is_listed_with_the_chosen_features(client, small_limits):
    features = in_display_order()
    page = client.get("/choose/?group=security&must=orm").content.decode()
    security = [f.slug for f in features if f.group.slug == "security"]
    assert listed(page) == ["orm", *security[:3]]
    assert '<option value="security" selected>Security</option>' in page
    assert f"Security: the first 3 features are listed, {len(security) - 3} more" in text(page)
    assert '<a href="?must=orm">List the first groups again</a>' in page
    # The ranking's own address leaves the form's group and search out.
    assert 'href="/choose.csv?must=orm"' in page
    assert '<link rel="canonical" href="http://testserver/choose/?must=orm">' in page


def test_a_search_lists_the_features_it_finds_and_counts_them(client, small_limits):
    page = client.get("/choose/?find=Session").content.decode()
    # Names, slugs and group names: Sessions, and the Caching and sessions group.
    assert listed(page) == ["caching", "sessions"]
    assert "2 features match “Session”." in text(page)
    page = client.get("/choose/?find=auth").content.decode()
    found = [
        f.slug
        for f in in_display_order()
        if "auth" in f.name.lower() or "auth" in f.slug or "auth" in f.group.name.lower()
    ]
    assert len(found) > 2
    assert listed(page) == found[:2]
    assert f"{len(found)} features match “auth”; the first 2 are listed" in text(page)
    assert "No feature matches “zzz”." in text(client.get("/choose/?find=zzz").content.decode())


def test_the_ranking_names_a_bounded_number_and_says_how_many_more(client, small_limits):
    query = "nice=orm&lifecycle=any"  # no must-have: every framework fits
    choice = choice_for(query)
    total = Framework.objects.published().count()
    assert len(choice.ranked) == choice.ranked_count == total > 12
    page = client.get(f"/choose/?{query}").content.decode()
    assert f"{total} frameworks fit, 0 ruled out" in text(page)
    assert page.count('<li class="result"') == 10
    assert re.findall(r'<li value="(\d+)">', page) == ["11", "12"]
    assert f"…and {total - 12} more fit." in text(page)
    # Every one of them is in the exports.
    rows = list(csv.DictReader(io.StringIO(body(client.get(f"/choose.csv?{query}")))))
    assert [row["slug"] for row in rows] == [r.framework.slug for r in choice.ranked]


def test_the_ruled_out_list_is_bounded_and_its_count_honest(client, small_limits):
    query = "must=admin-panel:built_in"
    choice = choice_for(query)
    out = len(choice.ruled_out)
    assert out == choice.ruled_out_count > 5
    page = client.get(f"/choose/?{query}").content.decode()
    assert f"{len(choice.ranked)} framework" in text(page)
    assert f", {out} ruled out" in text(page)
    shown = re.findall(r'<li id="out-([^"]+)">', page)
    assert shown == [r.framework.slug for r in choice.ruled_out[:5]]
    assert f"…and {out - 5} more ruled out: the first 5 of {out} are listed." in text(page)


@pytest.mark.parametrize(
    "query",
    [
        *(preset.query for preset in PRESETS),
        "must=admin-panel:built_in&must=orm",
        "must=authentication:official&nice=websockets:high&category=full-stack&python=3.12",
        "nice=orm:low&nice=templates&interface=asgi&lifecycle=maintained",
    ],
)
def test_every_framework_is_placed_as_its_explanation_says(query):
    """The page places every framework from the values it has, and explains only those it
    shows: the explanation (each Result) must agree with the place, for every framework."""
    choice = choice_for(query)
    assert len(choice.ranked) + len(choice.ruled_out) == Framework.objects.published().count()
    assert all(not result.misses for result in choice.ranked)
    assert [result.rank for result in choice.ranked] == list(range(1, len(choice.ranked) + 1))
    keys = [result.sort_key for result in choice.ranked]
    assert keys == sorted(keys)
    assert all(result.misses for result in choice.ruled_out)
    keys = [(len(r.misses), r.framework.name.lower(), r.framework.slug) for r in choice.ruled_out]
    assert keys == sorted(keys)
    for standing in choice.standings:
        result = standing.result
        assert (standing.score, standing.built_in, standing.misses) == (
            result.score, result.built_in, len(result.misses)
        )  # fmt: skip


def test_the_form_reads_the_features_as_rows_and_makes_the_few_it_needs():
    catalogue = Catalogue.load()
    assert list(catalogue) == [feature.slug for feature in in_display_order()]
    orm = catalogue["orm"]
    assert (orm.name, orm.group.name, orm.get_absolute_url()) == ("ORM", "Data", "/features/orm/")
    assert catalogue["orm"] is orm
    assert "bogus" not in catalogue


def test_shared_links_hold_the_question_not_the_forms_blanks_or_the_picker(client):
    """A submitted form sends every field, empty ones too; the links it offers do not."""
    page = client.get(
        "/choose/?must=orm&must=&nice=&category=&interface=&lifecycle=&python=&find=sess&group=data"
    ).content.decode()
    assert '<link rel="canonical" href="http://testserver/choose/?must=orm">' in page
    assert 'href="/choose.csv?must=orm"' in page
    assert 'href="/choose.json?must=orm"' in page


def test_too_many_values_for_one_parameter_says_so(client):
    response = client.get("/choose/?" + "&".join(["must=orm"] * 150))
    assert response.status_code == 400
    assert "at most 100 for one parameter" in response.content.decode()
