"""The rule that derives published values from claims (docs/data.md, "The rule")."""

import datetime
from decimal import Decimal

import pytest

from frameworks.models import ClaimKind, Verdict
from tests.factories import (
    make_category,
    make_claim,
    make_feature,
    make_framework,
    make_source,
    support,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return make_framework()


@pytest.fixture
def feature():
    return make_feature()


def cell(framework, feature) -> Verdict | None:
    return Verdict.objects.filter(framework=framework, feature=feature).first()


def test_a_feature_no_source_speaks_about_has_no_verdict_and_shows_as_unknown(framework, feature):
    assert cell(framework, feature) is None


def test_claims_that_only_say_unknown_publish_unknown(framework, feature):
    support(framework, feature, "unknown")
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.disputed) == ("unknown", False)


def test_agreeing_sources_publish_their_status_and_how(framework, feature):
    support(framework, feature, "yes", how="built_in")
    support(framework, feature, "yes", how="built_in")
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.how, verdict.disputed) == ("yes", "built_in", False)


def test_an_unknown_claim_does_not_contradict_a_known_one(framework, feature):
    support(framework, feature, "no")
    support(framework, feature, "unknown")
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.disputed) == ("no", False)


def test_sources_that_disagree_on_status_make_the_cell_disputed(framework, feature):
    support(framework, feature, "yes", how="built_in")
    support(framework, feature, "no")
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.how, verdict.disputed) == ("disputed", "", True)


def test_agreeing_on_support_but_not_on_how_is_disputed_too(framework, feature):
    support(framework, feature, "yes", how="built_in")
    support(framework, feature, "yes", how="third_party", package="Flask-RESTful")
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.how, verdict.disputed) == ("yes", "", True)
    assert verdict.detail == "Flask-RESTful"


def test_packages_named_by_the_claims_become_the_detail(framework, feature):
    support(framework, feature, "yes", how="third_party", package="SQLObject")
    support(framework, feature, "yes", how="third_party", package="SQLAlchemy")
    assert cell(framework, feature).detail == "SQLAlchemy, SQLObject"


def test_partial_publishes_its_explanation(framework, feature):
    support(framework, feature, "partial", how="built_in", note="Async views arrive in 3.1.")
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.note) == ("partial", "Async views arrive in 3.1.")


def test_an_editor_resolves_a_dispute_by_preferring_a_claim_with_a_reason(framework, feature):
    support(framework, feature, "yes", how="built_in")
    support(
        framework,
        feature,
        "no",
        preferred=True,
        preferred_note="The newer article describes the current release.",
    )
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.disputed, verdict.resolved) == ("no", False, True)
    assert verdict.resolution_note == "The newer article describes the current release."


def test_only_the_newest_figure_counts_and_older_ones_are_not_a_dispute(framework):
    for value, year in ((1000, 2020), (2500, 2023)):
        make_claim(
            framework,
            ClaimKind.FIGURE,
            metric="github_stars",
            value=value,
            as_of=datetime.date(year, 1, 1),
            as_of_precision="year",
        )
    verdict = Verdict.objects.get(framework=framework, kind="figure", metric="github_stars")
    assert (verdict.value, verdict.as_of.year, verdict.disputed) == (Decimal(2500), 2023, False)


def test_two_values_for_the_same_date_are_disputed(framework):
    for value in (38, 40):
        make_claim(
            framework,
            ClaimKind.FIGURE,
            metric="market_share",
            value=value,
            as_of=datetime.date(2023, 1, 1),
            as_of_precision="year",
        )
    verdict = Verdict.objects.get(framework=framework, kind="figure")
    assert (verdict.value, verdict.disputed) == (Decimal(40), True)


def test_different_first_release_years_are_disputed_and_sort_by_the_earliest(framework):
    make_claim(framework, ClaimKind.FIRST_RELEASE, year=2006)
    make_claim(framework, ClaimKind.FIRST_RELEASE, year=2005)
    verdict = Verdict.objects.get(framework=framework, kind="first_release")
    assert (verdict.year, verdict.disputed) == (2005, True)


def test_a_preferred_first_release_year_settles_it(framework):
    make_claim(framework, ClaimKind.FIRST_RELEASE, year=2006)
    make_claim(
        framework,
        ClaimKind.FIRST_RELEASE,
        year=2005,
        preferred=True,
        preferred_note="The first public release was in July 2005.",
    )
    verdict = Verdict.objects.get(framework=framework, kind="first_release")
    assert (verdict.year, verdict.disputed, verdict.resolved) == (2005, False, True)


def test_a_category_some_classifying_source_leaves_out_is_disputed(framework):
    micro, asynchronous = make_category(), make_category()
    first, second = make_source(), make_source()
    make_claim(framework, ClaimKind.CATEGORY, category=asynchronous, source=first)
    make_claim(framework, ClaimKind.CATEGORY, category=asynchronous, source=second)
    make_claim(framework, ClaimKind.CATEGORY, category=micro, source=second)
    memberships = Verdict.objects.filter(framework=framework, kind="category")
    verdicts = {verdict.category_id: verdict for verdict in memberships}
    assert verdicts[asynchronous.id].disputed is False
    assert verdicts[micro.id].disputed is True


def test_maintenance_claims_follow_the_status_rule(framework):
    make_claim(framework, ClaimKind.MAINTENANCE, status="yes")
    make_claim(framework, ClaimKind.MAINTENANCE, status="no")
    verdict = Verdict.objects.get(framework=framework, kind="maintenance")
    assert (verdict.status, verdict.disputed) == ("disputed", True)


def test_the_real_data_records_the_known_disagreements():
    """The disagreements the articles are known for show up as disputed values."""
    django_release = Verdict.objects.get(framework__slug="django", kind="first_release")
    assert django_release.disputed
    assert django_release.year == 2005
    django_async = Verdict.objects.get(framework__slug="django", feature__slug="async-handlers")
    assert django_async.status == "disputed"


def test_a_package_named_by_several_claims_is_listed_once(framework, feature):
    support(framework, feature, "yes", how="third_party", package="Chameleon, Jinja2, Mako")
    support(framework, feature, "yes", how="third_party", package="Chameleon")
    assert cell(framework, feature).detail == "Chameleon, Jinja2, Mako"
