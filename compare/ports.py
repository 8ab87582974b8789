"""Before gunicorn binds: is the port free, and if not, who holds it?"""

from __future__ import annotations

import errno
import socket

import psutil


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


def port_holder(port: int) -> psutil.Process | None:
    """The process listening on ``port``, if this user may see it."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        return None
    for connection in connections:
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port:
            try:
                return psutil.Process(connection.pid) if connection.pid else None
            except psutil.NoSuchProcess:
                return None
    return None


def port_in_use_message(host: str, port: int) -> str:
    """One line: which process holds the port, and how to stop it."""
    holder = port_holder(port)
    if holder is None:
        return (
            f"Port {port} on {host} is already in use by another program: stop it, "
            f"or serve on another port with PORT=8001 make run."
        )
    try:
        command = " ".join(holder.cmdline())[:120] or holder.name()
    except psutil.Error:
        command = "unknown command"
    return (
        f"Port {port} on {host} is already in use by process {holder.pid} ({command}): "
        f"stop it with `kill {holder.pid}`, or serve on another port with PORT=8001 make run."
    )
