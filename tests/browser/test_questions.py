"""The three questions a new user tried the site with, each answered in at most three actions
from the home page, on a desktop and on a phone:

- Which async frameworks have a built-in ORM?
- How do Flask and FastAPI differ?
- When was Django first released, and do the sources agree?

The expected answers come from the verdicts in the database, not from the pages.
"""

import re

import pytest
from playwright.sync_api import expect

from frameworks.models import Claim, ClaimKind, Framework, Verdict, VerdictStatus
from tests.browser.test_journeys import ROWS, asynchronous_slugs, row_slugs
from tests.browser.tools import DESKTOP, PHONE, screenshot

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def width_name(viewport) -> str:
    return "desktop" if viewport is DESKTOP else "phone"


def orm_cells():
    return Verdict.objects.filter(feature__slug="orm", status=VerdictStatus.YES)


@VIEWPORTS
def test_which_async_frameworks_have_a_built_in_orm(site, open_page, viewport):
    page = open_page(viewport=viewport)
    page.goto(site + "/")

    # 1. The Asynchronous tab.
    page.locator(".category-tabs").get_by_role("link", name=re.compile("Asynchronous")).click()
    asynchronous = asynchronous_slugs()
    expect(page.locator(ROWS)).to_have_count(len(asynchronous))
    # 2. Must have: ORM (applies itself).
    page.locator("#f-feature-orm").check()
    with_any_orm = asynchronous & set(orm_cells().values_list("framework__slug", flat=True))
    expect(page.locator(ROWS)).to_have_count(len(with_any_orm))
    # 3. Count only what is built in.
    page.locator("#f-support-built_in").check()
    built_in = asynchronous & set(
        orm_cells().filter(how="built_in").values_list("framework__slug", flat=True)
    )
    assert built_in, "the data answers the question with at least one framework"
    assert built_in < with_any_orm, "extensions and third-party packages are told apart"
    expect(page.locator(ROWS)).to_have_count(len(built_in))
    assert set(row_slugs(page)) == built_in
    expect(page).to_have_url(re.compile(r"support=built_in"))

    # The ORM column comes first, every cell in it says "Built in", and the filters in
    # force show as chips, the widening one included.
    first_column = page.locator(".matrix thead th[scope=col]").first
    expect(first_column).to_contain_text("ORM")
    orm_column = page.locator(".matrix tbody tr td:first-of-type")
    for text in orm_column.all_inner_texts():
        assert "Built in" in text, text
    chips = page.locator(".chips")
    expect(chips).to_contain_text("Asynchronous")
    expect(chips).to_contain_text("ORM")
    expect(chips).to_contain_text("Built in only")
    screenshot(page, f"question-async-orm-{width_name(viewport)}")


def differences(first: str, second: str) -> tuple[set[str], set[str]]:
    """Features known for both with different values, and those known for one side only."""
    cells = {
        slug: {
            v.feature.slug: (v.status, v.how)
            for v in Verdict.objects.features()
            .filter(framework__slug=slug)
            .select_related("feature")
            if v.status != VerdictStatus.UNKNOWN
        }
        for slug in (first, second)
    }
    a, b = cells[first], cells[second]
    differ = {slug for slug in a.keys() & b.keys() if a[slug] != b[slug]}
    one_side = a.keys() ^ b.keys()
    return differ, one_side


@VIEWPORTS
def test_how_do_flask_and_fastapi_differ(site, open_page, viewport):
    page = open_page(viewport=viewport)
    page.goto(site + "/")

    # 1, 2. Tick the two rows; 3. Compare.
    page.locator(f"{ROWS}[value=flask]").check()
    page.locator(f"{ROWS}[value=fastapi]").check()
    page.get_by_role("button", name=re.compile("^Compare")).first.click()
    expect(page).to_have_url(re.compile(r"/compare/\?f=fastapi&f=flask$"))  # in table order

    differ, one_side = differences("flask", "fastapi")
    assert differ, "Flask and FastAPI differ somewhere the sources cover both"
    lede = page.locator(".lede").first
    expect(lede).to_contain_text(f"{len(differ)} features differ where the sources cover both")
    expect(lede).to_contain_text(f"{len(one_side)} are known for only some of them")
    differing_rows = page.locator("table.compare tbody tr.differs th a")
    expect(differing_rows).to_have_count(len(differ))
    shown = {
        href.rstrip("/").rsplit("/", 1)[-1]
        for href in differing_rows.evaluate_all(
            "links => links.map(link => link.getAttribute('href'))"
        )
    }
    assert shown == differ

    # Both frameworks fit side by side, with their names kept in view while scrolling.
    header = page.locator("table.compare thead th")
    fastapi, flask = header.nth(0), header.nth(1)
    expect(fastapi).to_be_visible()
    expect(flask).to_be_visible()
    viewport_width = viewport["width"]
    assert flask.bounding_box()["x"] + flask.bounding_box()["width"] <= viewport_width
    widths = [fastapi.bounding_box()["width"], flask.bounding_box()["width"]]
    assert max(widths) - min(widths) <= 2, f"equal columns, not {widths}"
    page.mouse.wheel(0, 2500)
    page.wait_for_function("() => window.scrollY > 1000")
    assert -1 <= fastapi.bounding_box()["y"] <= 80, "the header row sticks to the top"
    screenshot(page, f"question-flask-fastapi-{width_name(viewport)}")


@VIEWPORTS
def test_when_was_django_first_released_and_do_the_sources_agree(site, open_page, viewport):
    page = open_page(viewport=viewport)
    page.goto(site + "/")

    # 1. Django's name in the table.
    names = page.locator(".matrix tbody th[scope=row]")
    names.get_by_role("link", name="Django", exact=True).click()
    expect(page).to_have_url(re.compile(r"/frameworks/django/$"))

    django = Framework.objects.get(slug="django")
    verdict = Verdict.objects.get(framework=django, kind=ClaimKind.FIRST_RELEASE)
    years = set(
        Claim.objects.filter(framework=django, kind=ClaimKind.FIRST_RELEASE).values_list(
            "year", flat=True
        )
    )
    assert len(years) > 1, "the sources have said different things"
    fact = page.locator(".infobox div", has=page.locator("dt", has_text="First release"))
    expect(fact).to_be_in_viewport()  # the answer is on the first screen
    expect(fact.locator("dd")).to_contain_text(str(verdict.year))
    # A newer primary source replaced an older claim: the box says so with its mark,
    # never as a disagreement.
    expect(fact.locator(".mark-superseded")).to_be_visible()
    expect(fact.locator(".mark-disputed")).to_have_count(1 if verdict.disputed else 0)

    # 2. The value leads to who says so, the older claim included.
    fact.locator("dd a").click()
    evidence = page.locator("#fact-first_release")
    expect(evidence).to_be_in_viewport()
    for year in years:
        expect(evidence).to_contain_text(str(year))
    expect(evidence).to_contain_text("Superseded")
    screenshot(page, f"question-django-release-{width_name(viewport)}")
