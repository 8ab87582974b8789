"""`make bench`: how fast the public pages are, as a share of a static file served alongside.

For each data size (the real data, then ten times it, made by tests/scale.py), the
site is served by gunicorn exactly as `make run` serves it (3 workers) from its own
embedded PostgreSQL in .data/bench/, twice:

- warm: the page cache on, and every page requested once before it is measured;
- cold: the page cache off (COMPARE_PAGE_CACHE=0), so every request renders afresh.

In both, the first request after an edit is timed per page first: it reloads the
facts, and with the cache on it renders, compresses and stores the page, as the first
visitor after an editor's save meets it.

In each run, wrk measures a copy of `/`'s HTML served as a static file by the same
gunicorn and WhiteNoise (the ceiling, 100%), first and then again (for half as long)
just before each page, since this machine's speed drifts over minutes: each page's
share is given of both; a static copy of /data/dataset.json
with the very bytes the site sends (its share of the ceiling is what any server
reaches with a file that big: the export's own ceiling); then each page. Every client sends
`Accept-Encoding: br, gzip`, as browsers do, and the static copy has its .br and .gz
files, as collectstatic makes them. Results are printed, and written to
bench/results/ (git-ignored) as Markdown and JSON.

Environment: BENCH_SECONDS (default 10), BENCH_SCALES (default "1,10"),
BENCH_CONNECTIONS (default 16), WEB_CONCURRENCY (default 3).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import brotli

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = BASE_DIR / "bench" / "results"
DATA_DIR = BASE_DIR / ".data" / "bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PAIRED_SECONDS = max(3, SECONDS // 2)  # the ceiling measured again before each page
SCALES = [int(scale) for scale in os.environ.get("BENCH_SCALES", "1,10").split(",")]
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "3"))
CEILING = "/static/bench/ceiling.html"
EXPORT_COPY = "/static/bench/dataset.json"
PAGES = {
    "/": "/",
    "/?category=asynchronous": "/?category=asynchronous",
    "framework page": "/frameworks/django/",
    "compare, 3 frameworks": "/compare/?f=django&f=flask&f=fastapi",
    "feature page": "/features/orm/",
    "/choose/, JSON API preset": "/choose/?must=rest&must=openapi&must=validation",
    "/data/dataset.json": "/data/dataset.json",
}


def main() -> int:
    wrk = shutil.which("wrk")
    if not wrk:
        print("make bench needs wrk: sudo apt-get install -y wrk", file=sys.stderr)
        return 1
    environment = {
        **os.environ,
        "COMPARE_DATA_DIR": str(DATA_DIR),
        "DATABASE_URL": "",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-" + "x" * 50,
        "WEB_CONCURRENCY": str(WORKERS),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {"date": stamp, "seconds": SECONDS, "connections": CONNECTIONS, "runs": []}
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "collectstatic", "--noinput", "-v0")
    limit = page_cache_limit(environment)
    for scale in SCALES:
        prepare_data(environment, scale)
        export_kept = write_ceiling(environment) <= limit
        for mode in ("warm", "cold"):
            run = measure(environment, wrk, scale, mode, export_kept)
            report["runs"].append(run)
            print_run(run)
    markdown = render_markdown(report)
    (RESULTS / f"{stamp}.md").write_text(markdown)
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    print(f"\nWritten to {(RESULTS / stamp).relative_to(BASE_DIR)}.md and .json")
    return 0


# --- The site ---------------------------------------------------------------------------


def manage(environment: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=environment, check=True)


def page_cache_limit(environment: dict) -> int:
    """The biggest body the site keeps in its page cache (settings.PAGE_CACHE_MAX_BYTES)."""
    script = "from django.conf import settings\nprint(settings.PAGE_CACHE_MAX_BYTES)"
    return int(shell_output(environment, script))


def shell_output(environment: dict, script: str) -> str:
    """The last line a script run by `manage.py shell` beside the site prints."""
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", script],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return output.strip().splitlines()[-1]


def prepare_data(environment: dict, scale: int) -> None:
    """The shipped dataset, grown to ``scale`` times its size, vacuumed, with fresh
    planner statistics."""
    print(f"\nPreparing the data at {scale}x ...", flush=True)
    manage(environment, "flush", "--noinput", "-v0")
    manage(environment, "load_dataset", "-v0")
    script = "from django.db import connection\n"
    if scale > 1:
        script += f"from tests.scale import grow_dataset\ngrow_dataset({scale})\n"
    # Settled, as a live database is: without VACUUM, autovacuum wakes up on the rows
    # just written and runs during the measurements (at 100x, for minutes).
    script += "connection.cursor().execute('VACUUM ANALYZE')\n"
    manage(environment, "shell", "-v0", "-c", script)


class Site:
    """gunicorn on a spare port, as `make run` starts it, stopped on leaving."""

    def __init__(self, environment: dict, page_cache: bool):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {
            **environment,
            "PORT": str(self.port),
            "COMPARE_PAGE_CACHE": "1" if page_cache else "0",
        }

    def __enter__(self) -> Site:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "compare/gunicorn.conf.py",
             "--access-logfile", "/dev/null"],
            cwd=BASE_DIR, env=self.environment,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(self.url + "/healthz")
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"gunicorn did not answer on {self.url} within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, encoding: str = "identity") -> bytes:
    """The body as sent: compressed, when asked for in ``encoding``."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own site
        assert response.headers.get("Content-Encoding", "identity") == encoding, url
        return response.read()


