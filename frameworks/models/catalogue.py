"""Sources, categories, features and frameworks: what claims are about and by."""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.signals import setting_changed
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import get_script_prefix, reverse
from simple_history.models import HistoricalRecords

from frameworks.models.listed import ListedModel
from frameworks.models.vocabulary import (
    ARCHIVE_FILE_PATTERN,
    DatePrecision,
    PublicationStatus,
    SourceKind,
)

# A tag or commit, and a file inside the repository: never an option (a leading
# dash) and never outside it ("..").
REVISION_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._/+-]{0,99}"
REVISION_MESSAGE = "A tag or commit name: letters, digits, dots, dashes, slashes and underscores."
REPOSITORY_PATH_PATTERN = r"(?!.*(^|/)\.\.(/|$))[A-Za-z0-9_.][A-Za-z0-9_./ +-]*"
REPOSITORY_PATH_MESSAGE = "A file path inside the repository, e.g. docs/index.rst (no “..”)."

ARCHIVE_FILE_MESSAGE = (
    "A bare file name ending in .txt (letters, digits, dots, dashes, underscores), "
    "never a path: the text must be in the sources folder."
)

# --- Natural keys --------------------------------------------------------------


def page_url(name: str, slug: str | None = None) -> str:
    """The address of a page (of one object when ``slug`` is given): reverse() walks the
    URLconf on every call, and a compare or framework page links to hundreds of
    sources and features, every page to a dozen fixed pages."""
    return _reversed(name, slug, get_script_prefix())


@lru_cache(maxsize=8192)
def _reversed(name: str, slug: str | None, script_prefix: str) -> str:
    return reverse(name, args=None if slug is None else [slug])


def _forget_addresses(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


setting_changed.connect(_forget_addresses)


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


# Model.natural_key() is looked up on the manager by serializers and fixtures.
SlugManager = models.Manager.from_queryset(SlugQuerySet)


class SluggedModel(ListedModel):
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        abstract = True

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


# --- Sources -------------------------------------------------------------------


class Source(SluggedModel):
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    date = models.DateField(
        null=True,
        blank=True,
        help_text="As stated. With a precision of year or month, only those parts count.",
    )
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    url = models.URLField(
        "address", max_length=500, blank=True, help_text="Only where the text gives one."
    )
    archive_file = models.CharField(
        max_length=200,
        blank=True,
        validators=[RegexValidator(f"^{ARCHIVE_FILE_PATTERN}$", ARCHIVE_FILE_MESSAGE)],
        help_text="File name of the archived text in the sources folder, if we hold one.",
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.ARTICLE)
    # A primary source: the framework's own documentation, repository or package history.
    # Deleting a framework deletes its own sources with it (restored with it, too).
    framework = models.ForeignKey(
        "Framework",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_sources",
        help_text="Set when the framework's own project publishes this source: a primary source.",
    )
    version = models.CharField(
        max_length=40, blank=True, help_text="The framework version the text documents."
    )
    retrieved = models.DateField(
        "read on",
        null=True,
        blank=True,
        help_text="When we read it; an undated text holds from this day.",
    )
    repository = models.URLField(
        "repository", max_length=300, blank=True, help_text="The git repository the text is in."
    )
    revision = models.CharField(
        max_length=100,
        blank=True,
        validators=[RegexValidator(f"^{REVISION_PATTERN}$", REVISION_MESSAGE)],
        help_text="The tag or commit the text was read at.",
    )
    path = models.CharField(
        "file",
        max_length=300,
        blank=True,
        validators=[RegexValidator(f"^{REPOSITORY_PATH_PATTERN}$", REPOSITORY_PATH_MESSAGE)],
        help_text="The file in the repository, e.g. docs/async-await.rst.",
    )
    summary = models.TextField(blank=True, help_text="What this source is, in our own words.")
    cites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="cited_by",
        help_text="Sources this one cites.",
    )

    objects = SlugManager()
    history = HistoricalRecords(m2m_fields=[cites])

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(
                name="source_date_matches_precision",
                condition=Q(date__isnull=True, date_precision=DatePrecision.UNKNOWN)
                | (Q(date__isnull=False) & ~Q(date_precision=DatePrecision.UNKNOWN)),
            ),
            models.CheckConstraint(
                name="archive_file_is_a_bare_name",
                condition=Q(archive_file="") | Q(archive_file__regex=f"^{ARCHIVE_FILE_PATTERN}$"),
                violation_error_message=ARCHIVE_FILE_MESSAGE,
            ),
            models.CheckConstraint(
                name="source_revision_is_a_git_name",
                condition=Q(revision="") | Q(revision__regex=f"^{REVISION_PATTERN}$"),
                violation_error_message=REVISION_MESSAGE,
            ),
            models.CheckConstraint(
                name="source_path_stays_in_the_repository",
                condition=Q(path="") | Q(path__regex=f"^{REPOSITORY_PATH_PATTERN}$"),
                violation_error_message=REPOSITORY_PATH_MESSAGE,
            ),
            models.CheckConstraint(
                name="source_file_needs_repository_and_revision",
                condition=Q(path="") | (~Q(repository="") & ~Q(revision="")),
                violation_error_message="A file needs the repository and the tag or commit.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return page_url("frameworks:source_detail", self.slug)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    @property
    def is_primary(self) -> bool:
        return self.framework_id is not None

    @property
    def as_of(self) -> datetime.date | None:
        """When its statements hold: its date, or for an undated text, the day it was read."""
        return self.date or self.retrieved

    @property
    def citation(self) -> str:
        """How a value cites it in a line: its title, then when it holds.

        "Flask 3.1.2 documentation: Using async and await, read 28 November 2026";
        "Top Python Frameworks for 2024, 2024".
        """
        if self.date is None and self.retrieved:
            return f"{self.title}, read {self.retrieved:%-d %B %Y}"
        when = self.date_display
        return self.title if when == "undated" else f"{self.title}, {when}"


class SourceText(models.Model):
    """A source's whole text, uploaded by an editor so that excerpts can be checked against it.

    Never shown on the public site and never exported: only excerpts are. The
    text is the editor's copy for checking, kept in the database, not a file.
    """

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="stored_text")
    text = models.TextField()
    file_name = models.CharField(max_length=200, blank=True)
    uploaded = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "source text"

    def __str__(self) -> str:
        return f"Text of {self.source}"


