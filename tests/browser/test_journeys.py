"""What users do, in a real browser: a visitor choosing a framework, on a desktop with and
without JavaScript, on a phone and by keyboard alone; an editor correcting a summary.

Each journey saves a screenshot of where it ends under artifacts/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from frameworks.editors import make_editor
from frameworks.models import Framework, Verdict
from tests.browser.tools import DESKTOP, PHONE, PUBLIC_PAGES, screenshot

ROWS = ".matrix tbody th[scope=row] input[name=f]"


def row_slugs(page) -> list[str]:
    return page.locator(ROWS).evaluate_all("inputs => inputs.map(input => input.value)")


def shown_by_default() -> set[str]:
    """Published frameworks, less the discontinued ones the table leaves out unless asked."""
    discontinued = Verdict.objects.filter(kind="lifecycle", lifecycle="discontinued")
    return set(
        Framework.objects.published()
        .exclude(pk__in=discontinued.values("framework_id"))
        .values_list("slug", flat=True)
    )


def asynchronous_slugs() -> set[str]:
    return shown_by_default() & set(
        Verdict.objects.memberships()
        .filter(category__slug="asynchronous", framework__status="published")
        .values_list("framework__slug", flat=True)
    )


def apply_filters(page, javascript: bool, expected_rows: int) -> None:
    """With JavaScript a change applies itself; without, the visitor presses the button."""
    if not javascript:
        page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(ROWS)).to_have_count(expected_rows)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_visitor_filters_compares_and_follows_the_sources(site, open_page, javascript):
    page = open_page(javascript=javascript)
    page.goto(site + "/")
    everything = len(shown_by_default())
    expect(page.locator(ROWS)).to_have_count(everything)
    if javascript:
        page.evaluate("() => { window.notReloaded = true; }")

    # Only asynchronous frameworks remain, and the address says so.
    asynchronous = asynchronous_slugs()
    page.locator("#f-category-asynchronous").check()
    apply_filters(page, javascript, len(asynchronous))
    expect(page).to_have_url(re.compile(r"[?&]category=asynchronous(&|$)"))
    assert set(row_slugs(page)) == asynchronous

    # A must-have feature narrows them further.
    page.locator("#f-feature-websockets").check()
    with_websockets = set(
        Verdict.objects.supported()
        .filter(feature__slug="websockets")
        .values_list("framework__slug", flat=True)
    )
    expected = asynchronous & with_websockets
    assert 0 < len(expected) < len(asynchronous)
    apply_filters(page, javascript, len(expected))
    expect(page).to_have_url(re.compile(r"feature=websockets"))
    assert set(row_slugs(page)) == expected

    if javascript:
        # Swapped in place, and Back and Forward walk through the filters.
        assert page.evaluate("() => window.notReloaded === true")
        page.go_back()
        expect(page.locator(ROWS)).to_have_count(len(asynchronous))
        expect(page.locator("#f-feature-websockets")).not_to_be_checked()
        page.go_forward()
        expect(page.locator(ROWS)).to_have_count(len(expected))

    # Clearing the filters brings every framework back.
    page.get_by_role("link", name="Clear all filters").first.click()
    expect(page).to_have_url(site + "/")
    expect(page.locator(ROWS)).to_have_count(everything)

    # A cell leads to the sources behind it.
    page.locator("tr:has(#pick-django) td a[href$='#f-orm']").click()
    expect(page).to_have_url(re.compile(r"/frameworks/django/#f-orm$"))
    citations = page.locator("#f-orm .claims li")
    expect(citations.first).to_be_visible()
    expect(citations.first.locator("cite a")).to_have_attribute("href", re.compile("^/sources/"))
    page.go_back()

    # Three ticked frameworks, compared.
    for slug in ("django", "flask", "fastapi"):
        page.locator(f"#pick-{slug}").check()
    page.get_by_role("button", name="Compare ticked frameworks").click()
    expect(page).to_have_url(re.compile(r"/compare/\?f=\w+&f=\w+&f=\w+$"))
    heading = page.get_by_role("heading", level=1)
    for name in ("Django", "Flask", "FastAPI"):
        expect(heading).to_contain_text(name)

    # Only the differences.
    all_rows = page.locator("table.compare tbody:not(.facts) tr:not(.group-row)").count()
    page.get_by_role("link", name=re.compile(r"Show only the \d+ real difference")).click()
    expect(page).to_have_url(re.compile(r"diff=1"))
    feature_rows = page.locator("table.compare tbody:not(.facts) tr:not(.group-row)")
    assert 0 < feature_rows.count() < all_rows
    expect(page.locator("table.compare tbody:not(.facts) tr.differs")).to_have_count(
        feature_rows.count()
    )

    # A cell's sources open without leaving the page, and a source link leads to the source.
    cell_sources = page.locator("table.compare tbody:not(.facts) td details").first
    cell_sources.locator("summary").click()
    source_link = cell_sources.locator("cite a").first
    expect(source_link).to_be_visible()
    citation = source_link.inner_text()  # the title, then its date or version
    source_link.click()
    expect(page).to_have_url(re.compile(r"/sources/[\w-]+/$"))
    title = page.get_by_role("heading", level=1).inner_text()
    assert citation.startswith(title), (citation, title)
    screenshot(page, f"visitor-{'js' if javascript else 'no-js'}-source")


def test_an_impossible_filter_says_why_in_place(site, page):
    page.goto(site + "/")
    page.locator("#f-since").fill("2020")
    page.locator("#f-until").fill("2010")
    page.locator("#f-until").press("Enter")
    expect(page.locator(".form-errors")).to_contain_text("2020 is after 2010")
    expect(page).to_have_url(re.compile(r"since=2020.*until=2010"))
    expect(page.locator("#f-since")).to_have_value("2020")


def test_on_a_phone_the_table_scrolls_in_its_box_and_compare_shows_a_pair(site, open_page):
    page = open_page(viewport=PHONE)
    page.goto(site + "/")
    # The page is no wider than the screen; the table scrolls inside its own box,
    # and the framework column stays in view while it does.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    scroller = page.locator(".matrix-scroll")
    assert scroller.evaluate("box => box.scrollWidth > box.clientWidth")
    name = page.locator(".matrix tbody th").first
    before = name.bounding_box()["x"]
    scroller.evaluate("box => { box.scrollLeft = 400; }")
    assert abs(name.bounding_box()["x"] - before) < 1, "the framework column is sticky"
    # The filters fill the first screens; a link near the top skips to the results.
    expect(page.locator("#results-title")).not_to_be_in_viewport()
    page.locator(".jump-to-results a").click()
    expect(page.locator("#results-title")).to_be_in_viewport()
    screenshot(page, "phone-table")

    page.goto(site + "/compare/?f=django&f=flask&f=fastapi")
    header = page.locator("table.compare thead th")
    expect(header.nth(0)).to_be_visible()  # Django, always shown
    expect(header.nth(1)).to_be_visible()  # beside Flask
    expect(header.nth(2)).to_be_hidden()
    page.locator(".pair-switcher").get_by_role("link", name="FastAPI").click()
    expect(header.nth(2)).to_be_visible()
    expect(header.nth(1)).to_be_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-compare")


def tab_to(page, selector: str, limit: int = 250):
    """Press Tab until the element matching the selector has focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return target
    pytest.fail(f"{selector} was not reached with {limit} presses of Tab")


