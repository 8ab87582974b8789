"""A generated dataset several times the size of the real one, for query budgets."""

from __future__ import annotations

import datetime
import random

from django.db import connection

from frameworks.models import (
    Category,
    Claim,
    ClaimKind,
    Feature,
    FeatureGroup,
    Framework,
    PublicationStatus,
    Source,
)


def grow_dataset(times: int = 10, *, seed: int = 1) -> None:
    """Add (times - 1) copies' worth of sources, features, frameworks and claims.

    The copies are random but deterministic, shaped like the real data: every
    framework has a category, figures, a first release, and claims on about a
    third of the features, with some disagreement.
    """
    rng = random.Random(seed)
    real_frameworks = Framework.objects.count()
    real_features = Feature.objects.count()
    real_sources = Source.objects.count()
    real_claims = Claim.objects.count()
    extra = times - 1

    sources = Source.objects.bulk_create(
        Source(
            slug=f"gen-source-{i}",
            title=f"Generated source {i}",
            date=datetime.date(2020 + i % 5, 1, 1),
            date_precision="year",
            archive_file="",
        )
        for i in range(real_sources * extra)
    )
    groups = list(FeatureGroup.objects.all())
    new_groups = FeatureGroup.objects.bulk_create(
        FeatureGroup(slug=f"gen-group-{i}", name=f"Generated group {i}", position=100 + i)
        for i in range(len(groups) * extra)
    )
    Feature.objects.bulk_create(
        Feature(
            slug=f"gen-feature-{i}",
            name=f"Generated feature {i}",
            group=new_groups[i % len(new_groups)],
            definition="Supported when it is generated.",
            position=i,
            status=PublicationStatus.PUBLISHED,
        )
        for i in range(real_features * extra)
    )
    frameworks = Framework.objects.bulk_create(
        Framework(
            slug=f"gen-framework-{i}",
            name=f"Generated framework {i}",
            summary="A generated framework for testing at scale.",
            status=PublicationStatus.PUBLISHED,
        )
        for i in range(real_frameworks * extra)
    )
    all_features = list(Feature.objects.all())
    categories = list(Category.objects.all())
    all_sources = list(Source.objects.all())
    claims: list[tuple] = []
    target = real_claims * extra
    for framework in frameworks:
        per_framework = target // len(frameworks)
        claims.append(_claim(framework, rng.choice(sources), ClaimKind.CATEGORY,
                             category=rng.choice(categories), status="yes"))  # fmt: skip
        claims.append(_claim(framework, rng.choice(sources), ClaimKind.FIRST_RELEASE,
                             year=rng.randint(2002, 2020)))  # fmt: skip
        claims.append(_claim(framework, rng.choice(sources), ClaimKind.FIGURE,
                             metric="github_stars", value=rng.randint(10, 80000),
                             as_of=datetime.date(2023, 1, 1), as_of_precision="year"))  # fmt: skip
        seen = set()
        for _ in range(per_framework - 3):
            feature = rng.choice(all_features)
            source = rng.choice(all_sources)
            if (feature.id, source.id) in seen:
                continue
            seen.add((feature.id, source.id))
            status = rng.choice(["yes", "yes", "yes", "no", "partial"])
            claims.append(
                _claim(
                    framework,
                    source,
                    ClaimKind.FEATURE,
                    feature=feature,
                    status=status,
                    how=rng.choice(["built_in", "third_party"]) if status != "no" else "",
                    note="generated" if status == "partial" else "",
                )  # fmt: skip
            )
    # COPY, not bulk_create: at a hundred times the data, model instances cost a minute.
    statement = f"COPY frameworks_claim ({', '.join(CLAIM_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in claims:
            copy.write_row(row)


CLAIM_COLUMNS = (
    "kind", "excerpt", "status", "how", "note", "metric", "value", "as_of", "as_of_precision",
    "year", "category_id", "feature_id", "framework_id", "source_id",
    # Empty for generated claims, and NOT NULL.
    "locator", "package", "as_written", "label_as_written", "advice_kind", "text",
    "preferred", "preferred_note", "licence", "lifecycle", "python_max", "python_min", "since",
    "version",
)  # fmt: skip


def _claim(framework, source, kind, *, category=None, feature=None, status="", how="", note="",
           metric="", value=None, as_of=None, as_of_precision="", year=None) -> tuple:  # fmt: skip
    return (
        kind, "generated", status, how, note, metric, value, as_of, as_of_precision, year,
        category.id if category else None, feature.id if feature else None, framework.id,
        source.id, "", "", "", "", "", "", False, "", "", "", "", "", "", "",
    )  # fmt: skip
