"""The WSGI servers `mockserver serve --server NAME` runs the app on.

granian (the default) was the fastest in bench/RESULTS.md. waitress and gunicorn stay
selectable. Every server runs exactly one process that serves requests, since the store lives
in memory: a second worker would be a second, diverging fake.

Each prints `listening on http://HOST:PORT` once the port accepts connections, from the process
that answers them, and exits 0 on SIGINT or SIGTERM.
"""
from __future__ import annotations

import gc
import os
import signal
import socket
import sys
import threading
import time

SERVERS = ("granian", "waitress", "gunicorn")
DEFAULT = "granian"
# Only these can end a connection without a byte (fault action drop_connection, web/guards.py).
DROPS_CONNECTIONS = {"granian": False, "waitress": True, "gunicorn": True}
# Headers up to 2 MiB reach the app, so a long GET query gets Navixy's code 9 (1 MiB limit,
# app.py), not a server's plain-text 431.
MAX_HEADER_BYTES = 2 * 1024 * 1024
READY_TIMEOUT_S = 10.0
ORPHAN_CHECK_S = 0.2


class ServeError(Exception):
    """The server could not start (e.g. the port is taken)."""


# Request threads when --threads is not given. granian: one, the steadiest p99 measured (the
# GIL runs one request at a time anyway, and more threads only add switching).
DEFAULT_THREADS = {"granian": 1, "waitress": 8, "gunicorn": 8}


def serve(app, *, server: str, host: str, port: int, threads: int | None = None,
          warm: bool = False) -> None:
    """Serve `app` until SIGINT or SIGTERM. Raises ServeError when it cannot start. `warm`:
    the fake's warm_up() before the port is announced (not for a bare app)."""
    threads = threads or DEFAULT_THREADS[server]
    if warm:
        warm_up(app)
    # What exists now (modules, the app, the fixture) lives as long as the process: keep it out
    # of every garbage collection. A full collection then walks only what requests made, and
    # user/auth's p99 at c=16 fell from ~28 to ~8 ms (sessions pile up, collections grow).
    gc.freeze()
    sys.stdout.flush()  # granian and gunicorn fork: nothing buffered may be printed twice
    {"granian": _granian, "waitress": _waitress, "gunicorn": _gunicorn}[server](
        app, host, port, threads, warm)


def _announce(host: str, port: int) -> None:
    print(f"listening on http://{_url_host(host)}:{port}", flush=True)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _waitress(app, host, port, threads, warm):
    import waitress

    try:
        server = waitress.create_server(app, host=host, port=port, threads=threads,
                                        max_request_header_size=MAX_HEADER_BYTES)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    previous = signal.signal(signal.SIGTERM, _interrupt)
    _announce(host, server.effective_port)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _granian(app, host, port, threads, warm):
    """One worker process forked from this one: it inherits the app built here."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    # granian binds in the worker, so port 0 is resolved here; a port taken meanwhile makes
    # the worker fail, reported below.
    port = _bindable_port(host, port)

    parent = os.getpid()

    def load():  # in the worker, before granian builds its WSGI environ from os.environ
        _forget_cgi_variables()
        threading.Thread(target=_stop_when_orphaned, args=(parent,), daemon=True).start()
        threading.Thread(target=_announce_when_connectable, args=(app, host, port, warm),
                         daemon=True).start()
        return app

    server = Server("mockserver", address=host, port=port, interface=Interfaces.WSGI,
                    workers=1, blocking_threads=threads, websockets=False,
                    http1_settings=HTTP1Settings(max_buffer_size=MAX_HEADER_BYTES + 8192),
                    log_level=LogLevels.warning)
    server.serve(target_loader=load, wrap_loader=False)
    if not server.interrupt_signal:  # granian ends its loop when the worker dies
        raise ServeError(f"the granian worker stopped (cannot listen on {host}:{port}?)")


def _stop_when_orphaned(parent: int) -> None:
    """A killed main process (SIGKILL, a crash) cannot stop its worker, which would keep the
    port and serve on: the worker stops itself, as on SIGTERM, once its parent is gone."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os.kill(os.getpid(), signal.SIGTERM)