def has_visible_focus(locator) -> bool:
    return locator.evaluate(
        """element => {
            const style = getComputedStyle(element);
            return element.matches(':focus-visible')
                && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        }"""
    )


def test_the_filters_and_the_compare_picker_work_by_keyboard_alone(site, open_page):
    page = open_page()
    page.goto(site + "/")

    category = tab_to(page, "#f-category-asynchronous")
    assert has_visible_focus(category)
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"category=asynchronous"))
    expect(page.locator(ROWS)).to_have_count(len(asynchronous_slugs()))
    # The results were swapped in; focus stays where the visitor was.
    expect(page.locator("#f-category-asynchronous")).to_be_focused()

    for slug in ("fastapi", "sanic"):
        checkbox = tab_to(page, f"#pick-{slug}")
        assert has_visible_focus(checkbox)
        page.keyboard.press("Space")
        expect(checkbox).to_be_checked()
    button = tab_to(page, "#pick button[type=submit]")
    assert has_visible_focus(button)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/compare/\?f=fastapi&f=sanic$"))

    # On the compare page, the picker adds a third framework.
    summary = tab_to(page, "details.picker summary")
    assert has_visible_focus(summary)
    page.keyboard.press("Enter")
    tab_to(page, "#c-aiohttp")
    page.keyboard.press("Space")
    tab_to(page, "details.picker button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"f=aiohttp"))
    expect(page.locator("table.compare thead th")).to_have_count(3)
    screenshot(page, "keyboard-compare")


PASSWORD = "correct horse battery staple 42"


def test_an_editor_changes_a_summary_sees_it_and_reverts_it(site, open_page):
    make_editor(username="ada", password=PASSWORD)
    original = Framework.objects.get(slug="hug").summary
    corrected = "Hug builds APIs on Falcon; this sentence is the editor's correction."

    page = open_page()
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Curated data")).to_be_visible()

    page.locator("tr.model-framework th a").click()
    page.get_by_role("link", name="Hug", exact=True).click()
    page.locator("#id_summary").fill(corrected)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(site + "/frameworks/hug/")
    expect(page.locator("main")).to_contain_text(corrected)

    # The history shows the change, by whom; reverting restores the old text.
    page.goto(site + f"/admin/frameworks/framework/{Framework.objects.get(slug='hug').pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("ada")
    expect(history).to_contain_text("Summary")
    history.locator("tbody tr").nth(1).locator("a").first.click()  # the version before
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    page.goto(site + "/frameworks/hug/")
    expect(page.locator("main")).to_contain_text(original)
    expect(page.locator("main")).not_to_contain_text(corrected)
    screenshot(page, "editor-reverted")
    page.goto(site + f"/admin/frameworks/framework/{Framework.objects.get(slug='hug').pk}/history/")
    expect(page.locator("#change-history tbody tr").first).to_contain_text(
        "Reverted to the version of"
    )

    # The claims list narrowed to one framework: each claim's value in words.
    page.goto(site + "/admin/frameworks/claim/")
    page.locator("#changelist-filter").get_by_role("link", name="Flask", exact=True).click()
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_contain_text("Flask")
    values = page.locator("#result_list tbody td.field-value_in_words").all_inner_texts()
    assert values
    assert "-" not in values, "every claim shows its value"
    screenshot(page, "admin-claim-list")


MAIN_PAGES = {
    "table": "/",
    "framework": "/frameworks/django/",
    "compare": "/compare/?f=django&f=flask&f=fastapi",
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_public_page_scrolls_sideways(site, open_page, viewport):
    """Wide tables and code scroll inside their own region; the page itself never does."""
    page = open_page(viewport=viewport)
    width = "desktop" if viewport is DESKTOP else "phone"
    too_wide = {}
    for path, _status in PUBLIC_PAGES.values():
        page.goto(site + path)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > viewport["width"]:
            too_wide[path] = scroll_width
    assert not too_wide, f"wider than {viewport['width']}px: {too_wide}"
    for name, path in MAIN_PAGES.items():
        page.goto(site + path)
        screenshot(page, f"{name}-{width}")