def format_partial_date(date, precision: str) -> str:
    if date is None or precision == DatePrecision.UNKNOWN:
        return "undated"
    if precision == DatePrecision.YEAR:
        return f"{date:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{date:%B %Y}"
    return f"{date.day} {date:%B %Y}"


# --- Taxonomy ------------------------------------------------------------------


class Category(SluggedModel):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_url("frameworks:category_detail", self.slug)


class FeatureGroup(SluggedModel):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class FeatureQuerySet(SlugQuerySet):
    def published(self) -> FeatureQuerySet:
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user) -> FeatureQuerySet:
        """Staff preview drafts; everyone else sees what is published."""
        return self if user.is_staff else self.published()

    def in_display_order(self) -> FeatureQuerySet:
        return self.select_related("group").order_by("group__position", "position", "name")


class Feature(SluggedModel):
    name = models.CharField(max_length=100, unique=True)
    group = models.ForeignKey(FeatureGroup, on_delete=models.PROTECT, related_name="features")
    definition = models.TextField(help_text="One sentence: what counts as supported.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its group.")
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )

    objects = models.Manager.from_queryset(FeatureQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group__position", "position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_url("frameworks:feature_detail", self.slug)


# --- Frameworks ----------------------------------------------------------------


class FrameworkQuerySet(SlugQuerySet):
    def published(self) -> FrameworkQuerySet:
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user) -> FrameworkQuerySet:
        """Staff preview drafts; everyone else sees what is published."""
        return self if user.is_staff else self.published()

    def search(self, text: str) -> FrameworkQuerySet:
        """PostgreSQL full-text search over name and summary, best match first."""
        vector = search_vector()
        query = SearchQuery(text, search_type="websearch", config="english")
        # Filter on the match itself: non-matches still get a tiny rank.
        return self.annotate(search=vector, relevance=SearchRank(vector, query)).filter(
            search=query
        )


def search_vector() -> SearchVector:
    """What the search matches, weighted; the GIN index on Framework is built on it."""
    return SearchVector("name", weight="A", config="english") + SearchVector(
        "summary", weight="B", config="english"
    )


class Framework(SluggedModel):
    name = models.CharField(max_length=100, unique=True)
    summary = models.TextField(help_text="In our own words; never copied from a source.")
    homepage = models.URLField(max_length=300, blank=True)
    repository = models.URLField(max_length=300, blank=True)
    hello_world = models.TextField(
        "hello-world sample", blank=True, help_text="A minimal app, written fresh; must compile."
    )
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    last_verified = models.DateField(null=True, blank=True)

    objects = models.Manager.from_queryset(FrameworkQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = [Lower("name")]
        # Without it every search computes the vector of every framework, per query.
        indexes = [GinIndex(search_vector(), name="framework_search")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_url("frameworks:framework_detail", self.slug)
