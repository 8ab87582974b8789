"""Data lint: checks a dataset document the way a linter checks code.

Works on both forms of the document: the fixture files (claims only) and an
export of the database (claims plus published values). Every problem names
where it is, so that it can be fixed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frameworks.dataset.excerpts import normalise_whitespace
from frameworks.dataset.schema import SECTIONS, iter_claims
from frameworks.dataset.texts import SourceTexts
from frameworks.models import (
    EXCERPT_MAX_LENGTH,
    AdviceKind,
    ClaimKind,
    DatePrecision,
    How,
    Metric,
    SupportStatus,
    VerdictStatus,
)


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def lint_document(document: dict[str, Any], sources_dir: Path) -> list[Problem]:
    texts = SourceTexts(sources_dir)
    problems: list[Problem] = []
    sources = {source["slug"]: source for source in document.get("sources", [])}
    categories = {category["slug"] for category in document.get("categories", [])}
    features = {}
    for group in document.get("feature_groups", []):
        for feature in group.get("features", []):
            features[feature["slug"]] = feature
            if not (feature.get("definition") or "").strip():
                problems.append(Problem(f"feature {feature['slug']}", "has no definition"))
    frameworks = {framework["slug"] for framework in document.get("frameworks", [])}

    for source in sources.values():
        for cited in source.get("cites", []):
            if cited not in sources:
                problems.append(
                    Problem(f"source {source['slug']}", f"cites unknown source {cited!r}")
                )
        if source.get("archive_file") and texts.text(source["archive_file"]) is None:
            problems.append(
                Problem(
                    f"source {source['slug']}", f"archive file {source['archive_file']} not found"
                )
            )
        _check_own_words(problems, texts, f"source {source['slug']} summary", source.get("summary"))

    for framework in document.get("frameworks", []):
        problems.extend(
            _lint_framework(framework, texts, sources, categories, features, frameworks)
        )
    return problems


def _lint_framework(framework, texts, sources, categories, features, frameworks) -> list[Problem]:
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
    if not any(item.get("claims") for item in framework.get("categories") or []):
        problems.append(Problem(slug, "has no category claim"))

    for section, subject, claim in iter_claims(framework):
        where = f"{slug} {section.name}" + (f" {subject}" if subject else "")
        where += f" ({claim.get('source')})"
        problems.extend(_lint_claim(where, section.kind, claim, texts, sources))
        problems.extend(_lint_subject(where, section, subject, categories, features, frameworks))
        if section.kind == ClaimKind.ADVICE:
            _check_own_words(problems, texts, f"{where} advice", claim.get("text"))

    problems.extend(_lint_published(slug, framework))
    return problems


def _lint_subject(where, section, subject, categories, features, frameworks) -> list[Problem]:
    known = {
        "category": categories,
        "feature": features,
        "framework": frameworks,
        "metric": set(Metric.values),
    }.get(section.subject)
    if known is not None and subject not in known:
        return [Problem(where, f"unknown {section.subject} {subject!r}")]
    return []


def _lint_claim(where: str, kind: str, claim: dict, texts: SourceTexts, sources) -> list[Problem]:
    problems = []
    source = sources.get(claim.get("source"))
    excerpt = claim.get("excerpt") or ""
    if source is None:
        problems.append(Problem(where, f"unknown source {claim.get('source')!r}"))
    if claim.get("via") and claim["via"] not in sources:
        problems.append(Problem(where, f"unknown via source {claim['via']!r}"))
    if not excerpt.strip():
        problems.append(Problem(where, "has no excerpt"))
    elif len(excerpt) > EXCERPT_MAX_LENGTH:
        problems.append(Problem(where, f"excerpt is {len(excerpt)} characters (at most 200)"))
    if source is not None and excerpt.strip():
        text = texts.text(source.get("archive_file") or "")
        if text is None:
            problems.append(
                Problem(where, "its source has no archived text to check the excerpt against")
            )
        elif normalise_whitespace(excerpt) not in text:
            problems.append(Problem(where, f"excerpt not found in the source: {excerpt!r}"))

    status = claim.get("status") or ""
    if kind == ClaimKind.FEATURE:
        if status not in SupportStatus.values:
            problems.append(Problem(where, f"status must be one of {SupportStatus.values}"))
        how = claim.get("how") or ""
        if how and how not in How.values:
            problems.append(Problem(where, f"how must be one of {How.values}"))
        if (how or claim.get("package")) and status not in (
            SupportStatus.YES,
            SupportStatus.PARTIAL,
        ):
            problems.append(Problem(where, "how and package only go with yes or partial"))
    if status == SupportStatus.PARTIAL and not (claim.get("note") or "").strip():
        problems.append(Problem(where, "partial without a note saying what is missing"))
    if kind == ClaimKind.MAINTENANCE and status not in (SupportStatus.YES, SupportStatus.NO):
        problems.append(Problem(where, "actively developed must be yes or no"))
    if kind == ClaimKind.FIGURE:
        if claim.get("value") is None:
            problems.append(Problem(where, "figure without a value"))
        if not claim.get("as_of") or claim.get("as_of_precision") in (
            None,
            "",
            DatePrecision.UNKNOWN,
        ):
            problems.append(Problem(where, "figure without an as-of date"))
    if kind == ClaimKind.FIRST_RELEASE and not claim.get("year"):
        problems.append(Problem(where, "first release without a year"))
    if kind == ClaimKind.ADVICE:
        if claim.get("advice_kind") not in AdviceKind.values:
            problems.append(Problem(where, f"advice_kind must be one of {AdviceKind.values}"))
        if not (claim.get("text") or "").strip():
            problems.append(Problem(where, "advice without our paraphrase in text"))
    if claim.get("preferred") and not (claim.get("preferred_note") or "").strip():
        problems.append(Problem(where, "preferred without a reason"))
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
                item.get(field) is not None for field in ("year", "value")
            )
            if published and not item.get("claims"):
                problems.append(Problem(where, "published value with no claim behind it"))
            if status == VerdictStatus.PARTIAL and not (item.get("note") or "").strip():
                problems.append(Problem(where, "published as partial without a note"))
    return problems


def _check_own_words(
    problems: list[Problem], texts: SourceTexts, where: str, text: str | None
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
