"""What the browser tests and the standards gates share: the pages, and running the checkers."""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOTS = settings.BASE_DIR / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# One address per public page type, with the status it answers with.
PUBLIC_PAGES = {
    "table": ("/", 200),
    "table filtered": ("/?category=asynchronous", 200),
    "framework": ("/frameworks/django/", 200),
    "feature index": ("/features/", 200),
    "feature": ("/features/orm/", 200),
    "category index": ("/categories/", 200),
    "category": ("/categories/asynchronous/", 200),
    "source index": ("/sources/", 200),
    "source": ("/sources/stx-next-2022/", 200),
    "compare": ("/compare/?f=django&f=flask&f=fastapi", 200),
    "compare, nothing picked": ("/compare/", 200),
    "compare, one picked": ("/compare/?f=django", 400),
    "choose": ("/choose/?must=templates&must=orm:official&nice=websockets:high&python=3.12", 200),
    "choose, nothing chosen": ("/choose/", 200),
    "choose, bad need": ("/choose/?must=bogus&nice=orm:huge", 400),
    "open data": ("/data/", 200),
    "recent changes": ("/changes/", 200),
    "not found": ("/no-such-page/", 404),
    "bad filters": ("/?category=bogus", 400),
}

# What the gates must catch: an image without alt text, an input without a label,
# two elements with one id.
KNOWN_BAD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Known bad</title></head>
<body>
<main>
<h1>Known bad</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form action="/"><input type="text" name="q"></form>
<p id="twice">One</p><p id="twice">Two</p>
</main>
</body>
</html>
"""

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def screenshot(page, name: str) -> Path:
    """Save what the page shows now under artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def axe_violations(page, axe_source: str) -> list[str]:
    """Run axe-core on the page as it is now; one line per violation and element.

    The script is evaluated through the DevTools protocol, so the site's
    Content-Security-Policy stays on and is not loosened for the check.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
        })""",
        WCAG_21_AA,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def vnu_errors(command: list[str], documents: dict[str, str], workdir: Path) -> dict[str, list]:
    """Check HTML documents with the Nu HTML checker in one Java start.

    Returns the errors per document name, leaving out documents without any.
    """
    paths = {}
    for number, (name, html) in enumerate(documents.items()):
        path = workdir / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        paths[name] = path
    result = subprocess.run(
        [*command, *map(str, paths.values())], capture_output=True, text=True, timeout=300
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"The Nu HTML checker did not answer in JSON:\n{result.stderr[-3000:]}")
    names = {path.name: name for name, path in paths.items()}
    errors: dict[str, list] = {}
    for message in messages:
        name = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']}"
            f" [{' '.join(message.get('extract', '').split())}]"
        )
    if result.returncode not in (0, 1) or (result.returncode == 1 and not errors):
        pytest.fail(f"The Nu HTML checker failed (exit {result.returncode}):\n{result.stderr}")
    return errors
