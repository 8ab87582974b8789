"""Claims, verdicts and sources are loaded without Model.__init__ (frameworks/models/listed.py).

What an editor or a page does with one must not notice: the same values, the
same labels, and a save that updates the row it came from, with its history.
"""

import pytest
from django.db.models.signals import post_init

from frameworks.models import Claim, Feature, Framework, How, Verdict
from frameworks.pages.detail import CLAIMS_ABOUT
from tests.factories import make_feature, make_framework, support

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim() -> Claim:
    feature = make_feature()
    return support(make_framework(), feature, how=How.OFFICIAL_EXTENSION, package="Pkg")


def test_a_loaded_claim_has_every_value_of_its_row(claim):
    loaded = Claim.objects.get(pk=claim.pk)
    row = Claim.objects.values().get(pk=claim.pk)
    assert {name: getattr(loaded, name) for name in row} == row
    assert loaded._state.db == "default"
    assert not loaded._state.adding
    assert loaded.get_how_display() == "Official extension"
    assert loaded.value_display == "Supported, official extension, Pkg"


def test_a_loaded_claim_saves_as_an_update_with_its_history(claim):
    loaded = Claim.objects.get(pk=claim.pk)
    loaded.package = "Other"
    loaded.save()
    assert Claim.objects.filter(pk=claim.pk).values_list("package", flat=True).get() == "Other"
    assert Claim.objects.filter(framework=claim.framework).count() == 1
    assert loaded.history.first().package == "Other"


def test_related_objects_and_deferred_fields_load_when_read(claim):
    loaded = Claim.objects.get(pk=claim.pk)
    assert loaded.feature == claim.feature
    partial = Feature.objects.only("slug").get(pk=claim.feature_id)
    assert partial.name == claim.feature.name  # deferred: loaded when read
    verdict = Verdict.objects.get(framework=claim.framework, feature=claim.feature)
    assert verdict.get_status_display() == "Supported"


def test_a_model_someone_listens_to_is_made_by_django(claim):
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Framework)
    try:
        framework = Framework.objects.get(pk=claim.framework_id)
    finally:
        post_init.disconnect(listener, sender=Framework)
    assert seen == [framework]


def test_rows_made_together_are_the_instances_the_orm_makes(claim):
    made = CLAIMS_ABOUT.run(claim.framework_id)  # whole rows, made by from_db_rows
    assert made == [claim]
    row = Claim.objects.values().get(pk=claim.pk)
    assert {name: getattr(made[0], name) for name in row} == row
    assert made[0].feature == claim.feature
    assert not made[0]._state.adding
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Claim)
    try:
        made = CLAIMS_ABOUT.run(claim.framework_id)
    finally:
        post_init.disconnect(listener, sender=Claim)
    assert seen == made == [claim]  # a listener still hears of each one
