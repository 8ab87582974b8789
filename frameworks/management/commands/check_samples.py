"""Try each hello-world sample as a reader would: install it, run it, ask it for a page.

A sample's docstring carries its header, one item a line:

    Install: pip install "litestar[standard]==2.25.0"   (one or more)
    Setup: project start . --no-input                    (optional, any number)
    Run: uvicorn hello:app --port $PORT
    Check: /hello/Ada -> Hello, Ada!
    Python: 3.12                                        (optional; 3.12 by default)

The sample is saved as hello.py in an empty folder, where the Setup commands (one after the
other) and then the Run command run with the scratch venv's bin first on PATH. The Run command
may start with NAME=value words, set in its environment as a shell would; $PORT is replaced by a
free port. Commands are split like a shell's words but never run by a shell.

A sample of a legacy framework instead says ``Legacy: <why>`` next to its own ``Python:`` and
``Install:`` lines; it is reported as skipped, never run.
"""

import ast
import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

FIELDS = ("Install", "Setup", "Run", "Check", "Python", "Legacy")
DEFAULT_PYTHON = "3.12"
INSTALL_TIMEOUT = 900  # seconds for all of a sample's pip installs
START_TIMEOUT = 60  # seconds for the server to answer the check
STOP_GRACE = 5  # seconds between SIGTERM and SIGKILL
# Variables of this project that a reader's shell would not have.
DROPPED_ENV = ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")


class SampleError(Exception):
    """A sample fails: the message says why."""


@dataclass
class Header:
    install: list[list[str]] = field(default_factory=list)
    setup: list[list[str]] = field(default_factory=list)
    run: str = ""
    check_path: str = ""
    check_text: str = ""
    python: str = ""
    legacy: str = ""


def read_header(source: str) -> Header:
    """The header in the sample's docstring; SampleError if it is missing or malformed."""
    try:
        docstring = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError as error:
        raise SampleError(f"does not compile: {error}") from error
    header = Header()
    for line in docstring.splitlines():
        name, colon, value = line.partition(":")
        if not colon or name.strip() not in FIELDS or line[:1].isspace():
            continue
        name, value = name.strip(), value.strip()
        if name == "Install":
            header.install.append(shlex.split(value))
        elif name == "Setup":
            header.setup.append(shlex.split(value))
        elif name == "Check":
            path, arrow, text = value.partition(" -> ")
            if not arrow or not path.startswith("/") or not text:
                raise SampleError(f"a Check line must read '/path -> text': {value!r}")
            header.check_path, header.check_text = path, text
        elif getattr(header, name.lower()):
            raise SampleError(f"more than one {name} line")
        else:
            setattr(header, name.lower(), value)
    if header.legacy:
        if not header.python or not header.install:
            raise SampleError("a Legacy sample must state its Python: and Install: lines")
    elif not header.install:
        raise SampleError("no Install line")
    elif any(words[:2] != ["pip", "install"] or len(words) < 3 for words in header.install):
        raise SampleError("an Install line must read 'pip install <packages>'")
    elif not header.run:
        raise SampleError("no Run line")
    elif not header.check_path:
        raise SampleError("no Check line")
    return header


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def interpreter(version: str) -> str:
    """The python<version> to build the scratch venv with."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable  # a venv made from a venv's python uses the same base
    found = shutil.which(f"python{version}")
    if not found:
        raise SampleError(f"python{version} is not on PATH")
    return found


def last_line(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
    return lines[-1].strip() if lines else "(nothing logged)"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def install(header: Header, venv: Path, out) -> None:
    """A fresh venv with the sample's Install lines in it."""
    python = interpreter(header.python or DEFAULT_PYTHON)
    if subprocess.run([python, "-m", "venv", str(venv)], stdout=out, stderr=out).returncode:
        raise SampleError(f"python{header.python or DEFAULT_PYTHON} -m venv failed")
    deadline = time.monotonic() + INSTALL_TIMEOUT
    for words in header.install:
        command = [str(venv / "bin" / "python"), "-m", "pip", "install"]
        command += ["--disable-pip-version-check", "--no-input", *words[2:]]
        out.write(f"\n$ {shlex.join(words)}\n")
        out.flush()
        try:
            done = subprocess.run(
                command, stdout=out, stderr=out, timeout=max(deadline - time.monotonic(), 1)
            )
        except subprocess.TimeoutExpired as error:
            raise SampleError(f"pip install took over {INSTALL_TIMEOUT} s") from error
        if done.returncode:
            raise SampleError(f"{shlex.join(words)} failed")


