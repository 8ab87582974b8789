"""Claims, and the verdicts the database derives from them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from frameworks.models.catalogue import (
    Category,
    Feature,
    Framework,
    Source,
    format_partial_date,
)
from frameworks.models.vocabulary import (
    EXCERPT_MAX_LENGTH,
    RESOLVABLE_KINDS,
    AdviceKind,
    ClaimKind,
    DatePrecision,
    How,
    Metric,
    PublicationStatus,
    SupportStatus,
    VerdictStatus,
)

# --- Claims --------------------------------------------------------------------


# Python web frameworks are not older than Python; the end is a guard against typos.
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
ONE_CLAIM_PER_SUBJECT = (
    "This source already has a claim on this subject for this framework: edit that one instead."
)
ONE_PREFERRED_CLAIM = (
    "Another claim on this subject is already preferred: untick it first, so that the "
    "editors' choice stays single."
)


def _only(kind: str, condition: Q) -> Q:
    """A check that applies to claims of one kind only."""
    return ~Q(kind=kind) | condition


class ClaimQuerySet(models.QuerySet):
    def without_draft_subjects(self) -> ClaimQuerySet:
        """Leave out claims about a draft feature or a draft framework built upon."""
        return self.exclude(feature__status=PublicationStatus.DRAFT).exclude(
            based_on__status=PublicationStatus.DRAFT
        )

    def published(self) -> ClaimQuerySet:
        """What the public may see: claims on published frameworks, about published things."""
        return self.filter(framework__status=PublicationStatus.PUBLISHED).without_draft_subjects()


class Claim(models.Model):
    """One source saying one thing about one framework."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=20, choices=ClaimKind.choices)
    excerpt = models.CharField(
        max_length=EXCERPT_MAX_LENGTH,
        help_text="Verbatim from the source (whitespace may differ), at most 200 characters.",
    )
    locator = models.CharField(
        max_length=200, blank=True, help_text="Where in the source: the section heading."
    )
    note = models.TextField(
        blank=True, help_text="Editor's note; required to explain a partial status."
    )
    via = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relayed_claims",
        help_text="The source this source attributes the statement to, if any.",
    )

    # kind = feature (and maintenance, which uses status yes/no only)
    feature = models.ForeignKey(
        Feature, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    status = models.CharField(max_length=10, choices=SupportStatus.choices, blank=True)
    how = models.CharField(max_length=20, choices=How.choices, blank=True)
    package = models.CharField(
        max_length=200, blank=True, help_text="The package or engine named, e.g. SQLAlchemy."
    )
    # kind = category
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    # kind = figure
    metric = models.CharField(max_length=30, choices=Metric.choices, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    value_max = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Upper end of a range."
    )
    as_written = models.CharField(
        max_length=100,
        blank=True,
        help_text='The figure or date as the source writes it, e.g. "20-75x".',
    )
    label_as_written = models.CharField(
        max_length=100, blank=True, help_text='The label the source gives, e.g. "GitHub questions".'
    )
    as_of = models.DateField(null=True, blank=True)
    as_of_precision = models.CharField(max_length=10, choices=DatePrecision.choices, blank=True)
    # kind = first_release
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    # kind = built_on
    based_on = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="foundation_claims",
    )
    # kind = advice
    advice_kind = models.CharField(max_length=20, choices=AdviceKind.choices, blank=True)
    text = models.TextField(blank=True, help_text="The advice paraphrased in our own words.")

    # An editor settles a disagreement by preferring one claim, with a reason.
    preferred = models.BooleanField(
        default=False, help_text="Publish this claim's value over the others on the same subject."
    )
    preferred_note = models.TextField(blank=True, help_text="Why this claim is preferred.")

    history = HistoricalRecords()

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["framework__slug", "kind", "source__slug", "id"]
        indexes = [models.Index(fields=["framework", "kind"])]
        constraints = [
            models.CheckConstraint(name="claim_has_excerpt", condition=~Q(excerpt="")),
            models.CheckConstraint(
                name="feature_claim_complete",
                condition=_only(ClaimKind.FEATURE, Q(feature__isnull=False) & ~Q(status="")),
            ),
            models.CheckConstraint(
                name="how_only_when_supported",
                condition=Q(status__in=[SupportStatus.YES, SupportStatus.PARTIAL])
                | (Q(how="") & Q(package="")),
            ),
            models.CheckConstraint(
                name="partial_has_note",
                condition=~Q(status=SupportStatus.PARTIAL) | ~Q(note=""),
            ),
            models.CheckConstraint(
                name="maintenance_claim_complete",
                condition=_only(
                    ClaimKind.MAINTENANCE,
                    Q(status__in=[SupportStatus.YES, SupportStatus.NO]),
                ),
            ),
            models.CheckConstraint(
                name="category_claim_complete",
                condition=_only(ClaimKind.CATEGORY, Q(category__isnull=False)),
            ),
            models.CheckConstraint(
                name="figure_claim_complete",
                condition=_only(
                    ClaimKind.FIGURE,
                    ~Q(metric="")
                    & Q(value__isnull=False, as_of__isnull=False)
                    & ~Q(as_of_precision__in=["", DatePrecision.UNKNOWN]),
                ),
            ),
            models.CheckConstraint(
                name="first_release_claim_complete",
                condition=_only(ClaimKind.FIRST_RELEASE, Q(year__isnull=False)),
            ),
            models.CheckConstraint(
                name="built_on_claim_complete",
                condition=_only(ClaimKind.BUILT_ON, Q(based_on__isnull=False)),
            ),
            models.CheckConstraint(
                name="advice_claim_complete",
                condition=_only(ClaimKind.ADVICE, ~Q(advice_kind="") & ~Q(text="")),
            ),
            models.CheckConstraint(
                name="preferred_has_reason",
                condition=Q(preferred=False) | ~Q(preferred_note=""),
            ),
            models.CheckConstraint(
                name="only_resolvable_kinds_preferred",
                condition=Q(preferred=False) | Q(kind__in=RESOLVABLE_KINDS),
            ),
            # One source says one thing about one subject (see ONE_CLAIM_PER_SUBJECT).
            models.UniqueConstraint(
                fields=["source", "framework", "feature"],
                condition=Q(kind=ClaimKind.FEATURE),
                name="one_feature_claim_per_source",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            ),
            models.UniqueConstraint(
                fields=["source", "framework", "category"],
                condition=Q(kind=ClaimKind.CATEGORY),
                name="one_category_claim_per_source",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            ),
            models.UniqueConstraint(
                fields=["source", "framework", "metric", "as_of"],
                condition=Q(kind=ClaimKind.FIGURE),
                name="one_figure_claim_per_source_and_date",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            ),
            models.UniqueConstraint(
                fields=["source", "framework"],
                condition=Q(kind=ClaimKind.FIRST_RELEASE),
                name="one_first_release_claim_per_source",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            ),
            models.UniqueConstraint(
                fields=["source", "framework"],
                condition=Q(kind=ClaimKind.MAINTENANCE),
                name="one_maintenance_claim_per_source",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            ),
            models.UniqueConstraint(
                fields=["source", "framework", "based_on"],
                condition=Q(kind=ClaimKind.BUILT_ON),
                name="one_built_on_claim_per_source",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            ),
            models.UniqueConstraint(
                fields=["source", "framework", "advice_kind", "excerpt"],
                condition=Q(kind=ClaimKind.ADVICE),
                name="one_advice_claim_per_excerpt",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            ),
            # At most one preferred claim per subject.
            models.UniqueConstraint(
                fields=["framework", "feature"],
                condition=Q(kind=ClaimKind.FEATURE, preferred=True),
                name="one_preferred_feature_claim",
                violation_error_message=ONE_PREFERRED_CLAIM,
            ),
            models.UniqueConstraint(
                fields=["framework", "metric"],
                condition=Q(kind=ClaimKind.FIGURE, preferred=True),
                name="one_preferred_figure_claim",
                violation_error_message=ONE_PREFERRED_CLAIM,
            ),
            models.UniqueConstraint(
                fields=["framework", "kind"],
                condition=Q(
                    kind__in=[ClaimKind.FIRST_RELEASE, ClaimKind.MAINTENANCE], preferred=True
                ),
                name="one_preferred_fact_claim",
                violation_error_message=ONE_PREFERRED_CLAIM,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug} on {self.framework.name}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        match self.kind:
            case ClaimKind.FEATURE:
                return str(self.feature)
            case ClaimKind.CATEGORY:
                return str(self.category)
            case ClaimKind.FIGURE:
                return self.get_metric_display()
            case ClaimKind.BUILT_ON:
                return f"built on {self.based_on}"
            case ClaimKind.ADVICE:
                return self.get_advice_kind_display()
        return self.get_kind_display()

    @property
    def value_display(self) -> str:
        """The claimed value in words, for tables and citations."""
        match self.kind:
            case ClaimKind.FEATURE:
                parts = [self.get_status_display()]
                if self.how:
                    parts.append(self.get_how_display().lower())
                if self.package:
                    parts.append(self.package)
                return ", ".join(parts)
            case ClaimKind.MAINTENANCE:
                return (
                    "actively developed"
                    if self.status == SupportStatus.YES
                    else "not actively developed"
                )
            case ClaimKind.CATEGORY:
                return str(self.category)
            case ClaimKind.FIGURE:
                return self.as_written or format_figure(self.value, self.value_max, self.metric)
            case ClaimKind.FIRST_RELEASE:
                return self.as_written or str(self.year)
            case ClaimKind.BUILT_ON:
                return f"built on {self.based_on}"
            case ClaimKind.ADVICE:
                return self.text
        return ""

    @property
    def as_of_display(self) -> str:
        return format_partial_date(self.as_of, self.as_of_precision or DatePrecision.UNKNOWN)

    def clean(self) -> None:
        """Friendly messages for editors; the database constraints are the backstop."""
        errors: dict[str, str] = {}
        required = {
            ClaimKind.FEATURE: ["feature", "status"],
            ClaimKind.MAINTENANCE: ["status"],
            ClaimKind.CATEGORY: ["category"],
            ClaimKind.FIGURE: ["metric", "value", "as_of", "as_of_precision"],
            ClaimKind.FIRST_RELEASE: ["year"],
            ClaimKind.BUILT_ON: ["based_on"],
            ClaimKind.ADVICE: ["advice_kind", "text"],
        }
        for field in required.get(self.kind, []):
            if getattr(self, field) in (None, ""):
                errors[field] = f"Required for a {self.get_kind_display().lower()} claim."
        if not self.excerpt.strip():
            errors["excerpt"] = (
                "Quote the words of the source that say this (at most 200 characters)."
            )
        if self.status == SupportStatus.PARTIAL and not self.note.strip():
            errors["note"] = "Explain what is missing: a partial status always carries a note."
        if self.status not in (SupportStatus.YES, SupportStatus.PARTIAL) and (
            self.how or self.package
        ):
            errors["how"] = "Only a supported or partial feature has a way to get it."
        if self.kind == ClaimKind.MAINTENANCE and self.status not in (
            "",
            SupportStatus.YES,
            SupportStatus.NO,
        ):
            errors["status"] = "Say yes (actively developed) or no."
        # clean() runs even when a field failed to parse, so the types are checked first.
        if isinstance(self.year, int) and not EARLIEST_YEAR <= self.year <= LATEST_YEAR:
            errors["year"] = f"A release year between {EARLIEST_YEAR} and {LATEST_YEAR}."
        if isinstance(self.as_of, datetime.date) and not (
            EARLIEST_YEAR <= self.as_of.year <= LATEST_YEAR
        ):
            errors["as_of"] = f"A date between {EARLIEST_YEAR} and {LATEST_YEAR}."
        if self.based_on_id is not None and self.based_on_id == self.framework_id:
            errors["based_on"] = "A framework is not built on itself."
        if self.kind == ClaimKind.FIGURE and self.as_of_precision == DatePrecision.UNKNOWN:
            errors["as_of_precision"] = "A figure needs an as-of date: at least the year."
        if self.preferred and self.kind not in RESOLVABLE_KINDS:
            errors["preferred"] = (
                "Only feature, figure, first-release and maintenance claims can be preferred."
            )
        if self.preferred and not self.preferred_note.strip():
            errors["preferred_note"] = "Say why this claim is preferred over the others."
        if errors:
            raise ValidationError(errors)


def format_figure(value, value_max, metric: str) -> str:
    def number(amount) -> str:
        if amount is None:
            return ""
        text = f"{amount:,.2f}".rstrip("0").rstrip(".")
        return text

    unit = Metric.unit(metric)
    text = number(value)
    if value_max is not None:
        text = f"{text}–{number(value_max)}"
    return f"{text}{unit}" if unit in ("%", "×") else text


# --- Published values ------------------------------------------------------------


class VerdictQuerySet(models.QuerySet):
    def features(self) -> VerdictQuerySet:
        """Feature cells of published features."""
        return self.filter(kind=ClaimKind.FEATURE, feature__status=PublicationStatus.PUBLISHED)

    def supported(self, *, extensions: bool = False) -> VerdictQuerySet:
        """Cells that say "supported": built in, or by any means with ``extensions``."""
        cells = self.features().filter(status=VerdictStatus.YES)
        return cells if extensions else cells.filter(how=How.BUILT_IN)

    def memberships(self) -> VerdictQuerySet:
        return self.filter(kind=ClaimKind.CATEGORY)

    def first_release_of(self, framework) -> VerdictQuerySet:
        return self.filter(framework=framework, kind=ClaimKind.FIRST_RELEASE).values("year")[:1]

    def figure_of(self, framework, metric: str) -> VerdictQuerySet:
        return self.filter(framework=framework, kind=ClaimKind.FIGURE, metric=metric).values(
            "value"
        )[:1]

    def maintenance_of(self, framework) -> VerdictQuerySet:
        return self.filter(framework=framework, kind=ClaimKind.MAINTENANCE).values("status")[:1]


class Verdict(models.Model):
    """A published value, derived from claims by a database view.

    One row per framework and subject (a feature, a category, a figure's
    metric, the first-release year, whether it is actively developed). The
    rule lives in ``frameworks/sql/ (the newest verdict_view_v*.sql)``; this model only reads it.
    A feature with no claims has no row: it is unknown.
    """

    key = models.CharField(max_length=100, primary_key=True)
    framework = models.ForeignKey(
        Framework, on_delete=models.DO_NOTHING, related_name="verdicts", db_constraint=False
    )
    kind = models.CharField(max_length=20, choices=ClaimKind.choices)
    feature = models.ForeignKey(
        Feature,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="verdicts",
        db_constraint=False,
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="verdicts",
        db_constraint=False,
    )
    metric = models.CharField(max_length=30, choices=Metric.choices)
    status = models.CharField(max_length=10, choices=VerdictStatus.choices)
    how = models.CharField(max_length=20, choices=How.choices)
    detail = models.TextField()
    note = models.TextField()
    year = models.PositiveSmallIntegerField(null=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    as_of = models.DateField(null=True)
    disputed = models.BooleanField()
    resolved = models.BooleanField()
    resolution_note = models.TextField()

    objects = VerdictQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "frameworks_verdict"

    def __str__(self) -> str:
        return self.key

    @property
    def value_display(self) -> str:
        match self.kind:
            case ClaimKind.FIGURE:
                text = format_figure(self.value, None, self.metric)
                return f"{text} (as of {self.as_of:%Y})" if self.as_of else text
            case ClaimKind.FIRST_RELEASE:
                return str(self.year)
            case ClaimKind.MAINTENANCE:
                return {
                    VerdictStatus.YES: "Yes, according to the sources",
                    VerdictStatus.NO: "No, according to the sources",
                    VerdictStatus.DISPUTED: "Sources disagree",
                }.get(self.status, "")
            case ClaimKind.FEATURE:
                return VerdictStatus(self.status).label if self.status else ""
        return ""
