"""Where each kind of claim sits in a framework's entry, and which fields it carries."""

from __future__ import annotations

from dataclasses import dataclass

from frameworks.models import KIND_RULES, ClaimKind


@dataclass(frozen=True)
class Section:
    """One part of a framework entry that holds claims of one kind.

    ``subject`` names the key that says what the claims are about (a feature
    slug, a metric...); it is None for sections about the framework as a whole.
    ``many`` is False for sections that are one object rather than a list.
    ``bare`` sections list claims directly instead of subjects with claims.
    """

    name: str
    kind: str
    subject: str | None = None
    many: bool = True
    bare: bool = False


SECTIONS = (
    Section("categories", ClaimKind.CATEGORY, subject="category"),
    Section("first_release", ClaimKind.FIRST_RELEASE, many=False),
    Section("latest_release", ClaimKind.LATEST_RELEASE, many=False),
    Section("lifecycle", ClaimKind.LIFECYCLE, many=False),
    Section("licence", ClaimKind.LICENCE, many=False),
    Section("python", ClaimKind.PYTHON, many=False),
    Section("built_on", ClaimKind.BUILT_ON, subject="framework"),
    Section("figures", ClaimKind.FIGURE, subject="metric"),
    Section("features", ClaimKind.FEATURE, subject="feature"),
    Section("advice", ClaimKind.ADVICE, bare=True),
)

# The model field behind each subject key.
SUBJECT_MODEL_FIELD = {
    "category": "category",
    "framework": "based_on",
    "metric": "metric",
    "feature": "feature",
}

# Claim fields in the document, common to every kind and then per kind (the kind's
# value fields from the claim rules, less the subject, which is the section's key).
# "source" and "via" hold source slugs, "successor" a framework slug.
COMMON_FIELDS = ("source", "excerpt", "locator", "note", "via", "preferred", "preferred_note")
KIND_FIELDS = {
    kind: tuple(field for field in rules.values if field not in rules.subject)
    for kind, rules in KIND_RULES.items()
}
# A category claim says "in" unless it says otherwise: the files may leave status out.
DEFAULT_VALUES = {ClaimKind.CATEGORY: {"status": "yes"}}

FRAMEWORK_FIELDS = (
    "slug",
    "name",
    "summary",
    "homepage",
    "repository",
    "status",
    "last_verified",
    "hello_world",
)
SOURCE_FIELDS = (
    "slug",
    "title",
    "author",
    "publisher",
    "date",
    "date_precision",
    "url",
    "archive_file",
    "kind",
    "version",
    "retrieved",
    "repository",
    "revision",
    "path",
    "summary",
)


def iter_claims(framework: dict):
    """Yield (section, subject value, claim dict) for every claim in a framework entry."""
    for section in SECTIONS:
        entry = framework.get(section.name)
        if not entry:
            continue
        if section.bare:
            for claim in entry:
                yield section, None, claim
        elif section.many:
            for item in entry:
                for claim in item.get("claims", []):
                    yield section, item.get(section.subject), claim
        else:
            for claim in entry.get("claims", []):
                yield section, None, claim