def run(words: list[str], env: dict[str, str], cwd: Path, out, **popen) -> subprocess.Popen:
    """Start one command of the header (never through a shell), logging to ``out``."""
    out.write(f"\n$ {shlex.join(words)}\n")
    out.flush()
    command = [shutil.which(words[0], path=env["PATH"]) or words[0], *words[1:]]
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out, **popen
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the sample's process group; SIGKILL what is left after a grace period (Robyn
    ignores SIGTERM, and a server's workers may outlive it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def serve_and_check(header: Header, env: dict[str, str], app: Path, out) -> str:
    """Run the Run line on a free port and wait for the Check answer."""
    port = free_port()
    words = [word.replace("$PORT", str(port)) for word in shlex.split(header.run)]
    env = dict(env)
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value  # NAME=value before the command, as in a shell
    if not words:
        raise SampleError("the Run line has no command")
    # A process group of its own, so that stop() reaches everything the server started.
    process = run(words, env, app, out, start_new_session=True)
    url = f"http://127.0.0.1:{port}{header.check_path}"
    try:
        seen = "no answer"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SampleError(f"the server exited with code {process.returncode}")
            try:
                status, body = fetch(url)
            except OSError:
                time.sleep(0.5)
                continue
            if status == 200 and header.check_text in body:
                return f"GET {header.check_path} -> {header.check_text!r}"
            seen = f"status {status}, body {body[:80]!r}"
            time.sleep(0.5)
        raise SampleError(f"GET {header.check_path}: {seen} after {START_TIMEOUT} s")
    finally:
        stop(process)


def check_sample(slug: str, source: str, header: Header) -> str:
    """Install, set up, run and check one sample in a temporary folder; SampleError if it
    fails, with the last line of its log and where the whole log was kept."""
    with tempfile.TemporaryDirectory(prefix=f"sample-{slug}-") as folder:
        folder = Path(folder)
        log, app, venv = folder / "log.txt", folder / "app", folder / "venv"
        try:
            with log.open("w") as out:
                install(header, venv, out)
                app.mkdir()
                (app / "hello.py").write_text(source)
                env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
                env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
                env["VIRTUAL_ENV"] = str(venv)
                for words in header.setup:
                    if run(words, env, app, out).wait():
                        raise SampleError(f"Setup {shlex.join(words)} failed")
                return serve_and_check(header, env, app, out)
        except SampleError as error:
            kept = Path(tempfile.gettempdir()) / f"check_samples-{slug}.log"
            shutil.copyfile(log, kept)
            raise SampleError(f"{error}: {last_line(log)} (log: {kept})") from error


class Command(BaseCommand):
    help = (
        "Install each hello-world sample into a scratch venv, run it on a free port and check "
        "its answer, as its docstring header says. Prints PASS, FAIL or SKIP (legacy samples) "
        "for each; exits non-zero if any fails."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Samples to check (default: all).")
        parser.add_argument(
            "--samples", type=Path, default=settings.BASE_DIR / "fixtures" / "samples"
        )

    def handle(self, *args, slugs: list[str], samples: Path, **options):
        paths = {path.stem: path for path in sorted(samples.glob("*.py"))}
        unknown = sorted(set(slugs) - set(paths))
        if unknown:
            raise CommandError(f"No sample for: {', '.join(unknown)} (in {samples})")
        counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        for slug in slugs or paths:
            started = time.monotonic()
            source = paths[slug].read_text()
            try:
                header = read_header(source)
                if header.legacy:
                    verdict, reason = "SKIP", f"Legacy: {header.legacy}"
                else:
                    reason = check_sample(slug, source, header)
                    verdict = "PASS"
                    reason += f" ({time.monotonic() - started:.0f} s)"
            except SampleError as error:
                verdict, reason = "FAIL", str(error)
            counts[verdict] += 1
            style = {"PASS": self.style.SUCCESS, "FAIL": self.style.ERROR}.get(verdict, str)
            self.stdout.write(style(f"{verdict} {slug}: {reason}"))
            self.stdout.flush()
        self.stdout.write(
            f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped"
        )
        if counts["FAIL"]:
            raise CommandError(f"{counts['FAIL']} sample(s) failed.")
