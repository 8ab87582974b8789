"""The Editors group: may change curated data, nothing about accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from frameworks.models import Category, Claim, Feature, FeatureGroup, Framework, Source

EDITORS = "Editors"
CURATED_MODELS = (Source, Category, FeatureGroup, Feature, Framework, Claim)
ACTIONS = ("add", "change", "delete", "view")


def ensure_editors_group() -> Group:
    """Create or repair the group so that it holds exactly the curated-data permissions."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    content_types = ContentType.objects.get_for_models(*CURATED_MODELS).values()
    codenames = [
        f"{action}_{model._meta.model_name}" for model in CURATED_MODELS for action in ACTIONS
    ]
    permissions = Permission.objects.filter(content_type__in=content_types, codename__in=codenames)
    group.permissions.set(permissions)
    return group


@transaction.atomic
def make_editor(*, username: str, password: str, email: str = "") -> tuple[User, bool]:
    """Create (or update) a staff account in the Editors group; return it and whether it is new."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    user.is_staff = True
    user.is_superuser = False
    if email:
        user.email = email
    user.set_password(password)
    user.save()
    user.groups.add(ensure_editors_group())
    return user, created
