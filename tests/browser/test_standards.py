"""Web-standards gates: axe-core at WCAG 2.1 AA and the Nu HTML checker on every public page type.

Each gate is also fed a known-bad page, to show it reports what it should.
"""

import pytest

from tests.browser.tools import (
    DESKTOP,
    KNOWN_BAD_PAGE,
    PHONE,
    PUBLIC_PAGES,
    axe_violations,
    vnu_errors,
)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_public_page_type_has_no_accessibility_violations(
    site, open_page, axe_source, viewport
):
    """At both widths: the phone layouts restyle tables, which changes what axe sees."""
    page = open_page(viewport=viewport)
    found = {}
    for name, (path, status) in PUBLIC_PAGES.items():
        response = page.goto(site + path)
        assert response.status == status, f"{name}: {path} answered {response.status}"
        violations = axe_violations(page, axe_source)
        if violations:
            found[f"{name} ({path})"] = violations
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(
        f"{page_name}:\n  " + "\n  ".join(lines) for page_name, lines in found.items()
    )


def test_axe_reports_a_known_bad_page(page, axe_source):
    page.set_content(KNOWN_BAD_PAGE)
    violations = "\n".join(axe_violations(page, axe_source))
    assert "image-alt" in violations
    assert "label" in violations


@pytest.mark.django_db
def test_every_public_page_type_is_valid_html(client, vnu_command, tmp_path):
    documents = {}
    for name, (path, status) in PUBLIC_PAGES.items():
        response = client.get(path)
        assert response.status_code == status, f"{name}: {path} answered {response.status_code}"
        documents[f"{name} ({path})"] = response.content.decode()
    errors = vnu_errors(vnu_command, documents, tmp_path)
    assert not errors, "The Nu HTML checker found errors:\n" + "\n".join(
        f"{name}:\n  " + "\n  ".join(lines) for name, lines in errors.items()
    )


def test_the_html_checker_reports_a_known_bad_page(vnu_command, tmp_path):
    errors = vnu_errors(vnu_command, {"known bad": KNOWN_BAD_PAGE}, tmp_path)
    found = "\n".join(errors["known bad"])
    assert "“img” element must have an “alt” attribute" in found
    assert "Duplicate ID “twice”" in found
