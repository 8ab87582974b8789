"""gunicorn settings for `make run`; HOST, PORT and WEB_CONCURRENCY come from the environment."""

import os
import signal
import sys
from pathlib import Path

host = os.environ.get("HOST", "127.0.0.1")
port = int(os.environ.get("PORT", "8000"))
bind = f"{host}:{port}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
wsgi_app = "compare.wsgi:application"
accesslog = "-"
# A sync worker cannot tell the master it is alive while it sends a response. The full
# export at 100 times today's data streams for about 25 s on two cores, and gunicorn's
# default timeout (30 s) killed the worker a few KB before the end of the download.
timeout = 120
# gunicorn 27 opens a control socket in ~/.gunicorn by default, and a second
# instance on the same machine takes it over; we have no use for it.
control_socket_disable = True


def on_starting(server) -> None:
    """A busy port is one line saying who holds it, not gunicorn's retries and traceback."""
    from compare.ports import port_in_use, port_in_use_message

    if port_in_use(host, port):
        sys.exit(port_in_use_message(host, port))


def post_fork(server, worker) -> None:
    """A worker dies with its master (Linux): after a `kill -9` of the master, orphaned
    workers would otherwise keep serving the port, and the next start fails."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        return  # not Linux: gunicorn's own parent check stops the worker, later
    if os.getppid() != server.pid:  # the master died before the prctl took effect
        os._exit(1)


def worker_exit(server, worker) -> None:
    """Let go of the port before the exit handlers run: stopping the embedded PostgreSQL
    can take a while after a crash, and must not keep the next start off the port."""
    for listener in worker.sockets:
        listener.close()


def on_exit(server) -> None:
    """Stop the embedded PostgreSQL when the last process using it is gone.

    Workers stop it themselves on a clean exit; this covers workers that died
    without running their exit handlers (a timeout kill, say).
    """
    if os.environ.get("DATABASE_URL"):
        return
    from compare.database import stop_if_unused

    data_dir = Path(
        os.environ.get("COMPARE_DATA_DIR", Path(__file__).resolve().parent.parent / ".data")
    )
    if stop_if_unused(data_dir / "postgres"):
        server.log.info("Stopped the embedded PostgreSQL")