def write_ceiling(environment: dict) -> int:
    """`/`'s HTML as a static file, with the encodings collectstatic would have made, and
    the export as the site sends it; returns the size of the export's brotli body.

    WhiteNoise lists the static files when gunicorn starts, so this comes first.
    """
    with Site(environment, page_cache=True) as site:
        html = fetch(site.url + "/")
        export = {
            suffix: fetch(site.url + "/data/dataset.json", encoding)
            for suffix, encoding in (("", "identity"), (".br", "br"), (".gz", "gzip"))
        }
    folder = BASE_DIR / "staticfiles" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ceiling.html").write_bytes(html)
    (folder / "ceiling.html.gz").write_bytes(gzip.compress(html, 9, mtime=0))
    (folder / "ceiling.html.br").write_bytes(brotli.compress(html))
    for suffix, body in export.items():  # the site's own encodings, byte for byte
        (folder / f"dataset.json{suffix}").write_bytes(body)
    return len(export[".br"])


# --- Measuring --------------------------------------------------------------------------


def measure(environment: dict, wrk: str, scale: int, mode: str, export_kept: bool) -> dict:
    print(f"Measuring at {scale}x, {mode} cache ({SECONDS} s a page) ...", flush=True)
    pages = [
        ("static copy of / (ceiling)", CEILING),
        # Before the pages: the export's last requests can keep workers busy after wrk.
        ("static copy of /data/dataset.json, same bytes", EXPORT_COPY),
        *PAGES.items(),
    ]
    with Site(environment, page_cache=mode == "warm") as site:
        warm_up(site, pages, export_kept)
        # Before wrk: its last requests for a big export can keep workers busy after it.
        after_edit = measure_after_edits(environment, site)
        if mode == "warm":
            warm_up(site, pages, export_kept)  # the edits made a new version: fill its cache
        rows = []
        for label, path in pages:
            row = {"page": label, "path": path}
            if path != CEILING:
                # This machine's speed drifts over a phase's minutes; a ceiling measured
                # just before each page is what that page is compared with too.
                ceiling = run_wrk(wrk, site.url + CEILING, PAIRED_SECONDS)
                row["paired_ceiling"] = ceiling["requests_per_second"]
            rows.append(row | run_wrk(wrk, site.url + path))
    ceiling = rows[0]["requests_per_second"]
    for row in rows:
        row["share_of_ceiling"] = round(100 * row["requests_per_second"] / ceiling, 1)
        paired = row.get("paired_ceiling", ceiling)
        row["share_of_paired_ceiling"] = round(100 * row["requests_per_second"] / paired, 1)
    return {"scale": scale, "mode": mode, "pages": rows, "after_edit": after_edit}


def warm_up(site: Site, pages: list[tuple[str, str]], export_kept: bool) -> None:
    """Warm: fills the cache of every worker (each keeps its own without CACHE_URL).
    Cold: loads the code in every worker. Requests at once reach them all. An export
    too big to keep is streamed afresh every time (at 100x, 99 MB in about 30 s):
    fetched once, and not six times at once, which outlasts gunicorn's timeout."""
    for _, path in pages:
        times = 1 if path.startswith("/data/") and not export_kept else 2 * WORKERS
        with ThreadPoolExecutor(times) as pool:
            list(pool.map(fetch, [site.url + path] * times))


