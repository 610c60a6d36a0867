"""What stands in front of every Navixy call (/v2/...): injected faults, then the per-IP rate
limit. The control plane (/__mock__) is never faulted nor throttled.

The per-user and per-key rate limit needs the resolved credential, so it runs in rpc.py right
after authenticate() (`_limit_rate`).

drop_connection: the view answers nothing and the WSGI wrapper below closes the connection.
- waitress (`mockserver serve`): raising waitress' ClientDisconnected before any byte is written
  makes it close the socket without an answer; the server keeps serving other connections.
- werkzeug's dev server, gunicorn: the socket they put in the environ is shut down.
- anything else, including Flask's test client: ConnectionDropped propagates, a clear error
  in a test (the werkzeug test client re-raises it); an unknown server may turn it into a 500.
"""
from __future__ import annotations

import socket
import time

from flask import current_app, request
from werkzeug.exceptions import HTTPException

from ..domain import errors, faults, ratelimit, sessions
from .body import request_body
from .credentials import find_credential
from .rpc import current_world

NAVIXY_PREFIX = "/v2/"
AUTH_PATH = "/v2/user/auth"
_DROP = "mockserver.drop_connection"


class ConnectionDropped(ConnectionError):
    """An injected fault closed the connection without an answer."""


def install(app) -> None:
    """Register the guard (after the world is picked) and the connection-dropping wrapper."""
    app.before_request(guard_navixy_call)
    app.wsgi_app = DropConnections(app.wsgi_app)


def guard_navixy_call():
    req = request._get_current_object()  # not the proxy: see the hooks in app.py
    if not req.path.startswith(NAVIXY_PREFIX):
        return None
    world = current_world()
    if world.faults:
        action = world.faults.decide(req.path, req.method, lambda: _request_login(world))
        answer = _carry_out(action) if action is not None else None
        if answer is not None:
            return answer
    limit = current_app._get_current_object().config.get("RATE_LIMIT")
    if limit:
        world.rate_limiter.hit(ratelimit.IP, req.remote_addr, world.clock.now(), limit)
    return None


def _carry_out(action: faults.Action):
    if action.delay_ms:
        time.sleep(action.delay_ms / 1000)  # real time: a slow network, not a mock-clock event
    if action.drop_connection:
        request.environ[_DROP] = True
        return current_app.response_class(status=500)  # never sent: DropConnections drops it
    error = action.error()
    if error is not None:
        raise error
    return None  # a delay only: the call goes on


def _request_login(world) -> str | None:
    """The login a fault's `match.login` compares with; None when there is none to read."""
    try:
        if request.path == AUTH_PATH:
            params = request_body() or request.args
            login = params.get("login")
            return login if isinstance(login, str) else None
        return sessions.login_of(world, find_credential())
    except (errors.NavixyError, HTTPException):  # bad JSON, bad hash: the view will say so
        return None


class DropConnections:
    """WSGI wrapper: when a fault chose drop_connection, send nothing and close the socket."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start_unless_dropped(status, headers, exc_info=None):
            if environ.get(_DROP):
                return lambda data: None
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, start_unless_dropped)
        if not environ.get(_DROP):
            return body
        if hasattr(body, "close"):
            body.close()
        _drop(environ)


def _drop(environ):
    message = "fault injected: drop_connection (closed without an answer)"
    if "waitress.client_disconnected" in environ:
        from waitress.channel import ClientDisconnected
        raise ClientDisconnected(message)
    for key in ("werkzeug.socket", "gunicorn.socket"):
        sock = environ.get(key)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    raise ConnectionDropped(message)
