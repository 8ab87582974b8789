"""Claims, and the verdicts the database derives from them."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import connection, connections, models
from simple_history.models import HistoricalRecords

from frameworks.models.catalogue import (
    Category,
    Feature,
    Framework,
    Source,
    format_partial_date,
)
from frameworks.models.listed import ListedModel
from frameworks.models.rules import KIND_RULES, claim_constraints, claim_errors
from frameworks.models.vocabulary import (
    EXCERPT_MAX_LENGTH,
    AdviceKind,
    ClaimKind,
    DatePrecision,
    How,
    Lifecycle,
    Metric,
    PublicationStatus,
    Support,
    SupportStatus,
    VerdictStatus,
)

# --- Claims --------------------------------------------------------------------


class ClaimQuerySet(models.QuerySet):
    def without_draft_subjects(self) -> ClaimQuerySet:
        """Leave out claims about a draft feature or a draft framework built upon."""
        return self.exclude(feature__status=PublicationStatus.DRAFT).exclude(
            based_on__status=PublicationStatus.DRAFT
        )

    def published(self) -> ClaimQuerySet:
        """What the public may see: claims on published frameworks, about published things."""
        return self.filter(framework__status=PublicationStatus.PUBLISHED).without_draft_subjects()


class Claim(ListedModel):
    """One source saying one thing about one framework."""

    # RESTRICT, not PROTECT: a framework's deletion takes its own sources and its claims
    # together; otherwise a source that claims cite cannot be deleted.
    source = models.ForeignKey(Source, on_delete=models.RESTRICT, related_name="claims")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=20, choices=ClaimKind.choices)
    # Required by a claim rule (claim_has_excerpt), whose message says what to quote.
    excerpt = models.CharField(
        max_length=EXCERPT_MAX_LENGTH,
        blank=True,
        help_text="Required: verbatim from the source (whitespace may differ), at most 200 "
        "characters.",
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

    # kind = feature (and category, which says yes, no or unknown: left open)
    feature = models.ForeignKey(
        Feature, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    status = models.CharField(max_length=10, choices=SupportStatus.choices, blank=True)
    how = models.CharField(max_length=20, choices=How.choices, blank=True)
    package = models.CharField(
        max_length=200, blank=True, help_text="The package or engine named, e.g. SQLAlchemy."
    )
    since = models.CharField(
        max_length=40,
        blank=True,
        help_text="The version the feature arrived in, e.g. 2.0 (from a versionadded line "
        "or the changelog).",
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
    # kind = first_release; lifecycle (the year it was discontinued or went into maintenance)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    # kind = latest_release
    version = models.CharField(max_length=40, blank=True, help_text="e.g. 3.1.2")
    release_date = models.DateField(null=True, blank=True)
    # kind = lifecycle
    lifecycle = models.CharField(max_length=20, choices=Lifecycle.choices, blank=True)
    successor = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="succession_claims",
        help_text="The framework the project names as its successor, if any.",
    )
    # kind = licence
    licence = models.CharField(
        max_length=100, blank=True, help_text="An SPDX identifier where one fits, e.g. MIT."
    )
    # kind = python
    python_min = models.CharField("oldest Python", max_length=5, blank=True, help_text="e.g. 3.9")
    python_max = models.CharField(
        "newest Python",
        max_length=5,
        blank=True,
        help_text="Only when the source names a newest supported version.",
    )
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
        # Every rule of frameworks/models/rules.py, as the database enforces it.
        constraints = claim_constraints()

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
                return feature_value_display(self.status, self.how, self.package, self.since)
            case ClaimKind.LIFECYCLE:
                return lifecycle_display(self.lifecycle, self.year, self.successor)
            case ClaimKind.LICENCE:
                return self.licence
            case ClaimKind.PYTHON:
                return python_display(self.python_min, self.python_max)
            case ClaimKind.LATEST_RELEASE:
                return f"{self.version}, released {self.release_date:%-d %B %Y}"
            case ClaimKind.CATEGORY:
                if self.status == SupportStatus.NO:
                    return f"not {self.category}"
                if self.status == SupportStatus.UNKNOWN:
                    return f"{self.category}: left open"
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

    def rule_values(self) -> dict:
        """The claim's fields as the rules read them: relations by id."""
        return {field.name: getattr(self, field.attname) for field in self._meta.concrete_fields}

    def clean(self) -> None:
        """The rules of frameworks/models/rules.py, with messages for editors.

        The database constraints enforce the same rules for every other way in.
        """
        if errors := claim_errors(self.rule_values()):
            raise ValidationError(errors)

    @property
    def identity(self) -> tuple:
        """What makes two claims the same claim: framework, source, kind and subject."""
        rules = KIND_RULES[self.kind]
        subject = tuple(
            getattr(self, self._meta.get_field(name).attname) for name in rules.key_fields
        )
        return (self.framework_id, self.source_id, self.kind, *subject)


