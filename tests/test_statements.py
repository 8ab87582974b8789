"""Statements: a page's queries compiled once, then run with other ids (models/statements.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, JSONField, Q, Value

from frameworks.models import Claim, ClaimKind, Framework
from frameworks.models.statements import Statement
from tests.factories import make_feature, make_framework, support

pytestmark = pytest.mark.django_db


def claims_of(framework_ids):
    return Claim.objects.filter(framework_id__in=framework_ids).order_by("id")


def test_a_statement_finds_what_its_queryset_finds_whatever_the_ids():
    statement = Statement(claims_of)
    django, flask, fastapi = (
        Framework.objects.get(slug=slug).id for slug in ("django", "flask", "fastapi")
    )
    for ids in ([django], [flask], [django, flask], [flask, fastapi], [fastapi, django, flask]):
        assert [c.id for c in statement.run(ids)] == [c.id for c in claims_of(ids)], ids
    assert statement.run([django])[0].source_id  # whole rows, as the model's own


def test_rows_written_after_it_was_compiled_are_found():
    statement = Statement(lambda framework_id: Claim.objects.filter(framework=framework_id))
    framework, feature = make_framework(), make_feature()
    assert statement.run(framework.id) == []
    claim = support(framework, feature)
    assert statement.run(framework.id) == [claim]


def test_an_empty_list_finds_what_the_queryset_finds():
    framework = Framework.objects.get(slug="django")
    statement = Statement(
        lambda framework_ids, feature_ids: (
            Claim.objects.filter(framework_id__in=framework_ids)
            .filter(
                Q(kind=ClaimKind.FEATURE, feature_id__in=feature_ids) | Q(kind=ClaimKind.ADVICE)
            )
            .order_by("id")
        ),
    )
    advice = list(Claim.objects.filter(framework=framework, kind=ClaimKind.ADVICE).order_by("id"))
    assert advice, "the data has advice about Django"
    assert statement.run([framework.id], []) == advice
    assert statement.run([], []) == []


def test_ids_are_bound_as_integers_never_as_text():
    statement = Statement(claims_of)
    with pytest.raises(ValueError, match="invalid literal for int"):
        statement.run(["1) OR (1=1"])


def test_a_statement_refuses_what_it_cannot_make_or_bind():
    related = Statement(lambda framework_id: claims_of([framework_id]).select_related("source"))
    with pytest.raises(ImproperlyConfigured):
        related.run(1)
    unused = Statement(lambda framework_id: Claim.objects.filter(framework_id=1))
    with pytest.raises(ImproperlyConfigured):
        unused.run(2)


def test_a_values_list_statement_gives_the_querysets_rows():
    def kinds_of(framework_id):
        return (
            Claim.objects.filter(framework_id=framework_id)
            .values_list("kind")
            .annotate(count=Count("pk"))
            .order_by("kind")
        )

    statement = Statement(kinds_of)
    for slug in ("django", "flask"):
        framework_id = Framework.objects.get(slug=slug).id
        assert statement.rows(framework_id) == list(kinds_of(framework_id))


def test_a_statement_keeps_a_bounded_number_of_compiled_shapes(monkeypatch):
    monkeypatch.setattr("frameworks.models.statements.MAX_SHAPES", 3)
    statement = Statement(claims_of)
    django = Framework.objects.get(slug="django").id
    for length in range(1, 8):
        assert statement.run([django] * length) == list(claims_of([django]))
        assert len(statement._compiled) <= 3


def test_a_queryset_with_more_than_the_models_columns_is_made_by_raw():
    def annotated(framework_id):
        return Claim.objects.filter(framework_id=framework_id).annotate(one=Value(1)).order_by("id")

    statement = Statement(annotated)
    django = Framework.objects.get(slug="django").id
    claims = statement.run(django)
    assert [c.id for c in claims] == [c.id for c in annotated(django)]
    assert {claim.one for claim in claims} == {1}


def test_rows_are_converted_as_the_orm_converts_them():
    """rows() gives what the queryset gives: a JSON document decoded, not its text."""

    def kinds_of(framework_id):
        return (
            claims_of([framework_id])
            .values_list("kind", Value({"a": [1]}, output_field=JSONField()))
            .order_by("kind", "id")
        )

    statement = Statement(kinds_of)
    framework_id = Framework.objects.get(slug="django").id
    assert statement.rows(framework_id) == list(kinds_of(framework_id))
    assert statement.rows(framework_id)[0][1] == {"a": [1]}
