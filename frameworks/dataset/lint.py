"""Data lint: checks a dataset document the way a linter checks code.

Works on both forms of the document: the fixture files (claims only) and an
export of the database (claims plus published values). Every problem names
where it is, so that it can be fixed by hand. Claims are checked by the same
code the loader and the CSV import use (``ClaimBuilder``, which runs the claim
rules), so the lint cannot pass what the loader refuses.

Excerpts are checked against the texts they quote where those are available
(``QuotedTexts``); the result is three counts: checked, failed, not checkable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from frameworks.dataset import DatasetError
from frameworks.dataset.claims import ClaimBuilder, Lookups
from frameworks.dataset.load import source_values
from frameworks.dataset.schema import SECTIONS, SOURCE_FIELDS, iter_claims
from frameworks.dataset.texts import ExcerptCounts, Outcome, QuotedTexts
from frameworks.models import EXCERPT_MAX_LENGTH, Source, VerdictStatus


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class LintResult:
    problems: list[Problem]
    excerpts: ExcerptCounts


def lint_document(document: dict[str, Any], texts: QuotedTexts) -> LintResult:
    problems: list[Problem] = []
    counts = ExcerptCounts()
    own = [s for f in document.get("frameworks", []) for s in f.get("sources", [])]
    sources = {source["slug"]: source for source in [*document.get("sources", []), *own]}
    for group in document.get("feature_groups", []):
        for feature in group.get("features", []):
            if not (feature.get("definition") or "").strip():
                problems.append(Problem(f"feature {feature['slug']}", "has no definition"))

    for source in sources.values():
        where = f"source {source['slug']}"
        for cited in source.get("cites", []):
            if cited not in sources:
                problems.append(Problem(where, f"cites unknown source {cited!r}"))
        problems.extend(_lint_source(where, source))
        _check_own_words(problems, texts, f"{where} summary", source.get("summary"))

    builder = ClaimBuilder(Lookups.standing_in_for(document))
    for framework in document.get("frameworks", []):
        problems.extend(_lint_framework(framework, texts, sources, builder, counts))
    return LintResult(problems, counts)


def _lint_source(where: str, entry: dict) -> list[Problem]:
    """The checks the loader makes of a source, on its values."""
    try:
        values = source_values({f: entry.get(f) for f in SOURCE_FIELDS})
    except DatasetError as error:
        return [Problem(where, str(error))]
    text_fields = {f.name for f in Source._meta.fields if f.get_internal_type() in TEXT_TYPES}
    values = {k: ("" if v is None and k in text_fields else v) for k, v in values.items()}
    try:
        Source(**values).full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [Problem(where, f"{f}: {' '.join(m)}") for f, m in error.message_dict.items()]
    if values["path"] and not (values["repository"] and values["revision"]):
        return [Problem(where, "a file needs its repository and revision")]
    return []


TEXT_TYPES = ("CharField", "TextField", "SlugField", "URLField")


def _lint_framework(framework, texts, sources, builder, counts) -> list[Problem]:
    slug = framework["slug"]
    problems: list[Problem] = []
    _check_own_words(problems, texts, f"{slug} summary", framework.get("summary"))
    if not (framework.get("summary") or "").strip():
        problems.append(Problem(slug, "has no summary"))
    if framework.get("hello_world"):
        try:
            compile(framework["hello_world"], f"{slug} hello-world sample", "exec")
        except SyntaxError as error:
            problems.append(Problem(f"{slug} hello-world sample", f"does not compile: {error}"))
    if not any(True for _ in iter_claims(framework)):
        problems.append(Problem(slug, "has no claims: nothing on its page would be sourced"))
    stand_in = builder.lookups.frameworks.get(slug)
    seen = set()

    for section, subject, claim in iter_claims(framework):
        where = f"{slug} {section.name}" + (f" {subject}" if subject else "")
        where += f" ({claim.get('source')})"
        built, errors = builder.build(stand_in, section.kind, subject, claim)
        for field, messages in errors.items():
            problems.append(Problem(where, f"{field}: {' '.join(messages)}"))
        if built is not None:
            if built.identity in seen:
                problems.append(Problem(where, "two claims from one source on one subject"))
            seen.add(built.identity)
        excerpt = claim.get("excerpt") or ""
        if len(excerpt) > EXCERPT_MAX_LENGTH:
            continue  # the builder said so
        source = sources.get(claim.get("source"))
        if source is not None and excerpt.strip():
            outcome, why = texts.check(source, excerpt)
            counts.add(outcome, why)
            if outcome is Outcome.FAILED:
                problems.append(Problem(where, f"excerpt not found in the source: {excerpt!r}"))
        if section.name == "advice":
            _check_own_words(problems, texts, f"{where} advice", claim.get("text"))

    problems.extend(_lint_published(slug, framework))
    return problems


def _lint_published(slug: str, framework: dict) -> list[Problem]:
    """Published values (exports only): none without a claim, partial explains itself."""
    problems = []
    for section in SECTIONS:
        if section.bare:
            continue
        entry = framework.get(section.name)
        items = entry if section.many else [entry] if entry else []
        for item in items or []:
            if not item:
                continue
            where = f"{slug} {section.name}" + (
                f" {item.get(section.subject)}" if section.subject else ""
            )
            status = item.get("status")
            published = status not in (None, "", VerdictStatus.UNKNOWN) or any(
                item.get(field) not in (None, "") for field in ("year", "value", "licence")
            )
            if published and not item.get("claims"):
                problems.append(Problem(where, "published value with no claim behind it"))
            if status == VerdictStatus.PARTIAL and not (item.get("note") or "").strip():
                problems.append(Problem(where, "published as partial without a note"))
    return problems


def _check_own_words(
    problems: list[Problem], texts: QuotedTexts, where: str, text: str | None
) -> None:
    if not text:
        return
    copied = texts.copied_run(text)
    if copied:
        problems.append(
            Problem(
                where, f"copies the source word for word ({copied!r}): write it in our own words"
            )
        )