@lru_cache(maxsize=4096)
def feature_value_display(status: str, how: str, package: str, since: str) -> str:
    """A feature claim's value in words. Made once per distinct value: a compare page
    lists hundreds of claims with a few dozen values between them."""
    parts = [_SUPPORT_LABELS.get(status, status)]
    if how:
        parts.append(_HOW_LABELS.get(how, how).lower())
    if package:
        parts.append(package)
    if since:
        parts.append(f"since {since}")
    return ", ".join(parts)


_SUPPORT_LABELS, _HOW_LABELS = dict(SupportStatus.choices), dict(How.choices)


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

    def supported(self, support: str = Support.ANY) -> VerdictQuerySet:
        """Cells that say "supported" in the ways ``support`` counts (see ``Support``)."""
        cells = self.features().filter(status=VerdictStatus.YES)
        hows = Support(support).hows
        return cells if hows is None else cells.filter(how__in=hows)

    def memberships(self) -> VerdictQuerySet:
        """The categories frameworks are in (a category verdict may also say "not in")."""
        return self.filter(kind=ClaimKind.CATEGORY, status=VerdictStatus.YES)

    def first_release_of(self, framework) -> VerdictQuerySet:
        return self.filter(framework=framework, kind=ClaimKind.FIRST_RELEASE).values("year")[:1]

    def figure_of(self, framework, metric: str) -> VerdictQuerySet:
        return self.filter(framework=framework, kind=ClaimKind.FIGURE, metric=metric).values(
            "value"
        )[:1]

    def lifecycle_of(self, framework) -> VerdictQuerySet:
        return self.filter(framework=framework, kind=ClaimKind.LIFECYCLE).values("lifecycle")[:1]

    def cells_of(self, framework_ids: list[int], feature_ids: list[int]) -> list[tuple]:
        """The feature cells of these frameworks for these features, as rows of
        (framework id, feature id, status, how, detail, note, since, disputed, resolved,
        number of claims superseded).

        One fixed statement, with the ids bound as two arrays: the table asks for a
        page of cells on every request, and building the same query with the ORM took
        longer than PostgreSQL took to run it (1.7 ms -> 0.6).
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                "SELECT framework_id, feature_id, status, how, detail, note, since, disputed,"
                " resolved, cardinality(superseded) FROM frameworks_verdict"
                " WHERE kind = %s AND framework_id = ANY(%s) AND feature_id = ANY(%s)",
                [ClaimKind.FEATURE.value, framework_ids, feature_ids],
            )
            return cursor.fetchall()


class Verdict(ListedModel):
    """A published value, derived from claims by the rule in ``frameworks/sql/``.

    One row per framework and subject (a feature, a category, a figure's
    metric, first and latest release, lifecycle, licence, Python versions).
    Rows are written only by the database: triggers store the rule's result
    (``frameworks_verdicts_of``) whenever a claim or a source changes, in the
    same transaction. A feature with no claims has no row: it is unknown.
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
    since = models.CharField(max_length=40)
    year = models.SmallIntegerField(null=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    as_of = models.DateField(null=True)
    version = models.CharField(max_length=40)
    lifecycle = models.CharField(max_length=20, choices=Lifecycle.choices)
    successor = models.ForeignKey(
        Framework,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    licence = models.CharField(max_length=100)
    python_min = models.CharField(max_length=5)
    python_max = models.CharField(max_length=5)
    disputed = models.BooleanField()
    resolved = models.BooleanField()
    resolution_note = models.TextField()
    # Claims on this subject that a newer primary source superseded.
    superseded = ArrayField(models.BigIntegerField(), default=list)

    objects = VerdictQuerySet.as_manager()

    class Meta:
        db_table = "frameworks_verdict"
        indexes = [
            models.Index(fields=["framework", "kind"]),
            models.Index(fields=["kind", "feature", "status"]),
        ]

    def __str__(self) -> str:
        return self.key

    @staticmethod
    def recompute_all() -> None:
        """Store every framework's verdicts afresh (the triggers keep them current after)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT frameworks_store_verdicts(ARRAY(SELECT id FROM frameworks_framework))"
            )

    @staticmethod
    @contextmanager
    def deferred():
        """Within a transaction: store verdicts once at the end, not after every write.

        For bulk loads: a trigger per claim saved would recompute its framework
        each time. Verdicts are still stored before the transaction commits.
        """
        if not connection.in_atomic_block:
            raise RuntimeError("Verdict.deferred() only inside a transaction")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL frameworks.defer_verdicts = 'on'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL frameworks.defer_verdicts = 'off'")
        Verdict.recompute_all()

    @property
    def value_display(self) -> str:
        match self.kind:
            case ClaimKind.FIGURE:
                text = format_figure(self.value, None, self.metric)
                return f"{text} (as of {self.as_of:%Y})" if self.as_of else text
            case ClaimKind.FIRST_RELEASE:
                return str(self.year)
            case ClaimKind.LATEST_RELEASE:
                return f"{self.version} ({self.as_of:%-d %B %Y})" if self.as_of else self.version
            case ClaimKind.LIFECYCLE:
                return lifecycle_display(self.lifecycle, self.year, self.successor)
            case ClaimKind.LICENCE:
                return self.licence
            case ClaimKind.PYTHON:
                return python_display(self.python_min, self.python_max)
            case ClaimKind.FEATURE | ClaimKind.CATEGORY:
                return VerdictStatus(self.status).label if self.status else ""
        return ""


class VerdictSummary(models.Model):
    """One framework's verdicts summed up: what the table filters and sorts it by.

    Written only by the database, with the framework's verdicts and in the same
    statement (``frameworks_store_verdicts``, ``frameworks/sql/verdict_store_v2.sql``).
    The facts each process holds (``pages/facts.py``) are loaded from these rows after
    every edit: summing up every verdict instead took 106 ms at a hundred times the data.
    A framework no verdict speaks about has no row.
    """

    framework = models.OneToOneField(
        Framework,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    first_release = models.SmallIntegerField(null=True)
    github_stars = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    lifecycle = models.CharField(max_length=20, choices=Lifecycle.choices)  # "" if unknown
    # Ids joined by commas: PostgreSQL builds and psycopg reads a text faster than an array.
    member_of = models.TextField()  # the categories it is in
    disputed_in = models.TextField()  # those of them some sources leave it out of
    # The features supported, one column for each ``How`` and one for "no source says how".
    built_in = models.TextField()
    official_extension = models.TextField()
    third_party = models.TextField()
    unstated = models.TextField()

    class Meta:
        db_table = "frameworks_verdictsummary"

    def __str__(self) -> str:
        return f"Summary of framework {self.framework_id}"


def lifecycle_display(lifecycle: str, year: int | None, successor=None) -> str:
    if not lifecycle:
        return ""
    text = Lifecycle(lifecycle).label
    if year and lifecycle != Lifecycle.ACTIVE:
        text += f" since {year}"
    if successor is not None:
        text += f"; succeeded by {successor}"
    return text


def python_display(python_min: str, python_max: str) -> str:
    if not python_min:
        return ""
    return (
        f"Python {python_min} to {python_max}" if python_max else f"Python {python_min} and newer"
    )
