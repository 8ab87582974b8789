"""The rule that derives published values from claims (docs/data.md, "The rule")."""

import datetime
from decimal import Decimal

import pytest

from frameworks.models import Claim, ClaimKind, Verdict
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


def test_a_category_a_source_only_likens_it_to_is_left_open_not_denied(framework):
    micro = make_category()
    likeness = make_claim(
        framework, ClaimKind.CATEGORY, category=micro, status="unknown", note="A comparison."
    )
    verdict = Verdict.objects.get(framework=framework, kind="category", category=micro)
    assert (verdict.status, verdict.disputed) == ("unknown", False)
    assert not Verdict.objects.memberships().filter(framework=framework).exists()

    # Another source that classifies it: the likeness takes no side, so no dispute either.
    make_claim(framework, ClaimKind.CATEGORY, category=micro, source=make_source())
    verdict = Verdict.objects.get(framework=framework, kind="category", category=micro)
    assert (verdict.status, verdict.disputed) == ("yes", False)
    assert likeness.id not in verdict.superseded


def test_lifecycle_claims_that_disagree_are_disputed(framework):
    make_claim(framework, ClaimKind.LIFECYCLE, lifecycle="active")
    make_claim(framework, ClaimKind.LIFECYCLE, lifecycle="discontinued", year=2012)
    verdict = Verdict.objects.get(framework=framework, kind="lifecycle")
    assert (verdict.lifecycle, verdict.disputed) == ("", True)


# --- Time: a newer primary source supersedes, comparable times stay disputed --------------------

READ = datetime.date(2026, 11, 25)


def article(year: int):
    """A secondary source dated by its year only (it holds until the end of that year)."""
    return make_source(date=datetime.date(year, 1, 1), date_precision="year")


def docs(framework, read: datetime.date = READ):
    """The framework's own documentation, read on ``read``: a primary source."""
    return make_source(
        kind="documentation", framework=framework, date=None, date_precision="unknown",
        retrieved=read, version="3.1",
    )  # fmt: skip


def test_a_newer_primary_source_supersedes_an_older_claim_instead_of_disputing_it(
    framework, feature
):
    old = support(framework, feature, "no", source=article(2020))
    new = support(framework, feature, "yes", how="built_in", since="2.0", source=docs(framework))
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.how, verdict.since) == ("yes", "built_in", "2.0")
    assert verdict.disputed is False
    assert verdict.superseded == [old.id]
    assert new.id not in verdict.superseded


def test_claims_that_agree_with_the_newer_primary_source_are_not_superseded(framework, feature):
    support(framework, feature, "yes", how="built_in", source=article(2020))
    support(framework, feature, "yes", how="built_in", source=docs(framework))
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.superseded) == ("yes", [])


def test_disagreement_from_comparable_times_stays_disputed(framework, feature):
    """A 2026 article and documentation read in 2026: neither is newer, so both sides show."""
    support(framework, feature, "no", source=article(2026))
    support(framework, feature, "yes", how="built_in", source=docs(framework))
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.disputed, verdict.superseded) == ("disputed", True, [])


def test_an_undated_source_is_never_shown_older_so_it_stays_disputed(framework, feature):
    undated = make_source(date=None, date_precision="unknown")
    support(framework, feature, "no", source=undated)
    support(framework, feature, "yes", how="built_in", source=docs(framework))
    assert cell(framework, feature).disputed is True


def test_a_newer_secondary_source_does_not_supersede_anything(framework, feature):
    support(framework, feature, "no", source=article(2020))
    support(framework, feature, "yes", how="built_in", source=article(2024))
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.superseded) == ("disputed", [])


def test_another_frameworks_documentation_is_not_primary_here(framework, feature):
    support(framework, feature, "no", source=article(2020))
    support(framework, feature, "yes", how="built_in", source=docs(make_framework()))
    assert cell(framework, feature).status == "disputed"


def test_the_newest_primary_source_wins_over_an_older_primary_one(framework, feature):
    older_docs = docs(framework, read=datetime.date(2022, 3, 1))
    support(framework, feature, "no", source=older_docs)
    support(framework, feature, "yes", how="built_in", source=docs(framework))
    agrees = support(framework, feature, "yes", how="built_in", source=article(2021))
    verdict = cell(framework, feature)
    assert verdict.status == "yes"
    assert agrees.id not in verdict.superseded
    assert len(verdict.superseded) == 1


def test_a_newer_primary_source_that_disagrees_on_how_supersedes_the_older_how(framework, feature):
    support(framework, feature, "yes", how="third_party", package="asgiref", source=article(2021))
    support(framework, feature, "yes", how="built_in", source=docs(framework))
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.how, verdict.disputed) == ("yes", "built_in", False)


