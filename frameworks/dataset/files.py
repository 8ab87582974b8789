"""Read the fixture files (TOML, one per framework) into a dataset document."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any

from frameworks.dataset import FORMAT, VERSION, DatasetError
from frameworks.dataset.schema import SECTIONS


def read_fixtures(directory: Path) -> dict[str, Any]:
    """The dataset document held in ``directory`` (see docs/data.md for the layout)."""
    taxonomy = _read_toml(directory / "taxonomy.toml")
    sources = _read_toml(directory / "sources.toml")
    frameworks = []
    for path in sorted((directory / "frameworks").glob("*.toml")):
        framework = _read_toml(path)
        if framework.get("slug") != path.stem:
            raise DatasetError(f"{path}: slug must match the file name ({path.stem!r})")
        sample = directory / "samples" / f"{path.stem}.py"
        if sample.exists():
            framework["hello_world"] = sample.read_text()
        frameworks.append(framework)
    by_slug = {framework["slug"]: framework for framework in frameworks}
    for path in sorted((directory / "primary").glob("*.toml")):
        primary = _read_toml(path)
        if primary.get("framework") != path.stem or path.stem not in by_slug:
            raise DatasetError(
                f"{path}: framework must match the file name and a file in frameworks/"
            )
        merge_primary(by_slug[path.stem], primary)
    return {
        "format": FORMAT,
        "version": VERSION,
        "sources": sources.get("sources", []),
        "categories": taxonomy.get("categories", []),
        "feature_groups": taxonomy.get("feature_groups", []),
        "frameworks": frameworks,
    }


def merge_primary(framework: dict[str, Any], primary: dict[str, Any]) -> None:
    """Add a framework's own sources and what they say (fixtures/primary/<slug>.toml)."""
    framework.setdefault("sources", []).extend(primary.get("sources", []))
    for section in SECTIONS:
        entry = primary.get(section.name)
        if not entry:
            continue
        if section.many or section.bare:
            framework.setdefault(section.name, []).extend(entry)
        else:
            single = framework.setdefault(section.name, {})
            single.setdefault("claims", []).extend(entry.get("claims", []))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return _dates_to_text(tomllib.load(file))
    except FileNotFoundError as error:
        raise DatasetError(f"{path}: missing") from error
    except tomllib.TOMLDecodeError as error:
        raise DatasetError(f"{path}: {error}") from error


def _dates_to_text(value: Any) -> Any:
    """TOML has a date type and JSON does not: use ISO text in both."""
    if isinstance(value, dict):
        return {key: _dates_to_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
