"""Read the fixture files (TOML, one per framework) into a dataset document."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any

from frameworks.dataset import FORMAT, VERSION, DatasetError


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
    return {
        "format": FORMAT,
        "version": VERSION,
        "sources": sources.get("sources", []),
        "categories": taxonomy.get("categories", []),
        "feature_groups": taxonomy.get("feature_groups", []),
        "frameworks": frameworks,
    }


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