def test_an_editors_resolution_overrides_a_superseding_primary_source(framework, feature):
    support(
        framework, feature, "no", source=article(2020), preferred=True,
        preferred_note="The documented feature was removed again in the release we track.",
    )  # fmt: skip
    support(framework, feature, "yes", how="built_in", source=docs(framework))
    verdict = cell(framework, feature)
    assert (verdict.status, verdict.resolved, verdict.disputed) == ("no", True, False)
    assert verdict.resolution_note.startswith("The documented feature")


def test_a_figures_history_is_kept_newest_first_not_superseded(framework):
    for value, year in ((1000, 2020), (2500, 2023), (4000, 2026)):
        make_claim(
            framework, ClaimKind.FIGURE, metric="github_stars", value=value,
            as_of=datetime.date(year, 1, 1), as_of_precision="year", source=article(year),
        )  # fmt: skip
    verdict = Verdict.objects.get(framework=framework, kind="figure")
    assert (verdict.value, verdict.as_of.year, verdict.disputed) == (Decimal(4000), 2026, False)
    assert verdict.superseded == []


def test_the_latest_release_is_the_newest_and_older_ones_are_history(framework):
    for version, day in (
        ("3.0.0", datetime.date(2023, 9, 30)),
        ("3.1.2", datetime.date(2025, 8, 19)),
    ):
        make_claim(
            framework, ClaimKind.LATEST_RELEASE, version=version, release_date=day,
            source=docs(framework, read=day),
        )  # fmt: skip
    verdict = Verdict.objects.get(framework=framework, kind="latest_release")
    assert (verdict.version, verdict.as_of, verdict.disputed) == (
        "3.1.2", datetime.date(2025, 8, 19), False,
    )  # fmt: skip


def test_categories_follow_the_same_rule(framework):
    micro, asynchronous = make_category(), make_category()
    old = make_claim(framework, ClaimKind.CATEGORY, category=micro, source=article(2020))
    own = docs(framework)
    make_claim(framework, ClaimKind.CATEGORY, category=micro, status="no", source=own)
    make_claim(framework, ClaimKind.CATEGORY, category=asynchronous, source=own)
    verdicts = {v.category_id: v for v in Verdict.objects.filter(framework=framework)}
    assert verdicts[micro.id].status == "no", "the newer primary source says it is not micro"
    assert verdicts[micro.id].superseded == [old.id]
    assert Verdict.objects.memberships().filter(framework=framework).count() == 1


def test_a_newer_primary_category_answers_an_older_sources_silence(framework):
    micro, full_stack = make_category(), make_category()
    older = article(2020)
    make_claim(framework, ClaimKind.CATEGORY, category=full_stack, source=older)
    make_claim(framework, ClaimKind.CATEGORY, category=micro, source=docs(framework))
    verdicts = {v.category_id: v for v in Verdict.objects.filter(framework=framework)}
    assert verdicts[micro.id].disputed is False, "the 2020 article's silence is older"


def test_the_first_release_follows_the_time_rule_too(framework):
    make_claim(framework, ClaimKind.FIRST_RELEASE, year=2006, source=article(2020))
    make_claim(framework, ClaimKind.FIRST_RELEASE, year=2005, source=docs(framework))
    verdict = Verdict.objects.get(framework=framework, kind="first_release")
    assert (verdict.year, verdict.disputed, len(verdict.superseded)) == (2005, False, 1)


def test_a_source_dated_later_reconsiders_what_it_superseded(framework, feature):
    """Verdicts are stored: changing a source's date must recompute them (a trigger does)."""
    old = support(framework, feature, "no", source=article(2020))
    own = docs(framework)
    support(framework, feature, "yes", how="built_in", source=own)
    assert cell(framework, feature).superseded == [old.id]
    own.retrieved = datetime.date(2020, 6, 1)
    own.save()
    assert cell(framework, feature).status == "disputed"


def test_the_real_data_shows_old_claims_superseded_by_the_frameworks_own_documentation():
    """Flask 2.0 added async views: the older "no" of the articles is history, not a dispute."""
    flask_async = Verdict.objects.get(framework__slug="flask", feature__slug="async-handlers")
    assert (flask_async.status, flask_async.how, flask_async.since) == ("yes", "built_in", "2.0")
    assert flask_async.disputed is False
    superseded = Claim.objects.filter(pk__in=flask_async.superseded)
    assert {claim.status for claim in superseded} == {"no"}
    # Netguru's 2023 "synchronous request support" and the undated article's comparison
    # with Sanic, which holds until the day it was read.
    assert {claim.source.slug for claim in superseded} >= {"netguru-2023", "ankush-web-frameworks"}
    django_release = Verdict.objects.get(framework__slug="django", kind="first_release")
    assert (django_release.year, django_release.disputed) == (2005, False)


def test_a_package_named_by_several_claims_is_listed_once(framework, feature):
    support(framework, feature, "yes", how="third_party", package="Chameleon, Jinja2, Mako")
    support(framework, feature, "yes", how="third_party", package="Chameleon")
    assert cell(framework, feature).detail == "Chameleon, Jinja2, Mako"
