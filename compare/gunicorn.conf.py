"""gunicorn settings for `make run`; HOST, PORT and WEB_CONCURRENCY come from the environment."""

import os
from pathlib import Path

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
wsgi_app = "compare.wsgi:application"
accesslog = "-"
# gunicorn 27 opens a control socket in ~/.gunicorn by default, and a second
# instance on the same machine takes it over; we have no use for it.
control_socket_disable = True


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