def _forget_cgi_variables() -> None:
    """granian starts every request's environ from os.environ: a variable such as
    HTTP_AUTHORIZATION in the server's environment would read as a request header."""
    for name in list(os.environ):
        if name.startswith(("HTTP_", "CONTENT_", "REMOTE_", "SERVER_", "wsgi.")) or name in (
                "PATH_INFO", "QUERY_STRING", "REQUEST_METHOD", "SCRIPT_NAME", "AUTH_TYPE"):
            del os.environ[name]


def _announce_when_connectable(app, host: str, port: int, warm: bool) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
        except OSError:
            time.sleep(0.005)
            continue
        try:  # granian's first requests start its request thread: not on a client's time
            if warm:
                warm_up(app, (host, port))
        except (OSError, ValueError):  # a warm-up that fails costs speed, not correctness
            pass
        _announce(host, port)
        return
    print(f"mockserver: granian did not accept connections on {host}:{port}", file=sys.stderr,
          flush=True)


def _bindable_port(host: str, port: int) -> int:
    """`port`, or a free one for 0, after checking that it can be bound now."""
    with socket.socket(_family(host)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        return probe.getsockname()[1]


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _gunicorn(app, host, port, threads, warm):
    from gunicorn.app.base import BaseApplication

    def announce(worker):  # post_worker_init: in the worker, once it can accept
        _announce(host, worker.sockets[0].getsockname()[1])

    options = {"bind": f"{_url_host(host)}:{port}", "workers": 1, "worker_class": "gthread",
               "threads": threads, "post_worker_init": announce, "loglevel": "warning",
               "graceful_timeout": 2, "limit_request_line": 0, "limit_request_field_size": 0,
               "accesslog": None}

    class Embedded(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    try:
        Embedded().run()
    except SystemExit as exc:  # gunicorn's arbiter exits the process itself
        if exc.code not in (0, None):
            raise ServeError(f"gunicorn stopped with exit code {exc.code}") from exc


WARM_UP_NAMESPACE = "mockserver-warm-up"


def warm_up(app, address: tuple[str, int] | None = None) -> None:
    """Pay a fresh app's one-off costs (lazy imports, werkzeug's and webargs' caches; with an
    address, the server's own first-request work too) before the port is announced, so a
    client's first call is as fast as its tenth. The calls go to a namespace of their own,
    dropped afterwards: no world, journal or call count sees them."""
    namespaces = app.extensions["mockserver"].namespaces
    world = namespaces.world(WARM_UP_NAMESPACE)
    user = next((u for u in world.store.users() if u.activated), None)
    call = _over_http(*address) if address else _in_process(app)
    base = f"/__ns__/{WARM_UP_NAMESPACE}/v2"
    try:
        answer = call("POST", f"{base}/user/auth", {"login": user.login if user else "-",
                                                    "password": user.password if user else "-"})
        hash_ = answer.get("hash") or "0" * 32
        header = {"Authorization": f"NVX {hash_}"}
        call("GET", f"{base}/user/get_info", None, header)
        call("POST", f"{base}/api/key/list", {"hash": hash_})
        call("GET", f"{base}/iot/logic/flow/list", None, header)
        call("GET", f"{base}/user/get_info", None, {"Authorization": "NVX " + "0" * 32})
    finally:
        namespaces.drop(WARM_UP_NAMESPACE)


def _in_process(app):
    client = app.test_client()

    def call(method, path, body=None, headers=None) -> dict:
        answer = client.open(path, method=method, json=body, headers=headers)
        return answer.get_json(silent=True) or {}
    return call


def _over_http(host: str, port: int):
    import http.client
    import json

    connection = http.client.HTTPConnection(host, port, timeout=5)

    def call(method, path, body=None, headers=None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers={
            **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
        try:
            return json.loads(connection.getresponse().read() or b"{}")
        except ValueError:
            return {}
    return call
