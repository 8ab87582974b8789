"""Closed vocabularies: every status, kind and unit the data may use."""

from django.db import models

EXCERPT_MAX_LENGTH = 200

# The name of an archived source text: a bare file name in the sources folder,
# never a path. It is editable data, so it must not be able to point elsewhere.
ARCHIVE_FILE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,150}\.txt"


# --- Closed vocabularies -----------------------------------------------------


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


class SourceKind(models.TextChoices):
    ARTICLE = "article", "Article"
    SURVEY = "survey", "Survey"
    BENCHMARK = "benchmark", "Benchmark"
    DOCUMENTATION = "documentation", "Documentation"
    REPOSITORY = "repository", "Repository file"
    PACKAGE_INDEX = "package_index", "Package index"


# Kinds a framework's own project publishes: with Source.framework set, a primary source.
PRIMARY_SOURCE_KINDS = (SourceKind.DOCUMENTATION, SourceKind.REPOSITORY, SourceKind.PACKAGE_INDEX)


class SupportStatus(models.TextChoices):
    """What one source says about one feature of one framework."""

    YES = "yes", "Supported"
    PARTIAL = "partial", "Partial"
    NO = "no", "Not supported"
    UNKNOWN = "unknown", "Unknown"


class VerdictStatus(models.TextChoices):
    """The published value: a claim status, or 'disputed' when sources disagree."""

    YES = "yes", "Supported"
    PARTIAL = "partial", "Partial"
    NO = "no", "Not supported"
    UNKNOWN = "unknown", "Unknown"
    DISPUTED = "disputed", "Sources disagree"

    @property
    def symbol(self) -> str:
        """Shown with the word, never alone: a status is never told by colour or symbol only."""
        return {"yes": "✓", "partial": "◐", "no": "✗", "unknown": "–", "disputed": "≠"}[self]

    @property
    def short(self) -> str:
        return {"yes": "Yes", "partial": "Partial", "no": "No", "unknown": "Unknown",
                "disputed": "Disputed"}[self]  # fmt: skip


class How(models.TextChoices):
    BUILT_IN = "built_in", "Built in"
    OFFICIAL_EXTENSION = "official_extension", "Official extension"
    THIRD_PARTY = "third_party", "Third-party package"

    @property
    def short(self) -> str:
        """The words a table cell has room for."""
        return {"built_in": "Built in", "official_extension": "Extension",
                "third_party": "Third-party"}[self]  # fmt: skip


class Support(models.TextChoices):
    """Which ways of getting a feature count as support when filtering and counting."""

    ANY = "any", "Built in, official extension or third-party package"
    OFFICIAL = "official", "Built in or official extension"
    BUILT_IN = "built_in", "Built in only"

    @property
    def hows(self) -> tuple[str, ...] | None:
        """The "how" values that count; None when any way does (an unstated one too)."""
        return {
            "any": None,
            "official": (How.BUILT_IN, How.OFFICIAL_EXTENSION),
            "built_in": (How.BUILT_IN,),
        }[self]


class ClaimKind(models.TextChoices):
    FEATURE = "feature", "Feature support"
    CATEGORY = "category", "Category"
    FIGURE = "figure", "Figure"
    FIRST_RELEASE = "first_release", "First release"
    LATEST_RELEASE = "latest_release", "Latest release"
    LIFECYCLE = "lifecycle", "Lifecycle"
    LICENCE = "licence", "Licence"
    PYTHON = "python", "Supported Python versions"
    BUILT_ON = "built_on", "Built on"
    ADVICE = "advice", "Advice"


class Lifecycle(models.TextChoices):
    """Where a framework is in its life, as a source states it."""

    ACTIVE = "active", "Active"
    MAINTENANCE = "maintenance", "Maintenance only"
    DISCONTINUED = "discontinued", "Discontinued"


class Metric(models.TextChoices):
    GITHUB_STARS = "github_stars", "GitHub stars"
    STACKOVERFLOW_QUESTIONS = "stackoverflow_questions", "Stack Overflow questions"
    MARKET_SHARE = "market_share", "Market share"
    DEVELOPER_USAGE = "developer_usage", "Python developers using it"
    WOULD_USE_AGAIN = "would_use_again", "Users who want to keep using it"
    REQUESTS_PER_SECOND = "requests_per_second", "Requests per second"
    SPEEDUP = "speedup", "Speed-up"

    @classmethod
    def unit(cls, metric: str) -> str:
        return {
            cls.MARKET_SHARE: "%",
            cls.DEVELOPER_USAGE: "%",
            cls.WOULD_USE_AGAIN: "%",
            cls.SPEEDUP: "×",
        }.get(metric, "")


class AdviceKind(models.TextChoices):
    CONSIDER_IF = "consider_if", "Consider it if"
    THINK_TWICE_IF = "think_twice_if", "Think twice if"
    BEST_SUITED_FOR = "best_suited_for", "Best suited for"
    BOTTOM_LINE = "bottom_line", "Bottom line"
    LEARNING_CURVE = "learning_curve", "Learning curve"
    DOCUMENTATION = "documentation", "Documentation"
    PERFORMANCE = "performance", "Performance"
    COMMUNITY = "community", "Community"
