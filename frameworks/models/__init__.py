"""The data model: sources, frameworks, features, and claims linking them.

A claim is one source saying one thing about one framework, with a short
verbatim excerpt. Nothing on the public site is typed in as a value: every
published value (a "verdict") is derived from claims by the database view in
``frameworks/sql/`` (the newest ``verdict_view_v*.sql``), explained in
``docs/data.md``.
"""

from frameworks.models.catalogue import (
    Category,
    Feature,
    FeatureGroup,
    Framework,
    SluggedModel,
    Source,
    SourceText,
    format_partial_date,
)
from frameworks.models.claims import Claim, Verdict, VerdictSummary, format_figure
from frameworks.models.rules import KIND_RULES, RESOLVABLE_KINDS
from frameworks.models.versions import DataVersion
from frameworks.models.vocabulary import (
    EXCERPT_MAX_LENGTH,
    PRIMARY_SOURCE_KINDS,
    AdviceKind,
    ClaimKind,
    DatePrecision,
    How,
    Lifecycle,
    Metric,
    PublicationStatus,
    SourceKind,
    Support,
    SupportStatus,
    VerdictStatus,
)

__all__ = [
    "DataVersion",
    "EXCERPT_MAX_LENGTH",
    "KIND_RULES",
    "PRIMARY_SOURCE_KINDS",
    "RESOLVABLE_KINDS",
    "AdviceKind",
    "Category",
    "Claim",
    "ClaimKind",
    "DatePrecision",
    "Feature",
    "FeatureGroup",
    "Framework",
    "How",
    "Lifecycle",
    "Metric",
    "PublicationStatus",
    "SluggedModel",
    "Source",
    "SourceKind",
    "SourceText",
    "Support",
    "SupportStatus",
    "Verdict",
    "VerdictStatus",
    "VerdictSummary",
    "format_figure",
    "format_partial_date",
]