# Run by `manage.py shell` beside the site: it saves a framework (a new data version,
# as an editor's save makes), then times one request, which reloads the facts of the
# worker that takes it; the static copy is timed the same way, in the same loop.
AFTER_EDIT = """
import json, statistics, time, urllib.request
from frameworks.models import Framework
framework = Framework.objects.published().order_by("pk").first()
def timed(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000
rows = []
for label, path in PAGES:
    after, static = [], []
    for _ in range(ROUNDS):
        framework.save()
        after.append(timed(URL + path))
        static.append(timed(URL + CEILING))
    rows.append({"page": label, "path": path, "median_ms": round(statistics.median(after), 1),
                 "max_ms": round(max(after), 1),
                 "static_ms": round(statistics.median(static), 2)})
print(json.dumps(rows))
"""
EDIT_ROUNDS = 7


def measure_after_edits(environment: dict, site: Site) -> list[dict]:
    """The first request after an edit, per page: it reloads the facts of a worker."""
    print("Timing the first request after an edit ...", flush=True)
    pages = [(label, path) for label, path in PAGES.items() if not path.startswith("/data/")]
    script = (
        f"PAGES = {pages!r}\nURL = {site.url!r}\nCEILING = {CEILING!r}\n"
        f"ROUNDS = {EDIT_ROUNDS}\n{AFTER_EDIT}"
    )
    return json.loads(shell_output(environment, script))


def run_wrk(wrk: str, url: str, seconds: int = SECONDS) -> dict:
    output = subprocess.run(
        [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-H", "Accept-Encoding: br, gzip", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    transfer = re.search(r"Transfer/sec:\s+(\S+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": failed.group(1) if failed else "",
        "transfer_per_second": transfer.group(1) if transfer else "?",
    }


# --- Reporting --------------------------------------------------------------------------


def table(run: dict) -> str:
    lines = [
        f"### {run['scale']}x data, {run['mode']} cache",
        "",
        "| page | req/s | share of the ceiling | ceiling just before | share of it "
        "| p50 | p99 | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in run["pages"]:
        errors = row["errors"] + (1 if row["socket_errors"] else 0)
        paired = f"{row['paired_ceiling']:.0f}" if "paired_ceiling" in row else ""
        lines.append(
            f"| {row['page']} | {row['requests_per_second']:.0f} | {row['share_of_ceiling']}% "
            f"| {paired} | {row['share_of_paired_ceiling']}% "
            f"| {row['p50']} | {row['p99']} | {errors or ''} |"
        )
    return "\n".join(lines)


def after_edit_table(run: dict) -> str:
    if not run.get("after_edit"):
        return ""
    cache = "on: the page is rendered and stored" if run["mode"] == "warm" else "off"
    lines = [
        f"### {run['scale']}x data: the first request after an edit (page cache {cache})",
        "",
        f"Each of {EDIT_ROUNDS} rounds saves a framework, then requests the page once: the"
        " worker that takes it reloads the facts. The static copy of / is timed the same way.",
        "",
        "| page | median | max | static copy | median / static |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in run["after_edit"]:
        lines.append(
            f"| {row['page']} | {row['median_ms']} ms | {row['max_ms']} ms "
            f"| {row['static_ms']} ms | {row['median_ms'] / row['static_ms']:.0f}x |"
        )
    return "\n".join(lines)


def print_run(run: dict) -> None:
    print("\n" + table(run) + "\n", flush=True)
    if edits := after_edit_table(run):
        print(edits + "\n", flush=True)


def render_markdown(report: dict) -> str:
    header = (
        f"# make bench, {report['date']}\n\n"
        f"wrk -t2 -c{report['connections']} -d{report['seconds']}s, Accept-Encoding: br, gzip; "
        f"gunicorn with {WORKERS} workers on this machine.\n"
    )
    sections = [part for run in report["runs"] for part in (table(run), after_edit_table(run))]
    return header + "\n" + "\n\n".join(part for part in sections if part) + "\n"


if __name__ == "__main__":
    sys.exit(main())
